"""API of non-executed decisions: the quarter's IVO list, the de-identified quarterly
summary, and the stored episodes (read, edit the report's texts). The same selectors,
scoping and audit as the web: a municipality or episode outside scope is the same 404 as a
missing one; a quarter that cannot be read is a 400 with a message."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from insyn.clients.models import Decision
from insyn.core.api import (
    AuditedReadMixin,
    VersionedMixin,
    service_error,
    version_field,
    versioned_read_schema,
    versioned_write_schema,
)
from insyn.core.audit import nothing_personal_shown, record_access
from insyn.core.roles import Action
from insyn.core.schema import DetailSerializer
from insyn.core.scoping import has_action
from insyn.organisations.models import OrgUnit
from insyn.quality.models import NonExecutedDecision
from insyn.quality.selectors import non_executed as sel
from insyn.quality.selectors import non_executed_report as rep
from insyn.quality.selectors.non_executed_summary import QuarterSummary, quarter_summary
from insyn.quality.services import non_executed as svc
from insyn.quality.views.non_executed import municipalities_for

QUARTER = OpenApiParameter("quarter", str, required=True, description="The quarter, e.g. 2026Q3.")
MUNICIPALITY = OpenApiParameter(
    "municipality", str, required=True, description="Municipality code, e.g. 0780."
)


class NonExecutedRowSerializer(serializers.Serializer):
    """One line of the IVO list (the fields IVO's e-service takes)."""

    episode = serializers.IntegerField(allow_null=True, help_text="The stored report's id, if any.")
    decision = serializers.IntegerField()
    pseudonym = serializers.CharField(help_text="IVO's format: YYYYMMDD-T and three digits.")
    sex = serializers.CharField(help_text="K, M or X (not stated).")
    kind = serializers.CharField()
    decided_on = serializers.DateField()
    legal_basis = serializers.CharField()
    intervention_type = serializers.CharField()
    unit = serializers.CharField()
    clock_from = serializers.DateField()
    deadline = serializers.DateField(help_text="The last day within three months.")
    days = serializers.IntegerField()
    interrupted_on = serializers.DateField(allow_null=True)
    not_executed_part = serializers.CharField(allow_blank=True)
    reason_for_delay = serializers.CharField(allow_blank=True)
    consequences = serializers.CharField(allow_blank=True)
    offers = serializers.CharField(allow_blank=True)
    interim_interventions = serializers.CharField(allow_blank=True)
    resolved_on = serializers.DateField(allow_null=True)
    resolution = serializers.CharField(
        allow_blank=True, help_text="executed, resumed, ended or empty."
    )
    end_reason = serializers.CharField(allow_blank=True)
    reported_on = serializers.DateField(allow_null=True)


def row_data(r: rep.ReportRow) -> dict[str, Any]:
    e, d, s = r.episode, r.decision, r.row
    return {
        "episode": s.pk if s else None,
        "decision": d.pk,
        "pseudonym": r.pseudonym,
        "sex": d.case.client.sex,
        "kind": e.kind,
        "decided_on": d.decided_on,
        "legal_basis": d.legal_basis.code,
        "intervention_type": d.intervention_type.code,
        "unit": d.case.unit.name,
        "clock_from": e.clock_from,
        "deadline": e.deadline,
        "days": e.days,
        "interrupted_on": e.clock_from if e.kind == sel.Kind.INTERRUPTED else None,
        "not_executed_part": r.not_executed_part,
        "reason_for_delay": s.reason_for_delay if s else "",
        "consequences": s.consequences if s else "",
        "offers": r.offers,
        "interim_interventions": s.interim_interventions if s else "",
        "resolved_on": e.resolved_on,
        "resolution": e.resolution,
        "end_reason": e.end_reason,
        "reported_on": r.reported_on,
    }


class NonExecutedCellSerializer(serializers.Serializer):
    row = serializers.CharField()
    column = serializers.CharField()
    value = serializers.IntegerField(allow_null=True, help_text="null: hidden (suppressed).")


class NonExecutedTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    cells = NonExecutedCellSerializer(many=True)


class NonExecutedSummarySerializer(serializers.Serializer):
    municipality = serializers.CharField()
    quarter = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    period = serializers.CharField()
    min_cell = serializers.IntegerField()
    total = serializers.IntegerField(allow_null=True)
    tables = NonExecutedTableSerializer(many=True)


def summary_data(s: QuarterSummary) -> dict[str, Any]:
    return {
        "municipality": s.municipality.code,
        "quarter": s.quarter.label,
        "source": s.source,
        "period": s.period,
        "min_cell": s.min_cell,
        "total": s.total,
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "cells": [
                    {"row": rl, "column": cl, "value": t.cell(r, c)}
                    for r, rl in t.rows
                    for c, cl in t.columns
                ],
            }
            for t in s.tables
        ],
    }


def _params(request: Request, action: Action) -> tuple[sel.Quarter, OrgUnit] | Response:
    if not has_action(request.user, action):
        raise Http404
    try:
        quarter = sel.parse_quarter(request.query_params.get("quarter"))
    except sel.QuarterError as exc:
        nothing_personal_shown()
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    code = request.query_params.get("municipality", "")
    if not code:
        nothing_personal_shown()
        return Response(
            {"detail": gettext("Give the municipality's code, e.g. 0780.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    municipality = next(
        (m for m in municipalities_for(request.user, action) if m.code == code), None
    )
    if municipality is None:
        raise Http404
    return quarter, municipality


class NonExecutedQuarterView(APIView):
    """The quarter's list for IVO, as of the quarter's last day (personal data: recorded)."""

    personal_data = True

    @extend_schema(
        parameters=[QUARTER, MUNICIPALITY],
        responses={200: NonExecutedRowSerializer(many=True), 400: DetailSerializer},
    )
    def get(self, request: Request) -> Response:
        found = _params(request, Action.VIEW_INDIVIDUAL)
        if isinstance(found, Response):
            return found
        quarter, municipality = found
        decisions = rep.municipality_decisions(municipality, request.user)
        rows = rep.report_rows(sel.quarter_list(decisions, quarter), quarter)
        record_access(
            actor=request.user,
            action="list",
            objects=list({r.decision.pk: r.decision for r in rows}.values()),
            model=Decision,
            org_path=municipality.path,
        )
        return Response(NonExecutedRowSerializer([row_data(r) for r in rows], many=True).data)


class NonExecutedSummaryView(APIView):
    """The de-identified quarterly summary (suppressed; no one's data)."""

    personal_data = False

    @extend_schema(
        parameters=[QUARTER, MUNICIPALITY],
        responses={200: NonExecutedSummarySerializer, 400: DetailSerializer},
    )
    def get(self, request: Request) -> Response:
        found = _params(request, Action.VIEW_QUALITY)
        if isinstance(found, Response):
            return found
        quarter, municipality = found
        decisions = sel.reportable_decisions(
            Decision.objects.filter(case__municipality=municipality).restrict(
                request.user, Action.VIEW_QUALITY
            )
        )
        nothing_personal_shown()
        summary = quarter_summary(decisions, municipality, quarter)
        return Response(NonExecutedSummarySerializer(summary_data(summary)).data)


class NonExecutedEpisodeSerializer(serializers.ModelSerializer):
    version = version_field()
    report = serializers.SerializerMethodField()

    class Meta:
        model = NonExecutedDecision
        fields = [
            "id",
            "version",
            "decision",
            "kind",
            "clock_from",
            "detected_on",
            "resolved_on",
            "not_executed_part",
            "reason_for_delay",
            "consequences",
            "interim_interventions",
            "report",
        ]
        read_only_fields = fields

    @extend_schema_field(NonExecutedRowSerializer)
    def get_report(self, obj: NonExecutedDecision) -> dict[str, Any]:
        return dict(NonExecutedRowSerializer(row_data(rep.row_for(obj, timezone.localdate()))).data)


class NonExecutedEpisodeUpdateSerializer(serializers.Serializer):
    version = version_field()
    not_executed_part = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reason_for_delay = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    consequences = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    interim_interventions = serializers.CharField(required=False, allow_blank=True, max_length=4000)


@extend_schema_view(retrieve=versioned_read_schema())
class NonExecutedEpisodeViewSet(
    VersionedMixin,
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Stored reports of non-executed decisions (the texts only a person can add)."""

    serializer_class = NonExecutedEpisodeSerializer
    scope_action = Action.VIEW_INDIVIDUAL
    http_method_names = ["get", "patch", "head", "options"]

    def get_base_queryset(self) -> Any:
        return NonExecutedDecision.objects.all()

    def scoped_queryset(self) -> Any:
        return rep.visible_episodes(self.request.user).order_by("clock_from", "id")

    @versioned_write_schema(NonExecutedEpisodeUpdateSerializer, NonExecutedEpisodeSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        episode = self.get_object()
        data = NonExecutedEpisodeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = self.expected_version(values.pop("version", None))
        try:
            episode = svc.episode_update(
                actor=request.user, episode=episode, expected_version=expected, **values
            )
        except ValidationError as exc:
            raise service_error(exc) from exc
        record_access(actor=request.user, action="view", objects=[episode])
        return Response(NonExecutedEpisodeSerializer(episode).data)


def register(router: BaseRouter) -> list[Any]:
    """Register viewsets on `router`; return extra url patterns."""
    router.register(
        "quality/non-executed/episodes", NonExecutedEpisodeViewSet, basename="nonexecuteddecision"
    )
    return [
        path("quality/non-executed/", NonExecutedQuarterView.as_view(), name="non-executed-list"),
        path(
            "quality/non-executed/summary/",
            NonExecutedSummaryView.as_view(),
            name="non-executed-summary",
        ),
    ]
