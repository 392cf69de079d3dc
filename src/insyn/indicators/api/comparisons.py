"""Read-only API of the indicator catalogue and of comparisons:

- `GET /api/indicators/` and `/api/indicators/{key}/`: the catalogue (key, title, unit,
  direction, source, definition);
- `GET /api/indicators/{key}/comparison/?municipality=0780&against=similar&year=2024&sex=T`:
  one comparison as `insyn indicators show --format json` prints it (values, ranks, colours,
  funnel, reference, Riket, target, provenance lines).

Kolada values are public; the municipality's own computed and manual figures come through
`selectors.figures` (restricted to the caller, suppressed). An unknown indicator or
municipality is 404; a group of another year, or an `against` that names nothing, is 400
with the message (naming the years that exist)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from insyn.core.schema import DetailSerializer
from insyn.indicators.comparison_export import as_dict
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.selectors import comparison as selector


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    dimension: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    # Plain strings (the values are listed in the description), so the schema's enum names
    # do not collide with other models' "direction"/"type"/"source".
    unit = serializers.CharField(read_only=True, help_text="percent | days | count | kr | other")
    type = serializers.CharField(read_only=True, help_text="structure | process | outcome")
    direction = serializers.CharField(read_only=True, help_text="higher | lower | none")
    source = serializers.CharField(read_only=True, help_text="computed | kolada | manual")  # type: ignore[assignment]

    class Meta:
        model = Indicator
        fields = [
            "key",
            "title",
            "description",
            "unit",
            "type",
            "dimension",
            "operating_area",
            "direction",
            "source",
            "kolada_kpi",
            "numerator",
            "denominator",
            "population",
            "period",
        ]
        read_only_fields = fields


COMPARISON_PARAMETERS = [
    OpenApiParameter(
        "municipality", str, required=True, description="Kolada municipality id, e.g. 0780."
    ),
    OpenApiParameter(
        "against",
        str,
        description="similar (default) | skr | county | riket | group:<key>.",
    ),
    OpenApiParameter("year", int, description="Year (default: the latest with values)."),
    OpenApiParameter("sex", str, enum=["T", "K", "M"], description="T (default), K or M."),
]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet[Indicator]):
    """The indicator catalogue (active indicators the catalogue names)."""

    personal_data = False
    serializer_class = IndicatorSerializer
    lookup_field = "key"
    lookup_value_regex = "[A-Za-z0-9_-]+"

    def get_queryset(self) -> Any:
        return Indicator.objects.filter(active=True, in_catalogue=True).select_related("dimension")

    @extend_schema(
        parameters=COMPARISON_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 400: DetailSerializer, 404: DetailSerializer},
    )
    @action(detail=True, methods=["get"], url_path="comparison")
    def comparison(self, request: Request, key: str | None = None) -> Response:
        """One comparison: the municipality against a group, ranked and coloured."""
        indicator = self.get_object()
        code = request.query_params.get("municipality", "")
        if not code:
            return _bad("Ange kommunens kod, t.ex. municipality=0780.")
        sex = request.query_params.get("sex", "T")
        if sex not in IndicatorValue.Sex.values:
            return _bad("Kön anges som T, K eller M.")
        try:
            area = selector.municipality(code)
        except selector.UnknownMunicipality as exc:
            raise Http404 from exc
        raw_year = request.query_params.get("year")
        if raw_year:
            if not (raw_year.isascii() and raw_year.isdigit() and len(raw_year) == 4):
                return _bad("Året anges med fyra siffror, t.ex. 2024.")
            year = int(raw_year)
        else:
            latest = (
                IndicatorValue.objects.filter(indicator=indicator, municipality=area)
                .order_by("-year")
                .values_list("year", flat=True)
                .first()
            )
            if latest is None:
                return _bad(f"Det finns inga värden för {indicator.key} och {area.title}.")
            year = latest
        try:
            result = selector.compare(
                request.user,
                indicator,
                area.pk,
                year=year,
                against=request.query_params.get("against", "similar"),
                sex=sex,
            )
        except selector.ComparisonError as exc:
            return _bad(str(exc))
        return Response(as_dict(result))


def _bad(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)


def register(router: BaseRouter) -> list[Any]:
    router.register("indicators", IndicatorViewSet, basename="indicator")
    return []
