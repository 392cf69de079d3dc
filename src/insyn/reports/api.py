"""REST endpoints of reports: list and read reports (view_quality), start a background build
of a file and follow it (handle_quality to start one), fetch the built file or an approved
report's frozen file. Aggregates only, as on the pages (personal_data False); a report, build
or file outside scope answers the same 404 as a missing one, and the attempt is recorded."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.core.api import HoldsAction, ScopedViewSetMixin, int_param, service_error
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.reports import selectors
from insyn.reports.models import Report, ReportBuild, ReportFile
from insyn.reports.renderers import CONTENT_TYPES, report_filename
from insyn.reports.services import builds as services

SAFE = ("GET", "HEAD", "OPTIONS")
FILE_RESPONSES: dict[Any, Any] = {
    (200, CONTENT_TYPES["pdf"]): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
    (200, CONTENT_TYPES["docx"]): OpenApiResponse(OpenApiTypes.BINARY, description="DOCX"),
    (200, "text/html"): OpenApiResponse(OpenApiTypes.BINARY, description="HTML (UTF-8)"),
}


class ReportFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportFile
        fields = ["format", "sha256", "created_at"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    municipality_code = serializers.CharField(source="municipality.code", read_only=True)
    files = ReportFileSerializer(
        many=True, read_only=True, help_text="An approved report's frozen files."
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "unit",
            "municipality",
            "municipality_code",
            "year",
            "title",
            "language",
            "template_key",
            "template_version",
            "status",
            "approved_at",
            "approved_by",
            "created_at",
            "updated_at",
            "version",
            "files",
        ]
        read_only_fields = fields


class ReportBuildSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportBuild
        fields = [
            "id",
            "report",
            "format",
            "state",
            "progress_done",
            "progress_total",
            "frozen",
            "error",
            "sha256",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class BuildRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ReportFile.Format.choices)


def _file(content: bytes, report: Report, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, fmt)}"'
    return response


@extend_schema(
    parameters=[
        OpenApiParameter("year", int, description="Reports of this year."),
        OpenApiParameter("status", str, enum=Report.Status.values),
    ]
)
class ReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Quality reports the user may read (view_quality on the report's organisation)."""

    personal_data: ClassVar[bool] = False
    scope_action = Action.VIEW_QUALITY
    serializer_class = ReportSerializer
    permission_classes = [HoldsAction]

    def required_action(self) -> Action:
        return Action.VIEW_QUALITY if self.request.method in SAFE else Action.HANDLE_QUALITY

    def get_base_queryset(self) -> Any:
        return Report.objects.all()

    def get_queryset(self) -> Any:
        files = ReportFile.objects.defer("content").order_by("format")
        qs = selectors.reports_for(self.request.user).prefetch_related(  # type: ignore[arg-type]
            Prefetch("files", queryset=files)
        )
        if self.action != "list":
            return qs
        year = int_param(self.request, "year")
        if year is not None:
            qs = qs.filter(year=year)
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in Report.Status.values:
                raise exceptions.ValidationError({"status": [gettext("Choose draft or approved.")]})
            qs = qs.filter(status=wanted)
        return qs

    def _build(self, report: Report, build_id: str, *, with_content: bool = False) -> ReportBuild:
        try:
            return selectors.build_for(
                self.request.user,  # type: ignore[arg-type]
                report.pk,
                int(build_id),
                with_content=with_content,
            )
        except (ReportBuild.DoesNotExist, ValueError):
            raise Http404 from None

    @extend_schema(responses={200: ReportBuildSerializer(many=True)}, methods=["GET"])
    @extend_schema(
        request=BuildRequestSerializer,
        responses={202: ReportBuildSerializer},
        methods=["POST"],
        description="Start building the report as a file in the background (handle_quality "
        "on the report's organisation). The answer is 202 with the build; follow it at "
        "builds/{build_id}/ until `state` is `done` (or `failed`, with `error`). An approved "
        "report's build is its frozen file. While a build of the same format you asked for "
        "is still queued or running, that build is the answer.",
    )
    @action(detail=True, methods=["get", "post"], url_path="builds", pagination_class=None)
    def builds(self, request: Request, pk: str | None = None) -> Response:
        """The report's newest builds, or (POST) a new one."""
        report: Report = self.get_object()
        if request.method == "GET":
            found = selectors.builds_of(report, limit=20)
            return Response(ReportBuildSerializer(found, many=True).data)
        if not path_in_scope(request.user, Action.HANDLE_QUALITY, report.unit.path):
            raise Http404
        body = BuildRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            build = services.request_build(
                actor=request.user,  # type: ignore[arg-type]
                report=report,
                fmt=body.validated_data["format"],
            )
        except ValidationError as exc:
            raise service_error(exc) from exc
        # The task may have run already (the immediate backend): answer the build as it is now.
        build = ReportBuild.objects.defer("content").get(pk=build.pk)
        return Response(ReportBuildSerializer(build).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[OpenApiParameter("build_id", int, OpenApiParameter.PATH)],
        responses={200: ReportBuildSerializer},
    )
    @action(detail=True, methods=["get"], url_path=r"builds/(?P<build_id>[0-9]+)")
    def build(self, request: Request, pk: str | None = None, build_id: str = "") -> Response:
        """One build: its state and progress (blocks resolved of all blocks)."""
        build = self._build(self.get_object(), build_id)
        return Response(ReportBuildSerializer(build).data)

    @extend_schema(
        parameters=[OpenApiParameter("build_id", int, OpenApiParameter.PATH)],
        responses=FILE_RESPONSES,
    )
    @action(detail=True, methods=["get"], url_path=r"builds/(?P<build_id>[0-9]+)/file")
    def build_file(
        self, request: Request, pk: str | None = None, build_id: str = ""
    ) -> HttpResponse:
        """A finished build's file; 404 while it is queued or running, or when it failed."""
        report = self.get_object()
        build = self._build(report, build_id, with_content=True)
        if build.state != ReportBuild.State.DONE or build.content is None:
            raise Http404
        return _file(bytes(build.content), report, build.format)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "file_format", str, OpenApiParameter.PATH, enum=ReportFile.Format.values
            )
        ],
        responses=FILE_RESPONSES,
    )
    # The path's name is not `format`: DRF reads that keyword as a format suffix (.json).
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_format>pdf|docx|html)")
    def file(self, request: Request, pk: str | None = None, file_format: str = "") -> HttpResponse:
        """An approved report's frozen file, byte for byte as approved; 404 for a draft."""
        report = self.get_object()
        stored = report.files.filter(format=file_format).first()
        if not report.is_frozen or stored is None:
            raise Http404
        return _file(bytes(stored.content), report, file_format)


def register(router: BaseRouter) -> list[Any]:
    router.register("reports", ReportViewSet, basename="report")
    return []
