"""API of risk analysis: the register (list, read, register, change, reassess, close/reopen),
the assessments (the history, read-only) and the analyses of planned changes. Same selectors
(view_quality in the subtree) and services (handle_quality) as the web; out of scope answers
the same JSON 404 as missing. Risks are org data: reads are not personal data, but each read
still leaves an access entry (AuditedReadMixin)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.accounts.models import User
from insyn.core.api import (
    AuditedReadMixin,
    VersionedMixin,
    int_param,
    service_error,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.organisations.models import OrgUnit
from insyn.quality.models import DeviationCategory, Risk, RiskAnalysis, RiskAssessment, Treatment
from insyn.quality.risk_matrix import LEVELS, level_of
from insyn.quality.selectors import risks as selectors
from insyn.quality.services import risks as services

TEXT_MAX = 20000
LEVEL_KEYS = list(LEVELS)


class RiskSerializer(serializers.ModelSerializer):
    version = version_field()
    level = serializers.SerializerMethodField(
        help_text="The level of the risk's cell in the matrix: " + ", ".join(LEVEL_KEYS)
    )
    score = serializers.IntegerField(read_only=True, help_text="probability × severity")
    deviation_category: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "municipality",
            "unit",
            "analysis",
            "process",
            "title",
            "cause",
            "consequence",
            "probability",
            "severity",
            "score",
            "level",
            "treatment",
            "reassess_on",
            "deviation_category",
            "owner",
            "state",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_level(self, obj: Risk) -> str:
        return level_of(obj.probability, obj.severity).key


class RiskAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "risk",
            "assessed_on",
            "probability",
            "severity",
            "treatment",
            "note",
            "assessed_by",
        ]
        read_only_fields = fields


class RiskAnalysisSerializer(serializers.ModelSerializer):
    version = version_field()
    # not "kind": the schema's enum of that name is the complaints' (an enum name collision)
    change_kind = serializers.ChoiceField(
        source="kind", choices=RiskAnalysis.Kind.choices, read_only=True
    )

    class Meta:
        model = RiskAnalysis
        fields = [
            "id",
            "municipality",
            "unit",
            "title",
            "change_kind",
            "description",
            "change_on",
            "state",
            "participants",
            "created_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields


def _score(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=4,
        error_messages={
            "min_value": _("Give a whole number from 1 to 4."),
            "max_value": _("Give a whole number from 1 to 4."),
            "invalid": _("Give a whole number from 1 to 4."),
        },
        **kwargs,
    )


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, **kwargs)


class RiskCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1)
    analysis = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    title = serializers.CharField(max_length=200, allow_blank=True)
    process = serializers.CharField(max_length=200, required=False, allow_blank=True)
    cause = _text()
    consequence = _text()
    probability = _score()
    severity = _score(help_text="The consequence score (1–4).")
    treatment = serializers.ChoiceField(
        choices=[("", ""), *Treatment.choices], required=False, allow_blank=True
    )
    reassess_on = serializers.DateField(required=False, allow_null=True)
    deviation_category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DeviationCategory.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    owner = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    note = _text()


class RiskUpdateSerializer(serializers.Serializer):
    version = version_field()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    process = serializers.CharField(max_length=200, required=False, allow_blank=True)
    cause = _text()
    consequence = _text()
    reassess_on = serializers.DateField(required=False, allow_null=True)
    deviation_category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DeviationCategory.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    owner = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class RiskReassessSerializer(serializers.Serializer):
    version = version_field()
    probability = _score()
    severity = _score(help_text="The consequence score (1–4).")
    treatment = serializers.ChoiceField(
        choices=[("", ""), *Treatment.choices],
        required=False,
        allow_blank=True,
        help_text="Left out: the current treatment is kept.",
    )
    assessed_on = serializers.DateField(required=False, allow_null=True)
    reassess_on = serializers.DateField(required=False, allow_null=True)
    note = _text()


class RiskTransitionSerializer(serializers.Serializer):
    version = version_field()
    action = serializers.ChoiceField(choices=list(services.RISK_FLOW.transitions))


class RiskAnalysisCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200, allow_blank=True)
    change_kind = serializers.ChoiceField(choices=RiskAnalysis.Kind.choices)
    description = _text()
    change_on = serializers.DateField(required=False, allow_null=True)
    participants = _text()


class RiskAnalysisTransitionSerializer(serializers.Serializer):
    version = version_field()
    action = serializers.ChoiceField(choices=list(services.ANALYSIS_FLOW.transitions))


def _owner(pk: int | None) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationError({"owner": [_("Unknown user.")]})
    return user


def _handler_unit(user: Any, pk: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=pk, active=True).first()
    if unit is None or not path_in_scope(user, Action.HANDLE_QUALITY, unit.path):
        raise ValidationError({"unit": [_("Unknown unit.")]})
    return unit


class _Base(VersionedMixin, AuditedReadMixin, viewsets.GenericViewSet):
    personal_data: ClassVar[bool] = False
    scope_action = Action.VIEW_QUALITY

    def _shown(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        obj.refresh_from_db()
        record_access(actor=self.request.user, action="view", objects=[obj])
        return Response(self.get_serializer(obj).data, status=code)


@extend_schema_view(retrieve=versioned_read_schema())
@extend_schema(
    parameters=[
        OpenApiParameter("unit", int, description="Risks of this unit's subtree."),
        OpenApiParameter("level", str, enum=LEVEL_KEYS, description="The cell's level."),
        OpenApiParameter("min_level", str, enum=LEVEL_KEYS, description="At or above."),
        OpenApiParameter("treatment", str, enum=Treatment.values),
        OpenApiParameter("state", str, enum=Risk.State.values),
        OpenApiParameter("due", bool, description="Only active risks due for reassessment."),
        OpenApiParameter("analysis", int),
    ]
)
class RiskViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The risk register: list, read, register (with its first assessment), change the
    description, reassess (a new assessment), close or reopen (`transition`)."""

    serializer_class = RiskSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self) -> Any:
        return Risk.objects.all()

    def get_queryset(self) -> Any:
        qs = selectors.risks_visible(self.request.user)
        if self.action != "list":
            return qs
        params = self.request.query_params
        filters: dict[str, Any] = {
            "level": params.get("level", ""),
            "min_level": params.get("min_level", ""),
            "treatment": params.get("treatment", ""),
            "state": params.get("state", ""),
            "due": params.get("due", "").lower() in ("1", "true"),
        }
        if (unit_id := int_param(self.request, "unit")) is not None:
            filters["unit"] = OrgUnit.objects.filter(pk=unit_id).first() or OrgUnit(path="/none/")
        if (analysis_id := int_param(self.request, "analysis")) is not None:
            filters["analysis"] = analysis_id
        return selectors.risks_filtered(qs, today=timezone.localdate(), **filters).order_by(
            "-probability", "-severity", "pk"
        )

    def handled(self) -> Risk:
        risk: Risk = self.get_object()
        if not path_in_scope(self.request.user, Action.HANDLE_QUALITY, risk.unit.path):
            raise Http404
        return risk

    @extend_schema(request=RiskCreateSerializer, responses={201: RiskSerializer})
    def create(self, request: Request) -> Response:
        data = RiskCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        user = request.user
        unit = _handler_unit(user, d.pop("unit"))
        analysis = None
        if (analysis_id := d.pop("analysis", None)) is not None:
            analysis = selectors.analyses_visible(user).filter(pk=analysis_id).first()
            if analysis is None:
                raise ValidationError({"analysis": [_("Unknown risk analysis.")]})
        d["owner"] = _owner(d.pop("owner", None))
        try:
            risk = services.risk_register(actor=user, unit=unit, analysis=analysis, **d)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(risk, status.HTTP_201_CREATED)

    @versioned_write_schema(RiskUpdateSerializer, RiskSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        risk = self.handled()
        data = RiskUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        version = d.pop("version", None)
        if "owner" in d:
            d["owner"] = _owner(d["owner"])
        try:
            services.risk_update(
                actor=request.user, risk=risk, expected_version=self.expected_version(version), **d
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(risk)

    @versioned_write_schema(RiskReassessSerializer, RiskSerializer)
    @action(detail=True, methods=["post"])
    def reassess(self, request: Request, pk: str | None = None) -> Response:
        """A new assessment; its score becomes the risk's."""
        risk = self.handled()
        data = RiskReassessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        version = d.pop("version", None)
        try:
            services.risk_reassess(
                actor=request.user, risk=risk, expected_version=self.expected_version(version), **d
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(risk)

    @versioned_write_schema(RiskTransitionSerializer, RiskSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Close an active risk or reopen a closed one."""
        risk = self.handled()
        data = RiskTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        try:
            services.risk_transition(
                actor=request.user,
                risk=risk,
                action=d["action"],
                expected_version=self.expected_version(d.get("version")),
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(risk)


@extend_schema(parameters=[OpenApiParameter("risk", int)])
class RiskAssessmentViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The history of assessments (read-only: a reassessment is made on the risk)."""

    serializer_class = RiskAssessmentSerializer
    http_method_names = ["get", "head", "options"]

    def get_base_queryset(self) -> Any:
        return RiskAssessment.objects.all()

    def get_queryset(self) -> Any:
        qs = RiskAssessment.objects.filter(
            risk__in=selectors.risks_visible(self.request.user)
        ).order_by("-assessed_on", "-id")
        if (risk_id := int_param(self.request, "risk")) is not None:
            qs = qs.filter(risk_id=risk_id)
        return qs

    def scoped_queryset(self) -> Any:
        return self.get_queryset()


@extend_schema_view(retrieve=versioned_read_schema())
@extend_schema(parameters=[OpenApiParameter("state", str, enum=RiskAnalysis.State.values)])
class RiskAnalysisViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Risk analyses of planned changes: list, read, create, complete or reopen; their risks
    are `GET /api/quality/risks/?analysis=<id>`."""

    serializer_class = RiskAnalysisSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_base_queryset(self) -> Any:
        return RiskAnalysis.objects.all()

    def get_queryset(self) -> Any:
        qs = selectors.analyses_visible(self.request.user)
        state = self.request.query_params.get("state", "")
        if self.action == "list" and state in RiskAnalysis.State.values:
            qs = qs.filter(state=state)
        return qs

    @extend_schema(request=RiskAnalysisCreateSerializer, responses={201: RiskAnalysisSerializer})
    def create(self, request: Request) -> Response:
        data = RiskAnalysisCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        unit = _handler_unit(request.user, d.pop("unit"))
        d["kind"] = d.pop("change_kind")
        try:
            analysis = services.analysis_create(actor=request.user, unit=unit, **d)
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(analysis, status.HTTP_201_CREATED)

    @versioned_write_schema(RiskAnalysisTransitionSerializer, RiskAnalysisSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Complete an open analysis or reopen a completed one."""
        analysis: RiskAnalysis = self.get_object()
        if not path_in_scope(request.user, Action.HANDLE_QUALITY, analysis.unit.path):
            raise Http404
        data = RiskAnalysisTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        try:
            services.analysis_transition(
                actor=request.user,
                analysis=analysis,
                action=d["action"],
                expected_version=self.expected_version(d.get("version")),
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return self._shown(analysis)


def register(router: BaseRouter) -> list[Any]:
    """Register viewsets on `router`; return extra url patterns."""
    router.register("quality/risks", RiskViewSet, basename="risk")
    router.register("quality/risk-assessments", RiskAssessmentViewSet, basename="risk-assessment")
    router.register("quality/risk-analyses", RiskAnalysisViewSet, basename="risk-analysis")
    return []
