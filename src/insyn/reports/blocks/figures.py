"""Live figures for blocks and placeholders, read through the indicators' and quality's own
selectors (restricted to the user, suppressed), formatted as the pages format them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from insyn.indicators.models import Indicator
from insyn.indicators.selectors import comparison as cmp
from insyn.indicators.selectors.page_data import fmt
from insyn.quality.selectors import stats as year_stats
from insyn.reports.blocks import BuildContext


@dataclass
class FigureValue:
    text: str
    value: float | int | None
    suppressed: bool = False
    source: str = ""
    missing: str = ""  # why there is no value (shown in the block's messages)


def indicator_ref(key: str, year: int) -> str:
    """The name of an indicator's own value for a year (cells and placeholders share it)."""
    return f"indicator:{key}:{year}"


def quality_ref(ref: str) -> str:
    """The name of `section.line` of the quality statistics, as the placeholder spells it."""
    return f"quality:{ref}"


def hidden_text(ctx: BuildContext) -> str:
    return _("hidden (fewer than %(n)s)") % {"n": _min_cell()}


def _min_cell() -> int:
    from django.conf import settings

    return int(settings.INSYN_MIN_CELL)


def indicator(key: str) -> Indicator | None:
    return Indicator.objects.filter(key=key).first()


def comparison(ctx: BuildContext, ind: Indicator, year: int, against: str) -> cmp.Comparison | str:
    """The comparison for the report's municipality, or the reason there is none."""
    cache_key = f"cmp:{ind.pk}:{year}:{against}"
    if cache_key not in ctx.cache:
        try:
            ctx.cache[cache_key] = cmp.compare(
                ctx.user, ind, ctx.municipality.code, year=year, against=against
            )
        except cmp.ComparisonError as exc:
            ctx.cache[cache_key] = str(exc)
    found: cmp.Comparison | str = ctx.cache[cache_key]
    return found


def indicator_value(ctx: BuildContext, key: str, year: int) -> FigureValue:
    """The municipality's own value of indicator `key` for `year` (sex T)."""
    ind = indicator(key)
    if ind is None:
        return FigureValue("–", None, missing=_("There is no key figure %(key)s.") % {"key": key})
    c = comparison(ctx, ind, year, "riket")
    if isinstance(c, str):
        return FigureValue("–", None, missing=f"{ind.title} {year}: {c}")
    subject = c.subject
    if subject.suppressed:
        return FigureValue(hidden_text(ctx), None, suppressed=True, source=subject.provenance)
    if subject.value is None:
        return FigureValue(
            "–",
            None,
            missing=_("%(title)s has no value for %(year)s.") % {"title": ind.title, "year": year},
        )
    return FigureValue(fmt(subject.value, ind.unit), subject.value, source=subject.provenance)


def quality_stats(ctx: BuildContext) -> year_stats.YearStats | str:
    if "quality" not in ctx.cache:
        try:
            ctx.cache["quality"] = year_stats.quality_year_stats(
                municipality=ctx.municipality,
                year=ctx.year,
                user=ctx.user,
                unit=None if ctx.unit.pk == ctx.municipality.pk else ctx.unit,
            )
        except (year_stats.StatsError, year_stats.OutOfScope) as exc:
            ctx.cache["quality"] = str(exc) or _("The quality statistics are not available.")
    found: year_stats.YearStats | str = ctx.cache["quality"]
    return found


def quality_value(ctx: BuildContext, ref: str) -> FigureValue:
    """`section.line` of the year's quality statistics."""
    stats = quality_stats(ctx)
    if isinstance(stats, str):
        return FigureValue("–", None, missing=stats)
    section_key, _sep, line_key = ref.partition(".")
    section = stats.section(section_key)
    line = next((ln for ln in section.lines if ln.key == line_key), None) if section else None
    if line is None:
        return FigureValue(
            "–", None, missing=_("There is no quality figure %(ref)s.") % {"ref": ref}
        )
    if line.suppressed:
        return FigureValue(hidden_text(ctx), None, suppressed=True, source=stats.source)
    return FigureValue(number(line.value), line.value, source=stats.source)


def number(value: float | int | None) -> str:
    if value is None:
        return "–"
    return fmt(float(value), "count" if isinstance(value, int) else "")
