"""Turning text parameters (CLI options, query strings, API arguments) into an
`AnalysisRequest`, with one set of messages for every interface."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext

from insyn.analytics.aggregate import DEFAULT_AGE_BINS, AnalysisError, AnalysisRequest
from insyn.analytics.dimensions import AgeBinError, parse_age_bins
from insyn.core.validation import parse_int


def _list(value: Any) -> list[str]:
    """'a,b' or ['a', 'b'] or ['a,b'] -> ['a', 'b']."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise AnalysisError(
            gettext("%(name)s must be a date written as YYYY-MM-DD, not %(value)s.")
            % {"name": name, "value": value}
        ) from exc


def resolve_units(values: Iterable[str]) -> tuple[int, ...]:
    """Unit ids from ids, codes, or municipality-qualified codes (0780/VUX-OPV)."""
    from insyn.organisations.models import OrgUnit

    ids: list[int] = []
    for value in values:
        unit_id = parse_int(value)
        if unit_id is not None and OrgUnit.objects.filter(pk=unit_id).exists():
            ids.append(unit_id)
            continue
        municipality, _sep, code = value.rpartition("/")
        units = OrgUnit.objects.filter(code=code)
        if municipality:
            units = units.filter(municipality__code=municipality)
        found = list(units.select_related("municipality"))
        if not found:
            raise AnalysisError(gettext("There is no unit with the code %(c)s.") % {"c": value})
        if len(found) > 1:
            raise AnalysisError(
                gettext("Several units have the code %(c)s; write one of %(all)s.")
                % {
                    "c": value,
                    "all": ", ".join(
                        f"{u.municipality.code}/{u.code}" if u.municipality else u.code
                        for u in found
                    ),
                }
            )
        ids.append(found[0].pk)
    return tuple(dict.fromkeys(ids))


def request_from_params(params: Mapping[str, Any]) -> AnalysisRequest:
    """Keys: programme, variable, stage, compare ("before:after"), by ("sex,unit"),
    age_groups ("0-12,13-17,18-"), from, to (ISO dates), unit (ids or codes), version."""
    programme = str(params.get("programme") or "").strip()
    variable = str(params.get("variable") or "").strip()
    if not programme:
        raise AnalysisError(gettext("Choose a programme."))
    if not variable:
        raise AnalysisError(gettext("Choose a variable."))
    stage = str(params.get("stage") or "").strip() or None
    compare_text = str(params.get("compare") or "").strip()
    compare: tuple[str, str] | None = None
    if compare_text:
        before, sep, after = compare_text.partition(":")
        if not sep or not before.strip() or not after.strip():
            raise AnalysisError(
                gettext("Write the stages to compare as BEFORE:AFTER, e.g. before:after.")
            )
        compare = (before.strip(), after.strip())
    try:
        bins = parse_age_bins(str(params.get("age_groups") or DEFAULT_AGE_BINS))
    except AgeBinError as exc:
        raise AnalysisError(str(exc)) from exc
    versions = []
    for value in _list(params.get("version")):
        version = parse_int(value, maximum=2**31 - 1)
        if version is None:
            raise AnalysisError(
                gettext("A programme version is a whole number, not %(v)s.") % {"v": value}
            )
        versions.append(version)
    return AnalysisRequest(
        programme=programme,
        variable=variable,
        stage=stage,
        compare=compare,
        by=tuple(_list(params.get("by"))),
        age_bins=tuple(bins),
        date_from=_date(params.get("from"), "from"),
        date_to=_date(params.get("to"), "to"),
        units=resolve_units(_list(params.get("unit"))),
        versions=tuple(versions),
    )


def params_of(request: AnalysisRequest) -> dict[str, Any]:
    """The inverse: plain parameters for saving a favourite or building a link."""
    out: dict[str, Any] = {"programme": request.programme, "variable": request.variable}
    if request.compare:
        out["compare"] = ":".join(request.compare)
    elif request.stage:
        out["stage"] = request.stage
    if request.by:
        out["by"] = ",".join(request.by)
    out["age_groups"] = ",".join(b.label for b in request.age_bins)
    if request.date_from:
        out["from"] = request.date_from.isoformat()
    if request.date_to:
        out["to"] = request.date_to.isoformat()
    if request.units:
        out["unit"] = [str(u) for u in request.units]
    if request.versions:
        out["version"] = [str(v) for v in request.versions]
    return out
