"""Quality statistics (deviations, lex Sarah, complaints, appeals, internal control,
non-executed decisions, action items) for the report year, one table per section, from the
one computation the quality dashboard uses (quality.selectors.stats) with its suppression."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from insyn.quality.selectors import stats as year_stats
from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.document import Block, Cell, Message, Sum, Table
from insyn.reports.spec import text


@register("quality_statistics")
def quality_statistics(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    title = text(spec.get("title"), ctx.language)
    stats = figures.quality_stats(ctx)
    if isinstance(stats, str):
        return Block(spec["id"], "quality_statistics", title, [Message(stats)])
    wanted = [str(k) for k in spec.get("sections") or []]
    sections = [s for s in stats.sections if not wanted or s.key in wanted]
    items: list[Any] = []
    for key in wanted:
        if stats.section(key) is None:
            items.append(
                Message(_("There is no quality statistics section %(key)s.") % {"key": key})
            )
    for section in sections:
        rows = []
        for line in section.lines:
            ref = figures.quality_ref(f"{section.key}.{line.key}")
            if line.suppressed:
                cell = Cell(figures.hidden_text(ctx), None, suppressed=True, ref=ref)
            else:
                cell = Cell(figures.number(line.value), line.value, ref=ref)
            rows.append([Cell(line.label, header=True), cell])
        if not rows:
            items.append(
                Message(
                    _("%(title)s: nothing recorded in %(year)s.")
                    % {"title": section.title, "year": ctx.year}
                )
            )
            continue
        items.append(
            Table(
                caption=section.title,
                columns=[_("Figure"), str(ctx.year)],
                rows=rows,
                source=stats.source,
                period=f"{stats.period_start.isoformat()} – {stats.period_end.isoformat()}",
                sums=sums(section),
                follows=FOLLOWS.get(section.key, {}),
            )
        )
    return Block(spec["id"], "quality_statistics", title, items, [stats.source])


def _q(section: str, line: str) -> str:
    return figures.quality_ref(f"{section}.{line}")


# Shares shown beside the count they are computed from (with the section's total shown, the
# share gives the count away): hidden whenever the count is.
FOLLOWS: dict[str, dict[str, str]] = {
    "appeals": {_q("appeals", "changed_share"): _q("appeals", "outcome_changed")},
}


def sums(section: year_stats.Section) -> list[Sum]:
    """Which lines of a quality statistics section add up (docs/quality.md defines them), for
    complementary suppression across the report; totals shown in other sections count too."""
    key = section.key
    keys = [line.key for line in section.lines]
    everything = year_stats.ALL
    found: list[Sum] = []
    if key in ("deviations_by_category", "deviations_by_unit", "complaints_by_theme"):
        found.append(Sum(_q(key, everything), [_q(key, k) for k in keys if k != everything]))
    if key == "deviations_by_unit":  # both count every deviation of the year
        found.append(Sum(_q(key, everything), [_q("deviations_by_category", everything)]))
    if key == "complaints_by_theme":
        found.append(Sum(_q("complaints_answered", "received"), [_q(key, everything)]))
    if key == "complaints_by_kind":
        found.append(Sum(_q("complaints_answered", "received"), [_q(key, k) for k in keys]))
    if key == "appeals":
        outcomes = [_q(key, k) for k in keys if k.startswith("outcome_")]
        found.append(Sum(_q(key, "decided"), outcomes))
    if key == "non_executed":
        parts = [k for k in keys if k.startswith("reported_") and k != "reported_total"]
        found.append(Sum(_q(key, "reported_total"), [_q(key, k) for k in parts]))
    if key == "client_deviations_by_unit_month":  # codes UNIT/MONTH, with "all" margins
        rows: dict[str, list[str]] = {}
        columns: dict[str, list[str]] = {}
        for k in keys:
            unit, _sep, month = k.rpartition("/")
            if unit != everything and month != everything:
                rows.setdefault(unit, []).append(k)
                columns.setdefault(month, []).append(k)
        for unit, parts in rows.items():
            found.append(Sum(_q(key, f"{unit}/{everything}"), [_q(key, p) for p in parts]))
        for month, parts in columns.items():
            found.append(Sum(_q(key, f"{everything}/{month}"), [_q(key, p) for p in parts]))
        grand = _q(key, f"{everything}/{everything}")
        found.append(Sum(grand, [_q(key, f"{u}/{everything}") for u in rows]))
        found.append(Sum(grand, [_q(key, f"{everything}/{m}") for m in columns]))
    return found
