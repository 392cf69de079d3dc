"""REST endpoints of lex Sarah reports: list, retrieve and create; one POST per step
(`/api/quality/lex-sarah/{id}/steps/{step}/`), read access for a named person, and the IVO
notification as PDF or DOCX. Visibility is the web's (`visible_reports`): anyone else gets
the JSON 404 of a missing report, and every read is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.accounts.models import User
from insyn.clients.models import Client
from insyn.core.api import (
    AuditedReadMixin,
    VersionedMixin,
    service_error,
    version_field,
    versioned_read_schema,
)
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.organisations.models import OrgUnit
from insyn.quality.models import LexSarahReport
from insyn.quality.selectors.lex_sarah import visible_reports
from insyn.quality.services import lex_sarah as ls
from insyn.quality.services import lex_sarah_intake as intake
from insyn.quality.services.lex_sarah_ivo import ivo_notification, render_docx, render_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# the fields each step takes (the rest of the body is ignored)
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "protect": ("immediate_action", "immediate_action_on"),
    "register": ("registered_on",),
    "start_investigation": ("investigation_started_on",),
    "record_investigation": (
        "investigation_what",
        "investigation_why",
        "investigation_prevention",
        "consequences",
        "investigation_done_on",
    ),
    "decide_measures": ("measures_text", "measures_on"),
    "assess": (
        "serious",
        "seriousness_reasons",
        "seriousness_decided_on",
        "investigation_continuation",
    ),
    "notify_ivo": ("ivo_notified_on", "ivo_reference"),
    "record_informed": (
        "affected_informed_on",
        "affected_views",
        "relatives_informed_on",
        "relatives_views",
    ),
    "close": ("closed_on",),
    "close_non_case": ("non_case_position", "closed_on"),
}
TEXT_FIELDS = {
    "immediate_action",
    "investigation_what",
    "investigation_why",
    "investigation_prevention",
    "consequences",
    "measures_text",
    "seriousness_reasons",
    "investigation_continuation",
    "ivo_reference",
    "affected_views",
    "relatives_views",
    "non_case_position",
}


class LexSarahReportSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    client = serializers.PrimaryKeyRelatedField(
        queryset=Client.objects.all(), required=False, allow_null=True
    )
    version = version_field()
    available_steps = serializers.SerializerMethodField()

    class Meta:
        model = LexSarahReport
        fields = [
            "id",
            "version",
            "state",
            "kind",
            "unit",
            "municipality",
            "reported_by",
            "reported_at",
            "occurred_on",
            "description",
            "client",
            "from_deviation",
            "immediate_action",
            "immediate_action_on",
            "diary_number",
            "registered_on",
            "officer",
            "investigation_started_on",
            "investigation_what",
            "investigation_why",
            "investigation_prevention",
            "consequences",
            "investigation_done_on",
            "non_case_position",
            "measures_text",
            "measures_on",
            "serious",
            "seriousness_reasons",
            "seriousness_decided_on",
            "investigation_continuation",
            "ivo_notified_on",
            "ivo_reference",
            "affected_informed_on",
            "affected_views",
            "relatives_informed_on",
            "relatives_views",
            "closed_on",
            "available_steps",
        ]
        read_only_fields = [f for f in fields if f not in {
            "kind", "unit", "occurred_on", "description", "client", "immediate_action",
            "immediate_action_on",
        }]  # fmt: skip

    def get_available_steps(self, obj: LexSarahReport) -> list[str]:
        user = self.context["request"].user
        from insyn.core.scoping import path_in_scope

        if not path_in_scope(user, Action.HANDLE_LEX_SARAH, obj.unit.path):
            return []
        return ls.available_steps(obj)


class LexSarahStepSerializer(serializers.Serializer):
    """The body of a step: only the step's own fields are read."""

    version = version_field()
    serious = serializers.BooleanField(required=False, allow_null=True, default=None)


for _name in sorted({f for fields in STEP_FIELDS.values() for f in fields} - {"serious"}):
    LexSarahStepSerializer._declared_fields[_name] = (
        serializers.CharField(required=False, allow_blank=True, default="")
        if _name in TEXT_FIELDS
        else serializers.DateField(required=False, allow_null=True, default=None)
    )


class AccessSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)
    revoke = serializers.BooleanField(required=False, default=False)


def _call(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise service_error(exc) from exc


STEP_PARAM = OpenApiParameter(
    "step", str, OpenApiParameter.PATH, enum=sorted(STEP_FIELDS), description="The step to do."
)


@extend_schema_view(
    retrieve=versioned_read_schema(),
    create=extend_schema(responses={201: LexSarahReportSerializer}),
)
class LexSarahReportViewSet(
    AuditedReadMixin, VersionedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Lex Sarah reports you may read: yours, your subtree's as officer or quality lead, or
    granted to you. Filter with `?state=`."""

    serializer_class = LexSarahReportSerializer
    scope_action = Action.VIEW_ORG
    queryset = LexSarahReport.objects.none()  # for the schema; get_queryset decides

    def get_base_queryset(self) -> Any:
        return LexSarahReport.objects.all()

    def get_queryset(self) -> Any:
        qs = visible_reports(self.request.user)
        state = self.request.query_params.get("state")
        if state in LexSarahReport.State.values:
            qs = qs.filter(state=state)
        return qs

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = _call(intake.lex_sarah_report, actor=self.request.user, **data)

    def _report(self) -> LexSarahReport:
        report: LexSarahReport = self.get_object()
        return report

    def _answer(self, report: LexSarahReport) -> Response:
        report.refresh_from_db()
        record_access(actor=self.request.user, action="view", objects=[report])
        return Response(self.get_serializer(report).data)

    @extend_schema(
        request=LexSarahStepSerializer,
        responses={200: LexSarahReportSerializer},
        parameters=[STEP_PARAM],
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step>[a-z_]+)")
    def step(self, request: Request, pk: str | None = None, step: str = "") -> Response:
        """Do one step of the report (officers): its fields as in the report, `version` to
        guard against a concurrent change."""
        report = self._report()
        if step not in STEP_FIELDS:
            raise Http404
        body = LexSarahStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = {name: body.validated_data.get(name) for name in STEP_FIELDS[step]}
        for name in TEXT_FIELDS & set(values):
            values[name] = values[name] or ""
        if step == "close_non_case":
            values["non_case_position"] = values["non_case_position"] or ""
        service = (
            ls.lex_sarah_close if step.startswith("close") else getattr(ls, f"lex_sarah_{step}")
        )
        expected = self.expected_version(body.validated_data.get("version"))
        _call(service, actor=request.user, report=report, expected_version=expected, **values)
        return self._answer(report)

    @extend_schema(request=AccessSerializer, responses={200: LexSarahReportSerializer})
    @action(detail=True, methods=["post"])
    def access(self, request: Request, pk: str | None = None) -> Response:
        """Give (or with `revoke`, take back) a named user's read access (officers)."""
        report = self._report()
        body = AccessSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = User.objects.filter(pk=body.validated_data["user"]).first()
        if user is None:
            raise service_error(DjangoValidationError({"user": ["No such user."]}))
        fn = intake.lex_sarah_revoke if body.validated_data["revoke"] else intake.lex_sarah_grant
        _call(fn, actor=request.user, report=report, user=user)
        return self._answer(report)

    def _document(self, fmt: str) -> HttpResponse:
        report = self._report()
        if report.serious is not True:
            raise Http404
        doc = ivo_notification(report)
        record_access(
            actor=self.request.user,
            action="export",
            objects=[report],
            detail={"document": f"ivo.{fmt}"},
        )
        if fmt == "pdf":
            response = HttpResponse(render_pdf(doc), content_type="application/pdf")
        else:
            response = HttpResponse(render_docx(doc), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="lex-sarah-ivo-{report.pk}.{fmt}"'
        return response

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="ivo-pdf")
    def ivo_pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The IVO notification of a serious report, as PDF."""
        return self._document("pdf")

    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="ivo-docx")
    def ivo_docx(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The IVO notification of a serious report, as DOCX."""
        return self._document("docx")


def register(router: BaseRouter) -> list[Any]:
    router.register("quality/lex-sarah", LexSarahReportViewSet, basename="lexsarahreport")
    return []
