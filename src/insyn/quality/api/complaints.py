"""Complaints in the API: list and read (view_quality, audited per object), register one
received by phone or letter (report_quality), and one POST per step (handle_quality). A
complaint outside scope is the same JSON 404 as a missing one. The public form has no API:
it is a page for people, throttled per address."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from insyn.core.api import (
    AuditedReadMixin,
    StaleVersion,
    VersionedMixin,
    int_param,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.audit import record_access
from insyn.core.concurrency import VersionConflict
from insyn.core.roles import Action
from insyn.core.validation import reject_control_characters
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Complaint, ComplaintTheme
from insyn.quality.services import complaints as services


def api_error(exc: DjangoValidationError) -> Exception:
    if isinstance(exc, VersionConflict):
        return StaleVersion(exc)
    if not hasattr(exc, "error_dict"):
        return ValidationError({"non_field_errors": exc.messages})
    return ValidationError(
        {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    )


def inline_choice(choices: list[tuple[str, Any]], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field documented as a pattern, not an enum: "kind" and "channel" are field
    names other apps use for other choice sets, and enum components are named by field name
    (a collision the deploy check refuses)."""
    values = [value for value, _label in choices]
    schema = {
        "type": "string",
        "pattern": "^(" + "|".join(values) + ")$",
        "description": "One of: " + ", ".join(values) + ".",
    }

    @extend_schema_field(schema)
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


STAFF_CHANNEL_CHOICES = [(c.value, c.label) for c in services.STAFF_CHANNELS]


class ComplaintSerializer(serializers.ModelSerializer):
    theme: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    kind = inline_choice(Complaint.Kind.choices, read_only=True)
    channel = inline_choice(Complaint.Channel.choices, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "receipt_number",
            "municipality",
            "unit",
            "state",
            "kind",
            "channel",
            "theme",
            "text",
            "submitter",
            "anonymous",
            "contact_name",
            "contact_email",
            "contact_phone",
            "wants_answer",
            "language",
            "received_on",
            "answer_due_on",
            "handler",
            "assigned_on",
            "investigation",
            "investigated_on",
            "answer_text",
            "answered_on",
            "closed_on",
            "version",
        ]
        read_only_fields = fields


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, validators=[reject_control_characters], **kwargs
    )


class RegisterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = inline_choice(Complaint.Kind.choices)
    channel = inline_choice(STAFF_CHANNEL_CHOICES)
    received_on = serializers.DateField()
    text = _text(services.TEXT_MAX, allow_blank=True)
    theme = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="A theme's code."
    )
    submitter = serializers.ChoiceField(
        choices=Complaint.Submitter.choices, required=False, allow_blank=True, default=""
    )
    anonymous = serializers.BooleanField(required=False, default=False)
    contact_name = _text(services.NAME_MAX, required=False, allow_blank=True, default="")
    contact_email = _text(254, required=False, allow_blank=True, default="")
    contact_phone = _text(services.PHONE_MAX, required=False, allow_blank=True, default="")
    wants_answer = serializers.BooleanField(required=False, default=False)


class RegisteredSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    receipt_number = serializers.CharField()


class AssignSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    handler = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    assigned_on = serializers.DateField(required=False)
    version = version_field()


class ComplaintInvestigateSerializer(serializers.Serializer):
    investigation = _text(services.TEXT_MAX, required=False, allow_blank=True, default="")
    investigated_on = serializers.DateField(required=False)
    version = version_field()


class AnswerSerializer(serializers.Serializer):
    answer_text = _text(services.TEXT_MAX, allow_blank=True)
    answered_on = serializers.DateField(required=False)
    version = version_field()


class ComplaintCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(required=False)
    version = version_field()


FILTERS = [
    OpenApiParameter("state", str, enum=Complaint.State.values),
    OpenApiParameter("kind", str, enum=Complaint.Kind.values),
    OpenApiParameter("unit", int),
]


@extend_schema_view(list=extend_schema(parameters=FILTERS), retrieve=versioned_read_schema())
class ComplaintViewSet(VersionedMixin, AuditedReadMixin, viewsets.GenericViewSet):
    """Complaints and suggestions of the units where you may read quality work."""

    serializer_class = ComplaintSerializer
    scope_action = Action.VIEW_QUALITY
    http_method_names = ["get", "post", "head", "options"]

    def get_base_queryset(self) -> Any:
        qs = Complaint.objects.select_related("theme").order_by("-received_on", "-id")
        params = self.request.query_params
        if params.get("state") in Complaint.State.values:
            qs = qs.filter(state=params["state"])
        if params.get("kind") in Complaint.Kind.values:
            qs = qs.filter(kind=params["kind"])
        if (unit := int_param(self.request, "unit")) is not None:
            qs = qs.filter(unit_id=unit)
        return qs

    def _shown(self, obj: Complaint, code: int = status.HTTP_200_OK) -> Response:
        obj.refresh_from_db()
        record_access(actor=self.request.user, action="view", objects=[obj])
        return Response(ComplaintSerializer(obj).data, status=code)

    def _handled(self) -> Complaint:
        """The complaint if the caller may handle it; else the same 404 as a missing one."""
        complaint = self.get_object()
        if (
            not Complaint.objects.restrict(self.request.user, Action.HANDLE_QUALITY)
            .filter(pk=complaint.pk)
            .exists()
        ):
            raise NotFound
        return complaint

    def _unit(self, pk: int, action_: Action) -> OrgUnit:
        unit = OrgUnit.objects.restrict(self.request.user, action_).filter(pk=pk).first()
        if unit is None:
            raise ValidationError({"unit": ["Unknown unit."]})
        return unit

    @extend_schema(request=RegisterSerializer, responses={201: RegisteredSerializer})
    def create(self, request: Request) -> Response:
        """Register a complaint received by phone, letter, e-mail or in person."""
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        unit = self._unit(d.pop("unit"), Action.REPORT_QUALITY)
        code = d.pop("theme", "")
        theme = None
        if code:
            theme = ComplaintTheme.objects.filter(code=code, active=True).first()
            if theme is None:
                raise ValidationError({"theme": ["Unknown theme."]})
        try:
            complaint = services.complaint_register(actor=request.user, unit=unit, theme=theme, **d)
        except Http404 as exc:
            raise ValidationError({"unit": ["Unknown unit."]}) from exc
        except DjangoValidationError as exc:
            raise api_error(exc) from exc
        # Whoever registers may not be allowed to read it (a case worker reports, the quality
        # lead reads): the answer is the receipt, as on the public page.
        return Response(
            {"id": complaint.pk, "receipt_number": complaint.receipt_number},
            status=status.HTTP_201_CREATED,
        )

    @versioned_write_schema(AssignSerializer, ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        complaint = self._handled()
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        unit = self._unit(d["unit"], Action.HANDLE_QUALITY)
        handler = None
        if d.get("handler") is not None:
            from insyn.accounts.models import User

            handler = User.objects.filter(pk=d["handler"], is_active=True).first()
            if handler is None:
                raise ValidationError({"handler": ["Unknown user."]})
        return self._run(
            services.complaint_assign,
            complaint,
            d,
            unit=unit,
            handler=handler,
            assigned_on=d.get("assigned_on"),
        )

    @versioned_write_schema(ComplaintInvestigateSerializer, ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def investigate(self, request: Request, pk: str | None = None) -> Response:
        complaint = self._handled()
        body = ComplaintInvestigateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        return self._run(
            services.complaint_investigate,
            complaint,
            d,
            investigation=d["investigation"],
            investigated_on=d.get("investigated_on"),
        )

    @versioned_write_schema(AnswerSerializer, ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        complaint = self._handled()
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        return self._run(
            services.complaint_answer,
            complaint,
            d,
            answer_text=d["answer_text"],
            answered_on=d.get("answered_on"),
        )

    @versioned_write_schema(ComplaintCloseSerializer, ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        complaint = self._handled()
        body = ComplaintCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        return self._run(services.complaint_close, complaint, d, closed_on=d.get("closed_on"))

    def _run(self, service: Any, complaint: Complaint, d: Any, **kwargs: Any) -> Response:
        try:
            service(
                actor=self.request.user,
                complaint=complaint,
                expected_version=self.expected_version(d.get("version")),
                **kwargs,
            )
        except Http404 as exc:
            raise ValidationError({"unit": ["Unknown unit."]}) from exc
        except DjangoValidationError as exc:
            raise api_error(exc) from exc
        # Whoever may handle a unit may read it (every role with handle_quality has
        # view_quality), so the answer is the complaint as it is now.
        return self._shown(complaint)


def register(router: Any) -> list[Any]:
    router.register("quality/complaints", ComplaintViewSet, basename="complaint")
    return []
