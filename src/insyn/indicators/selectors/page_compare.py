"""The comparisons the pages show, in the shape the templates need: a municipality against a
comparison group for one year (ranks, rank-quartile colours, funnel limits, the group's value),
and the choices of groups.

PAGES-LOCAL: the compare area (`selectors.comparison`, `colours`) owns the comparison logic;
this module is the pages' thin stand-in until that interface is merged, kept to what the pages
read, so it can be replaced by calls to `comparison.compare(...)` without touching templates."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from insyn.indicators.models import (
    PROVENANCE_KOLADA_DERIVED,
    ComparisonGroup,
    Indicator,
    KoladaMunicipality,
)
from insyn.indicators.selectors import groups as group_selectors
from insyn.indicators.selectors.figures import Figure
from insyn.indicators.selectors.pages import PageInputError, areas_series

if TYPE_CHECKING:
    from insyn.organisations.models import OrgUnit

RANK = "rank"
HONEST = "honest"
MODES = (RANK, HONEST)
Z = {"95": 1.959963984540054, "998": 3.090232306167813}

GREEN, YELLOW, RED, GREY, NEUTRAL = "green", "yellow", "red", "grey", "neutral"


def colour_text(colour: str, mode: str) -> str:
    """What a colour means, in words (never colour alone)."""
    if mode == HONEST:
        return {
            GREEN: _("Clearly better than the comparison value (outside the funnel)"),
            RED: _("Clearly worse than the comparison value (outside the funnel)"),
            NEUTRAL: _("No clear difference from the comparison value"),
            GREY: _("No colour: no value or no denominator"),
        }[colour]
    return {
        GREEN: _("Best quarter of the group"),
        YELLOW: _("Middle half of the group"),
        RED: _("Worst quarter of the group"),
        NEUTRAL: _("No colour: the indicator has no better direction"),
        GREY: _("No colour: no value"),
    }[colour]


@dataclass
class Row:
    area: str
    name: str
    value: float | None
    numerator: float | None
    denominator: float | None
    provenance: str
    preliminary: bool
    is_subject: bool
    member: bool = True  # counts towards the group value (the subject of a similar group not)
    rank: int | None = None
    colour: str = GREY
    colour_label: str = ""
    lower: float | None = None  # funnel limits at this row's denominator (per cent)
    upper: float | None = None


@dataclass
class GroupComparison:
    key: str
    title: str
    year: int
    mode: str
    rows: list[Row]  # best first by the indicator's direction (value order when none)
    group_value: float | None  # the comparison value (pooled share, or the mean)
    group_value_label: str
    funnel: bool  # limits exist (a share with denominators)
    level: str = "95"
    provenance: list[str] = field(default_factory=list)

    @property
    def subject(self) -> Row | None:
        return next((r for r in self.rows if r.is_subject), None)


def group_choices(
    area: KoladaMunicipality | None, year: int, owner_paths: list[str]
) -> list[tuple[str, str]]:
    """(key, label) of the groups the user may compare with for `year`: the right year's similar
    IFO group, the SKR kommungrupp, the county, Riket, and user groups of the user's units."""
    out: list[tuple[str, str]] = []
    if area is not None:
        try:
            similar = group_selectors.similar_group(area.id, year)
            out.append((similar.key, similar.title))
        except group_selectors.NoGroupForYear:
            pass
        for group in (group_selectors.skr_group(area.id), group_selectors.county_group(area.id)):
            if group is not None:
                out.append((group.key, group.title))
    riket = group_selectors.riket_group()
    if riket is not None:
        out.append((riket.key, riket.title))
    users = ComparisonGroup.objects.filter(kind=ComparisonGroup.Kind.USER, owner__isnull=False)
    for group in users.select_related("owner").order_by("title"):
        owner: OrgUnit | None = group.owner
        if owner is not None and any(owner.path.startswith(p) for p in owner_paths):
            out.append((group.key, group.title))
    return out


def group_for(
    key: str, area: KoladaMunicipality | None, year: int, choices: list[tuple[str, str]]
) -> ComparisonGroup:
    """The chosen group, which must be among the choices for this year (a similar group of
    another year is refused with a message naming the right one)."""
    if key not in {k for k, _label in choices}:
        group = ComparisonGroup.objects.filter(key=key).first()
        if group is not None and group.kind == ComparisonGroup.Kind.SIMILAR and group.year:
            raise PageInputError(
                _(
                    "The group “%(title)s” is for %(group_year)s; the page shows %(year)s. "
                    "Comparisons use the group of the same year."
                )
                % {"title": group.title, "group_year": group.year, "year": year}
            )
        raise PageInputError(_("Unknown comparison group: %(key)s.") % {"key": key})
    return ComparisonGroup.objects.get(key=key)


class ComparisonSet:
    """Areas chosen on the comparison page, compared like a group."""

    key = "chosen"

    def __init__(self, areas: list[KoladaMunicipality]) -> None:
        self.areas = areas
        self.title = _("The chosen areas")


def compare_in_group(
    indicator: Indicator,
    group: ComparisonGroup | ComparisonSet,
    subject: KoladaMunicipality | None,
    own: Figure | None,
    year: int,
    *,
    mode: str = RANK,
    level: str = "95",
    sex: str = "T",
) -> GroupComparison:
    """The subject's figure (`own`: the municipality's value for `year`) among the group's
    members for `year` (the subject included even when the group was chosen for it)."""
    if isinstance(group, ComparisonSet):
        members = list(group.areas)
    else:
        members = list(group.members.order_by("id"))
    outsider = subject is not None and subject not in members
    if subject is not None and outsider:
        members.append(subject)
    values = areas_series(indicator, members, sex=sex, year=year)
    rows: list[Row] = []
    for member in members:
        is_subject = subject is not None and member.id == subject.id
        found = values.get(member.id) or []
        figure = own if is_subject else (found[0] if found else None)
        rows.append(
            Row(
                area=member.id,
                name=member.title,
                value=figure.value if figure else None,
                numerator=figure.numerator if figure else None,
                denominator=figure.denominator if figure else None,
                provenance=figure.provenance if figure else "",
                preliminary=bool(figure and figure.preliminary),
                is_subject=is_subject,
                member=not (is_subject and outsider),
            )
        )
    comparison = GroupComparison(
        key=group.key,
        title=group.title,
        year=year,
        mode=mode,
        rows=rows,
        group_value=None,
        group_value_label="",
        funnel=False,
        level=level,
    )
    _rank(indicator, comparison)
    _group_value(indicator, comparison)
    if mode == HONEST:
        _funnel(indicator, comparison, level)
    for row in comparison.rows:
        row.colour_label = colour_text(row.colour, mode)
    sources = sorted({r.provenance for r in rows if r.provenance})
    comparison.provenance = [*sources, PROVENANCE_KOLADA_DERIVED]
    return comparison


def _rank(indicator: Indicator, comparison: GroupComparison) -> None:
    """Ranks and Kolada's rank-quartile colours: best quarter green, worst red, the middle
    yellow, missing grey; no colour when the indicator has no better direction."""
    known = [r for r in comparison.rows if r.value is not None]
    reverse = indicator.direction != Indicator.Direction.LOWER
    known.sort(key=lambda r: r.value or 0.0, reverse=reverse)
    n = len(known)
    for row in known:
        # ties share the better rank
        row.rank = next(j for j, other in enumerate(known) if other.value == row.value) + 1
        if indicator.direction == Indicator.Direction.NONE:
            row.colour = NEUTRAL
        elif (row.rank - 1) < n / 4:
            row.colour = GREEN
        elif (row.rank - 1) >= n - n / 4:
            row.colour = RED
        else:
            row.colour = YELLOW
    comparison.rows = known + sorted(
        (r for r in comparison.rows if r.value is None), key=lambda r: r.name
    )


def _group_value(indicator: Indicator, comparison: GroupComparison) -> None:
    others = [r for r in comparison.rows if r.value is not None and r.member]
    pooled = [r for r in others if r.numerator is not None and r.denominator]
    if indicator.unit == Indicator.Unit.PERCENT and pooled and len(pooled) == len(others):
        num = sum(r.numerator or 0.0 for r in pooled)
        den = sum(r.denominator or 0.0 for r in pooled)
        comparison.group_value = 100.0 * num / den
        comparison.group_value_label = _("Pooled share of the group")
    elif others:
        comparison.group_value = sum(r.value or 0.0 for r in others) / len(others)
        comparison.group_value_label = _("Mean of the group's values")


def _funnel(indicator: Indicator, comparison: GroupComparison, level: str) -> None:
    """Binomial funnel limits around the comparison share; a colour only outside them."""
    p0 = comparison.group_value
    for row in comparison.rows:
        row.colour = GREY
    if indicator.unit != Indicator.Unit.PERCENT or p0 is None:
        return
    share = p0 / 100.0
    if not 0.0 < share < 1.0:
        return
    z = Z[level]
    for row in comparison.rows:
        if row.value is None or not row.denominator:
            continue
        comparison.funnel = True
        se = math.sqrt(share * (1 - share) / row.denominator)
        row.lower = max(0.0, 100.0 * (share - z * se))
        row.upper = min(100.0, 100.0 * (share + z * se))
        if indicator.direction == Indicator.Direction.NONE:
            row.colour = NEUTRAL
        elif row.value > row.upper:
            row.colour = GREEN if indicator.direction == Indicator.Direction.HIGHER else RED
        elif row.value < row.lower:
            row.colour = RED if indicator.direction == Indicator.Direction.HIGHER else GREEN
        else:
            row.colour = NEUTRAL


def default_group(area: KoladaMunicipality | None, year: int) -> ComparisonGroup | None:
    """The overview's group: the year's similar IFO group, else Riket."""
    if area is not None:
        try:
            return group_selectors.similar_group(area.id, year)
        except group_selectors.NoGroupForYear:
            pass
    return group_selectors.riket_group()


def group_value_series(
    indicator: Indicator,
    group: ComparisonGroup,
    subject: KoladaMunicipality | None,
    sex: str,
    mode: str,
) -> list[Figure]:
    """The group's comparison value per year (derived from Kolada: its own provenance)."""
    del subject, mode
    members = list(group.members.all())
    by_area = areas_series(indicator, members, sex=sex)
    years = sorted({f.year for line in by_area.values() for f in line})
    out = []
    for year in years:
        comparison = GroupComparison(group.key, group.title, year, RANK, [], None, "", False)
        comparison.rows = [
            Row(f.area, f.area_name, f.value, f.numerator, f.denominator, "", False, False)
            for line in by_area.values()
            for f in line
            if f.year == year
        ]
        _group_value(indicator, comparison)
        if comparison.group_value is None:
            continue
        out.append(
            Figure(
                indicator_key=indicator.key,
                area=group.key,
                area_name=group.title,
                year=year,
                period_kind="year",
                period_label=str(year),
                sex=sex,
                value=comparison.group_value,
                numerator=None,
                denominator=None,
                source="kolada_derived",
                provenance=PROVENANCE_KOLADA_DERIVED,
            )
        )
    return out
