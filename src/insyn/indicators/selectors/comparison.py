"""Comparisons of one municipality's key figure with a group of Kolada areas, for one year
and sex: the members ranked and coloured (rank quartiles), the funnel for shares with a
known denominator, the reference value, Riket, the committee target, and the provenance
lines to print. `series` and `tile` (selectors/overview.py) build on `compare`.

Values of Kolada areas are IndicatorValue rows with `municipality` set (public data: no org
restriction); for a computed or manual indicator the subject's own figure comes through
`selectors.figures.own_figures` (restricted and suppressed) when the user may see the
municipality's OrgUnit, else the subject's area value is used like any member's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from insyn.indicators import colours
from insyn.indicators.models import (
    PROVENANCE_KOLADA,
    PROVENANCE_KOLADA_DERIVED,
    ComparisonGroup,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    KoladaMunicipality,
)
from insyn.indicators.selectors.comparison_groups import (
    municipality,
    resolve_group,
    visible_groups,
)
from insyn.indicators.selectors.comparison_types import (
    Comparison,
    ComparisonError,
    Funnel,
    FunnelLine,
    GroupYearError,
    Member,
    SeriesPoint,
    TargetResult,
    Tile,
    UnknownGroup,
    UnknownMunicipality,
)
from insyn.indicators.selectors.figures import own_figures, own_unit
from insyn.organisations.models import OrgUnit

__all__ = [
    "Comparison",
    "ComparisonError",
    "Funnel",
    "FunnelLine",
    "GroupYearError",
    "Member",
    "SeriesPoint",
    "TargetResult",
    "Tile",
    "UnknownGroup",
    "UnknownMunicipality",
    "compare",
    "municipality",
    "resolve_group",
    "series",
    "tile",
    "visible_groups",
]

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    Viewer = User | AnonymousUser | None

AGAINST_CHOICES = ("similar", "skr", "county", "riket")  # or "group:<key>"
RIKET = "0000"
PROVENANCE_SYNTHETIC_DERIVED = (
    "Egen bearbetning av syntetiska jämförelsevärden (demo), inte från Kolada"
)
PROVENANCE_MIXED_DERIVED = (
    "Egen bearbetning av data från Kolada och syntetiska jämförelsevärden (demo)"
)
# Preference when an area has values from several sources for the same cell.
SOURCE_ORDER = (
    IndicatorValue.Source.KOLADA,
    IndicatorValue.Source.SYNTHETIC,
)


def _area_values(
    indicator: Indicator, areas: Iterable[str], year: int, sex: str
) -> dict[str, IndicatorValue]:
    """The published (Kolada) or synthetic value of each area; Kolada's wins."""
    rows = IndicatorValue.objects.filter(
        indicator=indicator,
        municipality_id__in=list(areas),
        year=year,
        sex=sex,
        period_kind=IndicatorValue.PeriodKind.YEAR,
        source__in=list(SOURCE_ORDER),
    )
    out: dict[str, IndicatorValue] = {}
    for row in rows:
        assert row.municipality_id is not None
        have = out.get(row.municipality_id)
        if have is None or SOURCE_ORDER.index(row.source) < SOURCE_ORDER.index(have.source):
            out[row.municipality_id] = row
    return out


def derived_provenance(sources: Iterable[str]) -> str:
    """The line for a figure insyn derives from area values: never "Kolada" for synthetic."""
    kinds = set(sources)
    synthetic = IndicatorValue.Source.SYNTHETIC in kinds
    kolada = IndicatorValue.Source.KOLADA in kinds
    if synthetic and kolada:
        return PROVENANCE_MIXED_DERIVED
    if synthetic:
        return PROVENANCE_SYNTHETIC_DERIVED
    return PROVENANCE_KOLADA_DERIVED


def _raw_member(area: KoladaMunicipality, row: IndicatorValue | None, subject: bool) -> dict:
    if row is None:
        return {
            "area": area.pk,
            "name": area.title,
            "value": None,
            "numerator": None,
            "denominator": None,
            "source": "",
            "provenance": "",
            "preliminary": False,
            "is_subject": subject,
            "suppressed": False,
        }
    return {
        "area": area.pk,
        "name": area.title,
        "value": row.value,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "source": row.source,
        "provenance": row.provenance,
        "preliminary": row.preliminary,
        "is_subject": subject,
        "suppressed": False,
    }


def _subject_own(
    user: Viewer, indicator: Indicator, area: KoladaMunicipality, year: int, sex: str
) -> dict | None:
    """The municipality's own computed/manual figure (or that of the widest unit the user sees
    inside it), when the indicator is one; None to fall back to the area value."""
    from insyn.accounts.models import User

    if indicator.source == Indicator.Source.KOLADA or area.org_unit is None:
        return None
    if not isinstance(user, User):
        return None
    unit = own_unit(user, area.org_unit)
    if unit is None:
        return None
    try:
        figures = own_figures(user, indicator, unit, years=[year], sex=sex)
    except OrgUnit.DoesNotExist:
        return None
    if not figures:
        return None
    fig = figures[0]
    # a user granted below the municipality compares the unit's own figure, named as such
    name = area.title if unit.pk == area.org_unit.pk else f"{area.title} ({unit.name})"
    return {
        "area": area.pk,
        "name": name,
        "value": fig.value,
        "numerator": fig.numerator,
        "denominator": fig.denominator,
        "source": fig.source,
        "provenance": fig.provenance,
        "preliminary": fig.preliminary,
        "is_subject": True,
        "suppressed": fig.suppressed,
    }


def _reference(indicator: Indicator, others: list[dict]) -> tuple[float | None, str, str]:
    """Pooled share (Σ numerators / Σ denominators) when every member with a value has both,
    else the unweighted mean of the members' values."""
    with_value = [m for m in others if m["value"] is not None]
    if not with_value:
        return None, "", ""
    prov = derived_provenance(m["source"] for m in with_value)
    pooled = indicator.unit == Indicator.Unit.PERCENT and all(
        m["numerator"] is not None and m["denominator"] for m in with_value
    )
    if pooled:
        num = sum(m["numerator"] for m in with_value)
        den = sum(m["denominator"] for m in with_value)
        return 100 * num / den, "Sammanvägd andel för gruppen", prov
    mean = sum(m["value"] for m in with_value) / len(with_value)
    return mean, "Medelvärde för gruppen", prov


def _funnel(
    indicator: Indicator, members: list[dict], p0: float | None
) -> tuple[Funnel | None, str, dict[str, tuple[str, str]]]:
    if indicator.unit != Indicator.Unit.PERCENT:
        return None, "Inget trattdiagram: måttet är inte en andel med känd nämnare.", {}
    if p0 is None:
        return None, "Inget trattdiagram: jämförelsevärde saknas.", {}
    points = [m for m in members if m["value"] is not None and m["denominator"]]
    if not points:
        return None, "Inget trattdiagram: nämnare saknas (Kolada publicerar ingen nämnare).", {}
    share0 = p0 / 100
    positions: dict[str, tuple[str, str]] = {}
    for m in points:
        p, n = m["value"] / 100, m["denominator"]
        positions[m["area"]] = (
            colours.funnel_position(p, n, share0),
            colours.funnel_colour(p, n, share0, indicator.direction),
        )
    top = max(m["denominator"] for m in points) * 1.1
    steps = 60
    lines = []
    for i in range(1, steps + 1):
        n = max(1.0, top * (i / steps) ** 2)
        lo95, hi95 = colours.funnel_limits(share0, n, 0.95)
        lo998, hi998 = colours.funnel_limits(share0, n, 0.998)
        lines.append(FunnelLine(n, 100 * lo95, 100 * hi95, 100 * lo998, 100 * hi998))
    return Funnel(p0=p0, lines=lines, points=[]), "", positions


def _target(
    indicator: Indicator, area: KoladaMunicipality, year: int, value: float | None
) -> TargetResult | None:
    if area.org_unit is None:
        return None
    targets = IndicatorTarget.objects.filter(indicator=indicator, org_unit=area.org_unit)
    target = targets.filter(year=year).first() or targets.filter(year__isnull=True).first()
    if target is None:
        return None
    return TargetResult(
        value=target.value,
        comparison=target.comparison,
        met=None if value is None else target.met(value),
        decision=target.decision,
        year=target.year,
    )


def compare(
    user: Viewer,
    indicator: Indicator,
    municipality_code: str,
    *,
    year: int,
    against: str = "similar",
    sex: str = "T",
) -> Comparison:
    area = municipality(municipality_code)
    group = resolve_group(user, area, against, year)
    group_areas = list(group.members.all())
    areas = {a.pk: a for a in group_areas}
    areas[area.pk] = area
    rows = _area_values(indicator, [*areas, RIKET], year, sex)
    raw = [_raw_member(a, rows.get(a.pk), a.pk == area.pk) for a in areas.values()]
    own = _subject_own(user, indicator, area, year, sex)
    if own is not None:
        raw = [own if m["is_subject"] else m for m in raw]
    others = [m for m in raw if m["area"] in {a.pk for a in group_areas}]
    reference, ref_label, ref_prov = _reference(indicator, others)
    riket_row = rows.get(RIKET)
    riket = riket_row.value if riket_row is not None else None
    riket_prov = riket_row.provenance if riket_row is not None else ""
    if group.kind == ComparisonGroup.Kind.NATION and riket_row is not None:
        reference, ref_label, ref_prov = riket, "Riket", riket_prov
    values = {m["area"]: m["value"] for m in raw}
    quart = colours.quartile_colours(values, indicator.direction)
    rank = colours.ranks(values, indicator.direction)
    funnel, funnel_note, positions = _funnel(indicator, raw, reference)
    members = [
        Member(
            rank=rank[m["area"]],
            colour=quart[m["area"]],
            funnel_position=positions.get(m["area"], (colours.NO_FUNNEL, colours.NONE))[0],
            funnel_colour=positions.get(m["area"], (colours.NO_FUNNEL, colours.NONE))[1],
            **m,
        )
        for m in raw
    ]
    members.sort(key=lambda m: (m.rank is None, m.rank or 0, m.name))
    if funnel is not None:
        funnel = Funnel(
            p0=funnel.p0,
            lines=funnel.lines,
            points=[m for m in members if m.area in positions],
        )
    subject = next(m for m in members if m.is_subject)
    provenance = _provenance_lines(members, ref_prov, riket_prov)
    return Comparison(
        indicator=indicator,
        municipality=area.pk,
        municipality_name=area.title,
        year=year,
        sex=sex,
        against=against,
        group_key=group.key,
        group_title=group.title,
        group_year=group.year,
        subject=subject,
        members=members,
        reference=reference,
        reference_label=ref_label,
        reference_provenance=ref_prov,
        riket=riket,
        riket_provenance=riket_prov,
        funnel=funnel,
        funnel_note=funnel_note,
        target=_target(indicator, area, year, subject.value),
        provenance=provenance,
    )


def _provenance_lines(members: list[Member], ref_prov: str, riket_prov: str) -> list[str]:
    """Each distinct source line once: the subject's value's first, the other values', then
    the derived figures' (ranks and colours are derived too), Riket's."""
    lines: list[str] = []
    sources = [m.source for m in members if m.value is not None and not m.is_subject]
    for line in [
        *(m.provenance for m in members if m.is_subject and m.value is not None),
        *(m.provenance for m in members if m.value is not None),
        ref_prov,
        derived_provenance(sources) if sources else "",
        riket_prov,
    ]:
        if line and line not in lines:
            lines.append(line)
    if PROVENANCE_KOLADA in lines and PROVENANCE_KOLADA_DERIVED not in lines:
        lines.append(PROVENANCE_KOLADA_DERIVED)
    return lines


def series(
    user: Viewer,
    indicator: Indicator,
    municipality_code: str,
    *,
    years: Iterable[int],
    against: str = "similar",
    sex: str = "T",
) -> list[SeriesPoint]:
    """Year by year, oldest first; each year is compared with that year's group (a year
    without one keeps the municipality's value and Riket, with a note)."""
    area = municipality(municipality_code)
    out: list[SeriesPoint] = []
    for year in sorted(set(years)):
        try:
            c = compare(user, indicator, area.pk, year=year, against=against, sex=sex)
        except GroupYearError as exc:
            out.append(_point_without_group(user, indicator, area, year, sex, str(exc)))
            continue
        out.append(
            SeriesPoint(
                year=year,
                value=c.subject.value,
                value_provenance=c.subject.provenance,
                preliminary=c.subject.preliminary,
                reference=c.reference,
                reference_label=c.reference_label,
                reference_provenance=c.reference_provenance,
                riket=c.riket,
                riket_provenance=c.riket_provenance,
                group_key=c.group_key,
                note="",
            )
        )
    return out


def _point_without_group(
    user: Viewer, indicator: Indicator, area: KoladaMunicipality, year: int, sex: str, note: str
) -> SeriesPoint:
    """A year without the group: the municipality's own value and Riket's, and the note."""
    rows = _area_values(indicator, [area.pk, RIKET], year, sex)
    subject = _subject_own(user, indicator, area, year, sex) or _raw_member(
        area, rows.get(area.pk), True
    )
    riket = rows.get(RIKET)
    return SeriesPoint(
        year=year,
        value=subject["value"],
        value_provenance=subject["provenance"],
        preliminary=subject["preliminary"],
        reference=None,
        reference_label="",
        reference_provenance="",
        riket=riket.value if riket else None,
        riket_provenance=riket.provenance if riket else "",
        group_key="",
        note=note,
    )


def tile(
    user: Viewer, indicator: Indicator, municipality_code: str, *, year: int, span: int = 5
) -> Tile:
    points = series(
        user, indicator, municipality_code, years=range(year - span + 1, year + 1), sex="T"
    )
    by_year = {p.year: p for p in points}
    now = by_year[year]
    prev_point = by_year.get(year - 1)
    previous = prev_point.value if prev_point else None
    colour, target, note, provenance = colours.NONE, None, now.note, [now.value_provenance]
    group_key = now.group_key
    if not now.note:
        c = compare(user, indicator, municipality_code, year=year, against="similar")
        colour, target, provenance = c.subject.colour, c.target, c.provenance
    return Tile(
        indicator=indicator,
        year=year,
        value=now.value,
        previous=previous,
        change=None if now.value is None or previous is None else now.value - previous,
        colour=colour,
        target=target,
        sparkline=[(p.year, p.value) for p in points if p.value is not None],
        provenance=[line for line in provenance if line],
        group_key=group_key,
        note=note,
    )
