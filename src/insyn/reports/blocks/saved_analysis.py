"""Saved analyses: a favourite from the Analys page re-run for the report year through the
page's own path (`request_from_params` → `aggregate` with the building user's scope, which
suppresses), shown as the page's chart and main table, with the page's caveat that follow-up
describes change, not effect.

A template names the favourite (`analysis: "…"`), since ids differ between installations; it is
looked up among the favourites the user may open in the report's municipality. A favourite that
does not exist and one the user may not open give the same message: the report never reveals
that someone else's favourite exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from insyn.analytics import charts as analytics_charts
from insyn.analytics import presentation
from insyn.analytics.aggregate import AnalysisError, AnalysisResult, aggregate
from insyn.analytics.models import SavedAnalysis
from insyn.analytics.params import request_from_params
from insyn.analytics.scope import Scope
from insyn.core.roles import Action
from insyn.core.scoping import has_action
from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.document import Block, Cell, Chart, Message, Paragraph, Run, Table
from insyn.reports.spec import text

MAX_VARIABLES = 5


def favourite(ctx: BuildContext, name: str) -> SavedAnalysis | None:
    """The favourite `name` the building user may open in the report's municipality."""
    if not name or not has_action(ctx.user, Action.VIEW_AGGREGATE):
        return None
    m = ctx.municipality
    in_municipality = Q(organisation=m) | Q(organisation__municipality=m)
    own_without_organisation = Q(organisation__isnull=True, owner_id=ctx.user.pk)
    return (
        SavedAnalysis.objects.visible_to(ctx.user)
        .filter(in_municipality | own_without_organisation, name=name)
        .order_by("-updated_at", "-id")
        .first()
    )


def _variables(params: dict[str, Any]) -> list[str]:
    value = params.get("variable") or []
    items = [value] if isinstance(value, str) else list(value)
    return [str(v) for v in items if str(v).strip()][:MAX_VARIABLES]


def _params_for_year(ctx: BuildContext, params: dict[str, Any], variable: str) -> dict[str, Any]:
    """The favourite's question for interventions started in the report year, covering the
    report's unit unless the favourite names its own units."""
    out = {**params, "variable": variable}
    out["from"] = dt.date(ctx.year, 1, 1).isoformat()
    out["to"] = dt.date(ctx.year, 12, 31).isoformat()
    if not out.get("unit"):
        out["unit"] = [str(ctx.unit.pk)]
    return out


def _table(ctx: BuildContext, result: AnalysisResult, source: str, period: str) -> Table:
    """The Analys page's main table (same texts), hidden groups said in words."""
    shown = presentation.main_table(result)
    no_groups = not shown.group_headers
    columns = [_("Group")] if no_groups else list(shown.group_headers)
    columns += shown.headers
    rows: list[list[Cell]] = []
    for tr, row in zip(shown.rows, result.rows, strict=True):
        cells = [Cell(_("All"), header=True)] if no_groups else []
        cells += [Cell(g, header=True) for g in tr.groups]
        if tr.suppressed:
            cells += [Cell(figures.hidden_text(ctx), None, suppressed=True) for _h in shown.headers]
        else:
            n = row.values.get("n")
            cells.append(Cell(tr.cells[0], n if isinstance(n, int | float) else None))
            cells += [Cell(t) for t in tr.cells[1:]]
        rows.append(cells)
    notes = [*result.notes, _("Hidden: fewer than %(n)s persons.") % {"n": result.min_cell}]
    return Table(shown.caption, columns, rows, source, period, notes)


@register("saved_analysis")
def saved_analysis(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    name = str(spec.get("analysis") or "").strip()
    title = text(spec.get("title"), ctx.language)
    saved = favourite(ctx, name)
    if saved is None:
        message = _(
            "There is no saved analysis “%(name)s” that you may open in %(municipality)s."
        ) % {"name": name, "municipality": ctx.municipality.name}
        return Block(spec["id"], "saved_analysis", title, [Message(message)])
    params = dict(saved.params or {})
    variables = _variables(params)
    if not variables:
        return Block(
            spec["id"],
            "saved_analysis",
            title,
            [Message(_("The saved analysis “%(name)s” has no variable.") % {"name": name})],
        )
    scope = Scope.for_user(ctx.user)
    period = f"{ctx.year}-01-01 – {ctx.year}-12-31"
    items: list[Any] = []
    sources: list[str] = []
    caveat = False
    for variable in variables:
        try:
            result = aggregate(
                request_from_params(_params_for_year(ctx, params, variable)), scope=scope
            )
        except AnalysisError as exc:
            items.append(
                Message(
                    _("The saved analysis “%(name)s” cannot be run: %(error)s")
                    % {"name": name, "error": exc}
                )
            )
            continue
        source = _("insyn's own follow-up data: %(programme)s, %(municipality)s") % {
            "programme": result.programme.name,
            "municipality": ctx.municipality.name,
        }
        if source not in sources:
            sources.append(source)
        if result.mode == "compare" and not caveat:
            items.append(Paragraph("p", [Run(result.caveat, italic=True)]))
            caveat = True
        table = _table(ctx, result, source, period)
        data, _measure, _kind = analytics_charts.chart_data(result)
        if not data:
            items += [
                table,
                Message(
                    _("%(v)s: nothing to draw, every group is hidden or has no value.")
                    % {"v": result.variable.label}
                ),
            ]
            continue
        caption = f"{table.caption} ({name}, {ctx.year})"
        alt_text = _("Chart of %(v)s; the same numbers are in the table below.") % {
            "v": result.variable.label
        }
        items.append(Chart(caption, analytics_charts.svg(result), alt_text, table))
    return Block(spec["id"], "saved_analysis", title, items, sources)
