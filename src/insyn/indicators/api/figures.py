"""API of own key figures (computed and manual values of org units), read-only, through
`selectors.figures` (restricted and suppressed): aggregates only, never an individual.

GET /api/indicator-figures/?indicator=KEY&unit=CODE[&municipality=CODE][&year=Y…][&sex=T]
    [&period=year|rolling12][&below=true]

A unit outside the caller's scope is the same 404 as a missing one; bad parameters are a 400
with a message."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from insyn.core.roles import Action
from insyn.core.schema import DetailSerializer
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.selectors.figures import Figure, own_figures, unit_figures
from insyn.organisations.models import OrgUnit

PARAMETERS = [
    OpenApiParameter("indicator", str, required=True, description="Indicator key."),
    OpenApiParameter(
        "unit", str, required=True, description="Org unit code: a municipality (0780) or a unit."
    ),
    OpenApiParameter(
        "municipality",
        str,
        required=False,
        description="Municipality code, when a unit code is used in more than one municipality.",
    ),
    OpenApiParameter(
        "year", int, required=False, many=True, description="Year(s); default: every year."
    ),
    OpenApiParameter("sex", str, required=False, enum=["T", "K", "M"], description="Sex."),
    OpenApiParameter(
        "period",
        str,
        required=False,
        enum=["year", "rolling12"],
        description="Calendar years (default) or rolling twelve months.",
    ),
    OpenApiParameter(
        "below",
        bool,
        required=False,
        description="Also the units below `unit` that the caller may see.",
    ),
]


class FigureSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator_key")
    unit = serializers.CharField(source="area")
    unit_name = serializers.CharField(source="area_name")
    year = serializers.IntegerField()
    period_kind = serializers.CharField()
    period = serializers.CharField(source="period_label")
    period_end = serializers.DateField(allow_null=True)
    sex = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="null: hidden (suppressed).")
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField(
        help_text="True when the figure is hidden by the suppression rule (too few persons)."
    )
    source = serializers.CharField()  # type: ignore[assignment]
    provenance = serializers.CharField(help_text="The source line to print with the figure.")
    preliminary = serializers.BooleanField()


class _BadRequest(Exception):
    pass


def _years(request: Request) -> list[int] | None:
    raw = [v for item in request.query_params.getlist("year") for v in item.split(",") if v]
    try:
        return [int(v) for v in raw] or None
    except ValueError as exc:
        raise _BadRequest(_("year must be a number such as 2025.")) from exc


def _unit(request: Request, code: str) -> OrgUnit:
    """The unit with `code` among those the caller may see (404 when none)."""
    units = OrgUnit.objects.restrict(request.user, Action.VIEW_AGGREGATE).filter(code=code)
    municipality = request.query_params.get("municipality")
    if municipality:
        units = units.filter(municipality__code=municipality)
    found = list(units[:2])
    if not found:
        raise OrgUnit.DoesNotExist
    if len(found) > 1:
        message = _("The unit code is used in more than one municipality: add municipality.")
        raise _BadRequest(message)
    return found[0]


class IndicatorFiguresView(APIView):
    """Own key figures of an org unit (suppressed aggregates; no one's data)."""

    personal_data = False

    @extend_schema(
        parameters=PARAMETERS,
        responses={200: FigureSerializer(many=True), 400: DetailSerializer, 404: DetailSerializer},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        key, code = params.get("indicator", ""), params.get("unit", "")
        sex = params.get("sex") or None
        period = params.get("period") or IndicatorValue.PeriodKind.YEAR
        try:
            if not key or not code:
                raise _BadRequest(_("indicator and unit are required."))
            if sex not in (None, "T", "K", "M"):
                raise _BadRequest(_("sex must be T, K or M."))
            if period not in IndicatorValue.PeriodKind.values:
                raise _BadRequest(_("period must be year or rolling12."))
            years = _years(request)
            indicator = Indicator.objects.filter(key=key).first()
            if indicator is None:
                return _not_found()
            unit = _unit(request, code)
            select: Any = unit_figures if params.get("below") in ("1", "true") else own_figures
            figures: list[Figure] = select(
                request.user, indicator, unit, years=years, sex=sex, period_kind=period
            )
        except _BadRequest as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        except OrgUnit.DoesNotExist:
            return _not_found()
        return Response(FigureSerializer(figures, many=True).data)


def _not_found() -> Response:
    return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)


def register(router: BaseRouter) -> list[Any]:
    """Register viewsets on `router`; return extra (non-router) url patterns."""
    return [path("indicator-figures/", IndicatorFiguresView.as_view(), name="indicator-figures")]
