"""Enrolments and occasions with values: audited reads, writes through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from insyn.accounts.models import User
from insyn.clients.models import Intervention
from insyn.core.api import (
    VersionedMixin,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.roles import Action
from insyn.followup import selectors, services
from insyn.followup.api.common import AuditedViewSet, api_error
from insyn.followup.models import (
    Enrollment,
    NonResponseReason,
    Occasion,
    Variable,
)
from insyn.followup.scoring import band_for
from insyn.followup.services.enrollment import responsible_refused
from insyn.followup.services.recording import prefetch_values, values_summary

# --- enrolments ----------------------------------------------------------------------------


class EnrollmentSerializer(serializers.ModelSerializer):
    programme_key = serializers.CharField(source="programme.key", read_only=True)
    programme_version = serializers.IntegerField(source="programme.version", read_only=True)
    client_ref = serializers.CharField(source="client.client_ref", read_only=True)
    occasions: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "programme",
            "programme_key",
            "programme_version",
            "client",
            "client_ref",
            "intervention",
            "unit",
            "responsible",
            "method",
            "status",
            "enrolled_on",
            "occasions",
        ]
        read_only_fields = fields


class EnrollmentChangeSerializer(serializers.Serializer):
    status = serializers.RegexField(
        r"^withdrawn$", required=False, help_text='"withdrawn" to take the client out.'
    )
    responsible = serializers.IntegerField(
        required=False, allow_null=True, help_text="A user id, or null for nobody."
    )


class EnrolSerializer(serializers.Serializer):
    programme = serializers.IntegerField(help_text="A published programme version's id.")
    intervention = serializers.IntegerField()


@extend_schema(
    parameters=[
        OpenApiParameter("client", int),
        OpenApiParameter("intervention", int),
        OpenApiParameter("programme", str, description="Programme key."),
        OpenApiParameter("status", str, description="active, completed or withdrawn."),
    ]
)
class EnrollmentViewSet(AuditedViewSet):
    """Clients followed up under a programme version; enrol by hand; withdraw."""

    serializer_class = EnrollmentSerializer

    def get_base_queryset(self) -> Any:
        qs = Enrollment.objects.select_related("programme", "client").prefetch_related("occasions")
        for param, lookup in (("client", "client_id"), ("intervention", "intervention_id")):
            if (value := self._int_param(param)) is not None:
                qs = qs.filter(**{lookup: value})
        if self.request.query_params.get("programme"):
            qs = qs.filter(programme__key=self.request.query_params["programme"])
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs

    @extend_schema(request=EnrolSerializer, responses={201: EnrollmentSerializer})
    def create(self, request: Request) -> Response:
        data = EnrolSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        interventions = Intervention.objects.restrict(request.user, Action.CHANGE_INDIVIDUAL)
        intervention = interventions.filter(pk=data.validated_data["intervention"]).first()
        if intervention is None:
            raise ValidationError({"intervention": [_("Unknown intervention.")]})
        programme = (
            selectors.programmes_visible(request.user)
            .filter(pk=data.validated_data["programme"])
            .first()
        )
        if programme is None:
            raise ValidationError({"programme": [_("Unknown programme.")]})
        try:
            enrollment = services.enrollment_create(
                actor=request.user, programme=programme, intervention=intervention
            )
        except DjangoValidationError as exc:
            raise api_error(exc) from exc
        return self._shown(enrollment, status.HTTP_201_CREATED)

    @extend_schema(request=EnrollmentChangeSerializer, responses=EnrollmentSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw ({"status": "withdrawn"}) or change the responsible case worker."""
        enrollment = self.get_object()
        data = EnrollmentChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            if "responsible" in d:
                user = (
                    User.objects.filter(pk=d["responsible"]).first() if d["responsible"] else None
                )
                if d["responsible"] and user is None:
                    # Same answer as for a user outside the unit: ids do not reveal accounts.
                    raise responsible_refused()
                services.enrollment_assign(
                    actor=request.user, enrollment=enrollment, responsible=user
                )
            if d.get("status") == Enrollment.Status.WITHDRAWN:
                services.enrollment_withdraw(actor=request.user, enrollment=enrollment)
        except DjangoValidationError as exc:
            raise api_error(exc) from exc
        return self._shown(enrollment)


# --- occasions -----------------------------------------------------------------------------


class ScoreSerializer(serializers.Serializer):
    total = serializers.FloatField(allow_null=True)
    band = serializers.CharField(allow_blank=True)
    band_label = serializers.CharField(allow_blank=True)


class OccasionSerializer(serializers.ModelSerializer):
    stage = serializers.CharField(source="stage.key", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    kind = serializers.CharField(source="stage.kind", read_only=True)
    client = serializers.IntegerField(source="enrollment.client_id", read_only=True)
    non_response_reason: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    values = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Occasion
        fields = [
            "id",
            "enrollment",
            "client",
            "stage",
            "stage_name",
            "kind",
            "due_on",
            "window_start",
            "window_end",
            "status",
            "done_on",
            "non_response_reason",
            "note",
            "values",
            "scores",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {},
            "description": 'Values by variable key; instrument items as "<key>.<item>"; '
            "a multiple choice is a list of option codes.",
        }
    )
    def get_values(self, occasion: Occasion) -> dict[str, Any]:
        return values_summary(occasion)

    @extend_schema_field(serializers.DictField(child=ScoreSerializer()))
    def get_scores(self, occasion: Occasion) -> dict[str, dict[str, Any]]:
        sex = occasion.enrollment.client.sex
        result = {}
        totals: Any
        if "values" in getattr(occasion, "_prefetched_objects_cache", {}):
            totals = [
                v
                for v in sorted(occasion.values.all(), key=lambda v: v.pk)
                if v.variable.type == Variable.Type.INSTRUMENT and v.item_id is None
            ]
        else:
            totals = occasion.values.filter(
                variable__type=Variable.Type.INSTRUMENT, item__isnull=True
            ).select_related("variable__instrument")
        for value in totals:
            instrument = value.variable.instrument
            band = band_for(instrument, value.number, sex) if instrument else None
            result[value.variable.key] = {
                "total": value.number,
                "band": band.code if band else "",
                "band_label": band.label if band else "",
            }
        return result


class OccasionChangeSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text='{"audit.q1": "2", …, "problem_days": 12}: keys as in the occasion.',
    )
    non_response_reason = serializers.CharField(
        required=False, help_text="A non-response reason code, instead of values."
    )
    done_on = serializers.DateField(required=False, help_text="Default: today.")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = version_field()


@extend_schema_view(retrieve=versioned_read_schema())
@extend_schema(
    parameters=[
        OpenApiParameter("enrollment", int),
        OpenApiParameter("client", int),
        OpenApiParameter("status", str, description="planned, due, overdue, done or missed."),
        OpenApiParameter("due_before", OpenApiTypes.DATE),
    ]
)
class OccasionViewSet(VersionedMixin, AuditedViewSet):
    """Occasions with their values and instrument scores; record them or record
    non-response."""

    serializer_class = OccasionSerializer

    def get_base_queryset(self) -> Any:
        qs = Occasion.objects.select_related(
            "stage", "enrollment__client", "non_response_reason"
        ).order_by("due_on", "id")
        if self.action == "list":  # not for writes: the service must see its own values
            qs = prefetch_values(qs)
        for param, lookup in (("enrollment", "enrollment_id"), ("client", "enrollment__client_id")):
            if (value := self._int_param(param)) is not None:
                qs = qs.filter(**{lookup: value})
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("due_before"):
            try:
                qs = qs.filter(due_on__lte=dt.date.fromisoformat(params["due_before"]))
            except ValueError as exc:
                raise ValidationError({"due_before": [_("Enter a date as YYYY-MM-DD.")]}) from exc
        return qs

    @versioned_write_schema(OccasionChangeSerializer, OccasionSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Record the occasion ({"values": …, "done_on": …}), or record non-response
        ({"non_response_reason": "<code>"}). Values are checked by the same rules as the form."""
        occasion = self.get_object()
        data = OccasionChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        expected = self.expected_version(d.get("version"))
        try:
            if d.get("non_response_reason"):
                reason = NonResponseReason.objects.filter(code=d["non_response_reason"]).first()
                if reason is None:
                    raise ValidationError(
                        {"non_response_reason": [_("Unknown non-response reason.")]}
                    )
                services.occasion_mark_missed(
                    actor=request.user,
                    occasion=occasion,
                    reason=reason,
                    on=d.get("done_on"),
                    note=d["note"],
                    expected_version=expected,
                )
            else:
                if "values" not in d:
                    raise ValidationError(
                        {"values": [_("Give the values, or a non-response reason.")]}
                    )
                services.occasion_record(
                    actor=request.user,
                    occasion=occasion,
                    values=d["values"],
                    done_on=d.get("done_on") or dt.date.today(),
                    note=d["note"],
                    expected_version=expected,
                )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict") and "on" in exc.error_dict:
                # the non-response's date is `on` in the service, `done_on` in this body
                exc = DjangoValidationError(
                    {("done_on" if k == "on" else k): v for k, v in exc.message_dict.items()}
                )
            raise api_error(exc, values_keys={"done_on", "__all__"}) from exc
        return self._shown(occasion)
