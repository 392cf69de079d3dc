"""Quality dashboard and yearly statistics over the API, with the web page's restrict and
audit rules: the same selectors, 404 for a municipality or unit outside scope (as for a
missing one), 400 with a message for a year that cannot be read."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from insyn.core.api import ApiExtra, int_param
from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.schema import DetailSerializer
from insyn.core.scoping import has_action
from insyn.quality.models import Complaint
from insyn.quality.selectors import dashboard as live
from insyn.quality.selectors import stats as year_stats


def _require(request: Request) -> None:
    if not has_action(request.user, Action.VIEW_QUALITY):
        raise Http404


class QualityStatsView(APIView):
    """The yearly figures (`insyn quality stats --format json` gives the same document)."""

    personal_data = False

    @extend_schema(
        parameters=[
            OpenApiParameter("year", str, required=True, description="Calendar year, e.g. 2025."),
            OpenApiParameter(
                "municipality", str, required=True, description="Municipality code, e.g. 0780."
            ),
            OpenApiParameter("unit", int, description="Only this unit's subtree (an id)."),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: DetailSerializer},
    )
    def get(self, request: Request) -> Response:
        _require(request)
        user: Any = request.user
        try:
            year = year_stats.parse_year(request.query_params.get("year"))
        except year_stats.StatsError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        code = request.query_params.get("municipality", "")
        if not code:
            return Response(
                {"detail": gettext("Give the municipality's code, e.g. 0780.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            municipality = year_stats.municipality_for(user, code)
        except year_stats.OutOfScope as exc:
            raise Http404 from exc
        unit = None
        unit_id = int_param(request, "unit")
        if unit_id is not None:
            unit = (
                live.units_for(user).filter(pk=unit_id, path__startswith=municipality.path).first()
            )
            if unit is None:
                raise Http404
        result = year_stats.quality_year_stats(
            municipality=municipality, year=year, user=user, unit=unit
        )
        return Response(result.document())


class QualityDashboardView(APIView):
    """What is open today; lists complaints and lex Sarah reports by reference: recorded."""

    personal_data = True

    @extend_schema(
        parameters=[OpenApiParameter("unit", int, description="Only this unit's subtree (an id).")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        _require(request)
        user: Any = request.user
        unit = None
        unit_id = int_param(request, "unit")
        if unit_id is not None:
            unit = live.units_for(user).filter(pk=unit_id).first()
            if unit is None:
                raise Http404
        board = live.quality_dashboard(user=user, unit=unit)
        record_access(actor=user, action="list", objects=board.shown_objects(), model=Complaint)
        return Response(document(board))


def document(board: live.Dashboard) -> dict[str, Any]:
    return {
        "today": board.today.isoformat(),
        "unit": board.unit.pk if board.unit else None,
        "open_deviations": {
            "by_state_and_age": board.deviation_ages,
            "by_age": board.deviation_band_totals,
            "total": board.open_deviations,
        },
        "lex_sarah": None
        if board.lex_sarah is None
        else [
            {
                "id": d.report.pk,
                "diary_number": d.report.diary_number,
                "unit": d.report.unit_id,
                "state": d.report.state,
                "next_step": d.step,
                "due_on": d.due_on.isoformat() if d.due_on else None,
                "days_left": d.days_left,
            }
            for d in board.lex_sarah
        ],
        "complaints_waiting": [
            {
                "id": w.complaint.pk,
                "receipt_number": w.complaint.receipt_number,
                "unit": w.complaint.unit_id,
                "kind": w.complaint.kind,
                "received_on": w.complaint.received_on.isoformat(),
                "answer_due_on": w.complaint.answer_due_on.isoformat(),
                "days_left": w.days_left,
            }
            for w in board.complaints_waiting
        ],
        "overdue_action_items": [
            {
                "id": o.item.pk,
                "plan": o.item.plan_id,
                "unit": o.item.plan.unit_id,
                "due_on": o.item.due_on.isoformat(),
                "days_overdue": o.days_overdue,
            }
            for o in board.overdue_items
        ],
        "since": board.since.isoformat(),
        "deviations_by_category": [
            {"code": c, "label": label, "count": n} for c, label, n in board.by_category
        ],
        "deviations_by_unit": [
            {"code": c, "label": label, "count": n} for c, label, n in board.by_unit
        ],
        "deviations_by_month": [{"month": m, "count": n} for m, n in board.by_month],
    }


def register() -> list[ApiExtra]:
    return [
        path("quality/stats/", QualityStatsView.as_view(), name="quality-stats"),
        path("quality/dashboard/", QualityDashboardView.as_view(), name="quality-dashboard"),
    ]
