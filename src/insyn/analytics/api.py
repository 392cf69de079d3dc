"""REST endpoints of the analytics app: programmes to analyse, suppressed group tables,
favourites, and the analysis-ready export (individual level, logged)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponseBase
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from insyn.analytics import exports, selectors, services
from insyn.analytics.aggregate import AnalysisError, Scope, aggregate
from insyn.analytics.models import SavedAnalysis
from insyn.analytics.params import request_from_params
from insyn.analytics.specs import SpecError, load_spec
from insyn.analytics.views_export import frame_download
from insyn.core.api import ApiExtra
from insyn.core.roles import Action
from insyn.core.scoping import has_action


def _require(request: Request, action: Action) -> None:
    """No such feature for a user who holds the action nowhere (404, like the pages)."""
    if not has_action(request.user, action):
        raise Http404


class AnalysisOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    is_missing = serializers.BooleanField()


class AnalysisVariableSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    type = serializers.CharField()
    stages = serializers.ListField(child=serializers.CharField())
    unit = serializers.CharField()
    direction = serializers.CharField()
    is_main_measure = serializers.BooleanField()
    source = serializers.CharField()  # type: ignore[assignment]
    options = AnalysisOptionSerializer(many=True)
    bands = serializers.ListField(child=serializers.CharField(), source="band_codes")


class AnalysisStageSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class AnalysisProgrammeSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    versions = serializers.ListField(child=serializers.IntegerField())
    stages = AnalysisStageSerializer(many=True)
    variables = AnalysisVariableSerializer(many=True)


class ProgrammesView(APIView):
    """Programmes the caller can analyse, with their stages and variables."""

    personal_data = False

    @extend_schema(responses=AnalysisProgrammeSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require(request, Action.VIEW_AGGREGATE)
        out = []
        for key, _name in selectors.programmes_for(request.user):
            try:
                spec = load_spec(key)
            except SpecError:
                continue
            if spec is None:
                continue
            out.append(
                {
                    "key": spec.key,
                    "name": spec.name,
                    "versions": sorted(spec.versions.values()),
                    "stages": spec.stages,
                    "variables": [
                        {**v.__dict__, "band_codes": v.band_codes()} for v in spec.variables
                    ],
                }
            )
        return Response(AnalysisProgrammeSerializer(out, many=True).data)


AGGREGATE_PARAMETERS = [
    OpenApiParameter("programme", str, required=True, description="Programme key."),
    OpenApiParameter("variable", str, required=True, description="Variable key."),
    OpenApiParameter("stage", str, description="One stage (default: the variable's first)."),
    OpenApiParameter("compare", str, description="Paired before/after, e.g. before:after."),
    OpenApiParameter("by", str, description="Up to three breakdowns, comma-separated."),
    OpenApiParameter("age_groups", str, description="Age bins, e.g. 0-12,13-17,18-"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Started on or after."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Started on or before."),
    OpenApiParameter("unit", str, many=True, description="Unit ids or codes (subtrees)."),
    OpenApiParameter("version", int, many=True, description="Programme versions."),
]


class AnalysisErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class AggregateView(APIView):
    """A suppressed group table: the same document as `insyn analyze --format json`."""

    personal_data = False

    @extend_schema(
        parameters=AGGREGATE_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 400: AnalysisErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        _require(request, Action.VIEW_AGGREGATE)
        params: dict[str, Any] = {k: request.query_params.get(k) for k in request.query_params}
        params["unit"] = request.query_params.getlist("unit")
        params["version"] = request.query_params.getlist("version")
        try:
            result = aggregate(request_from_params(params), scope=Scope.for_user(request.user))
        except AnalysisError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(exports.json_document(result))


class SavedAnalysisSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = SavedAnalysis
        fields = ["id", "name", "params", "shared", "owner", "created_at", "updated_at"]
        read_only_fields = ["id", "owner", "created_at", "updated_at"]


class SavedAnalysisViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Favourites: your own and those shared within your organisation (parameters only)."""

    personal_data = False
    serializer_class = SavedAnalysisSerializer
    queryset = SavedAnalysis.objects.none()  # the schema's type; requests use get_queryset

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return SavedAnalysis.objects.none()
        _require(self.request, Action.VIEW_AGGREGATE)
        return selectors.saved_for(self.request.user).order_by("name", "id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _require(request, Action.VIEW_AGGREGATE)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            saved = services.saved_analysis_create(
                actor=request.user,
                name=serializer.validated_data["name"],
                params=dict(serializer.validated_data.get("params") or {}),
                shared=serializer.validated_data.get("shared", False),
            )
        except DjangoValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=400)
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: SavedAnalysis) -> None:
        services.saved_analysis_delete(actor=self.request.user, saved=instance)


class FrameExportView(APIView):
    """The analysis-ready export (individual level): `export_individual` only, logged."""

    personal_data = True

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", str, required=True),
            OpenApiParameter("file_format", str, enum=["csv", "xlsx", "parquet"]),
            OpenApiParameter("key", str, description="Export key for stable pseudonyms."),
            OpenApiParameter("purpose", str, description="Recorded in the access log."),
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        _require(request, Action.EXPORT_INDIVIDUAL)
        params = request.query_params
        return frame_download(
            request.user,
            params.get("programme", ""),
            params.get("file_format", "csv"),
            params.get("key") or None,
            params.get("purpose", "")[:200],
        )


def register(router: DefaultRouter) -> list[ApiExtra]:
    """Add this app's viewsets to the router; return extra (non-router) API paths."""
    router.register("analysis/saved", SavedAnalysisViewSet, basename="analysis-saved")
    return [
        path("analysis/programmes/", ProgrammesView.as_view(), name="analysis-programmes"),
        path("analysis/aggregate/", AggregateView.as_view(), name="analysis-aggregate"),
        path("analysis/frame-export/", FrameExportView.as_view(), name="analysis-frame-export"),
    ]
