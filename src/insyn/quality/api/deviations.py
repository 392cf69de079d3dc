"""Deviations in the API: list, read and report; one POST per workflow step
(/api/quality/deviations/{id}/receive/, …). The same visibility, audit and services as the
web: out of scope answers the same JSON 404 as a missing id."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.clients.models import Case, Client
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
from insyn.core.scoping import has_action
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Deviation, DeviationCategory, RootCause
from insyn.quality.selectors import deviations as selectors
from insyn.quality.services import deviations as services


def _codes(model: Any, **kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=model._default_manager.filter(active=True), **kwargs
    )


@extend_schema_field(OpenApiTypes.INT)
class _Readable(serializers.PrimaryKeyRelatedField):
    """A client or case the caller may read; anything else simply does not exist."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        user = self.context["request"].user
        return self.model._default_manager.restrict(user, Action.VIEW_INDIVIDUAL)


class DeviationSerializer(serializers.ModelSerializer):
    version = version_field()
    category: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)
    root_causes: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    dpa_deadline = serializers.SerializerMethodField(
        help_text="discovered_at + 72 hours, for a personal-data incident."
    )

    class Meta:
        model = Deviation
        fields = [
            "id",
            "reference",
            "state",
            "municipality",
            "unit",
            "category",
            "reported_by",
            "reported_at",
            "occurred_on",
            "occurred_at",
            "description",
            "immediate_measures",
            "client",
            "case",
            "personal_data_incident",
            "discovered_at",
            "dpa_deadline",
            "dpa_notified_at",
            "dpa_reference",
            "dpa_not_notified_reason",
            "received_at",
            "investigation_facts",
            "root_causes",
            "cause_text",
            "consequences",
            "investigated_at",
            "measures_text",
            "measures_at",
            "closed_at",
            "feedback",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_dpa_deadline(self, obj: Deviation) -> Any:
        deadline = selectors.dpa_deadline(obj)
        return serializers.DateTimeField().to_representation(deadline) if deadline else None


class DeviationReportSerializer(serializers.Serializer):
    category = _codes(DeviationCategory)
    occurred_on = serializers.DateField()
    occurred_at = serializers.TimeField(required=False, allow_null=True, default=None)
    description = serializers.CharField(max_length=10000)
    immediate_measures = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10000
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Defaults to the reporter's own unit.",
    )
    client = _Readable(Client, required=False, allow_null=True, default=None)
    case = _Readable(Case, required=False, allow_null=True, default=None)


class DeviationStepSerializer(serializers.Serializer):
    version = version_field()


class DeviationInvestigateSerializer(DeviationStepSerializer):
    investigation_facts = serializers.CharField(max_length=10000, allow_blank=True)
    root_causes = _codes(RootCause, many=True, required=False, default=list)
    cause_text = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    consequences = serializers.CharField(max_length=10000, allow_blank=True)


class MeasuresSerializer(DeviationStepSerializer):
    measures_text = serializers.CharField(max_length=10000, allow_blank=True)


class DeviationCloseSerializer(DeviationStepSerializer):
    feedback = serializers.CharField(max_length=10000, allow_blank=True)


class DpaSerializer(DeviationStepSerializer):
    dpa_notified_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    dpa_reference = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    dpa_not_notified_reason = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )


def _step_schema(request: Any) -> Any:
    return versioned_write_schema(request, DeviationSerializer)


@extend_schema_view(retrieve=versioned_read_schema())
class DeviationViewSet(
    VersionedMixin,
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Deviations you reported or oversee. Filter with `?state=`, `?category=<code>`,
    `?unit=<id>` (with its subtree) and `?mine=1` (your own reports)."""

    serializer_class = DeviationSerializer
    scope_action = Action.REPORT_QUALITY
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Someone who may report nowhere (an administrator, an analyst) finds no such
        endpoint, like the web's pages."""
        super().initial(request, *args, **kwargs)
        if not has_action(request.user, Action.REPORT_QUALITY):
            raise NotFound

    def get_base_queryset(self) -> Any:
        return selectors.base()

    def scoped_queryset(self) -> Any:
        user = self.request.user
        params = self.request.query_params
        qs = selectors.mine(user) if params.get("mine") == "1" else selectors.visible(user)
        if params.get("state") in Deviation.State.values:
            qs = qs.filter(state=params["state"])
        if params.get("category"):
            qs = qs.filter(category__code=params["category"][:40])
        unit_id = int_param(self.request, "unit")
        if unit_id is not None:
            unit = OrgUnit.objects.filter(pk=unit_id).first()
            qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
        return qs.order_by("-reported_at", "-id").prefetch_related("root_causes")  # on every row

    @extend_schema(request=DeviationReportSerializer, responses={201: DeviationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Report a deviation (needs `report_quality`); the unit's managers are e-mailed."""
        data = DeviationReportSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            deviation = services.deviation_report(actor=request.user, **data.validated_data)
        except ValidationError as exc:
            raise service_error(exc) from exc
        return Response(DeviationSerializer(deviation).data, status=status.HTTP_201_CREATED)

    def _step(
        self, request: Request, fn: Any, serializer: type[DeviationStepSerializer]
    ) -> Response:
        deviation = self.get_object()
        data = serializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = self.expected_version(values.pop("version", None))
        try:
            deviation = fn(
                actor=request.user, deviation=deviation, expected_version=expected, **values
            )
        except ValidationError as exc:
            raise service_error(exc) from exc
        record_access(actor=request.user, action="view", objects=[deviation])
        return Response(DeviationSerializer(deviation).data)

    @_step_schema(DeviationStepSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str | None = None) -> Response:
        """reported → received (the unit's handler)."""
        return self._step(request, services.deviation_receive, DeviationStepSerializer)

    @_step_schema(DeviationInvestigateSerializer)
    @action(detail=True, methods=["post"])
    def investigate(self, request: Request, pk: str | None = None) -> Response:
        """received → investigated: what happened, why, consequences."""
        return self._step(request, services.deviation_investigate, DeviationInvestigateSerializer)

    @_step_schema(MeasuresSerializer)
    @action(detail=True, methods=["post"], url_path="decide-measures")
    def decide_measures(self, request: Request, pk: str | None = None) -> Response:
        """investigated → measures."""
        return self._step(request, services.deviation_decide_measures, MeasuresSerializer)

    @_step_schema(DeviationCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """investigated or measures → closed, with feedback e-mailed to the reporter."""
        return self._step(request, services.deviation_close, DeviationCloseSerializer)

    @_step_schema(DpaSerializer)
    @action(detail=True, methods=["post"], url_path="dpa-notification")
    def dpa_notification(self, request: Request, pk: str | None = None) -> Response:
        """A personal-data incident: when the authority was notified, or why not."""
        return self._step(request, services.deviation_record_dpa_notification, DpaSerializer)


def register(router: BaseRouter) -> list[Any]:
    router.register("quality/deviations", DeviationViewSet, basename="deviation")
    return []
