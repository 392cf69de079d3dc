"""The provider catalogue (kundvalskatalog / utförarkatalog, Nacka's quality plan): an overview
table of the providers that carried out interventions for the municipality's clients in the
year, then per provider a short text and a small table of its quality results. The figures come
suppressed from `provider_figures`; here they are only put into document items, so a hidden
figure is never printed in any format."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from insyn.analytics.presentation import fmt_share
from insyn.reports.blocks import BuildContext, figures, register
from insyn.reports.blocks.provider_figures import Catalogue, ProviderLine, catalogue
from insyn.reports.document import Block, Cell, Item, Message, Paragraph, Run, Table
from insyn.reports.spec import text

KIND = "provider_catalogue"


def _count(ctx: BuildContext, value: int | None) -> Cell:
    if value is None:
        return Cell(figures.hidden_text(ctx), None, suppressed=True)
    return Cell(figures.number(value), value)


def _share(ctx: BuildContext, value: float | None, suppressed: bool) -> Cell:
    if suppressed or value is None:
        return Cell(figures.hidden_text(ctx), None, suppressed=True)
    return Cell(fmt_share(value), round(value, 4))


def _types(line: ProviderLine) -> str:
    return ", ".join(line.types) or "–"


def _overview(ctx: BuildContext, cat: Catalogue, source: str, period: str) -> Table:
    rows = [
        [
            Cell(line.name, header=True),
            Cell(line.kind),
            Cell(_types(line)),
            _count(ctx, line.interventions),
        ]
        for line in cat.providers
    ]
    rows.append(
        [
            Cell(_("All providers"), header=True),
            Cell(""),
            Cell(""),
            _count(ctx, cat.total),
        ]
    )
    return Table(
        caption=_("Providers and interventions %(year)s") % {"year": ctx.year},
        columns=[_("Provider"), _("Kind"), _("Intervention types"), _("Interventions")],
        rows=rows,
        source=source,
        period=period,
        notes=[
            _("Interventions that ran some time in the year for the municipality's clients.")
            + " "
            + _("Hidden: fewer than %(n)s persons.") % {"n": figures._min_cell()},
        ],
    )


def _describe(ctx: BuildContext, line: ProviderLine) -> Paragraph:
    parts = [
        _("Run by the municipality.") if line.own else _("An external provider."),
        _("Intervention types: %(types)s.") % {"types": _types(line)},
    ]
    if line.suppressed:
        parts.append(
            _(
                "The number of interventions is hidden: fewer than %(n)s clients, or hidden so "
                "that another provider's small number cannot be worked out from the total."
            )
            % {"n": figures._min_cell()}
        )
    elif line.interventions:
        parts.append(
            _("%(n)s interventions for the municipality's clients in %(year)s.")
            % {"n": figures.number(line.interventions), "year": ctx.year}
        )
    else:
        parts.append(
            _("No interventions for the municipality's clients in %(year)s.") % {"year": ctx.year}
        )
    return Paragraph("p", [Run(" ".join(parts))])


def _results(ctx: BuildContext, line: ProviderLine, period: str) -> Table | None:
    if not line.results:
        return None
    rows = [
        [
            Cell(
                (_("User survey") if r.kind == "survey" else _("Follow-up")) + ": " + r.label,
                header=True,
            ),
            _count(ctx, None if r.suppressed else r.n),
            _share(ctx, r.share, r.suppressed),
        ]
        for r in line.results
    ]
    if all(row[1].suppressed and row[2].suppressed for row in rows):
        return None
    return Table(
        caption=_("Quality results: %(name)s") % {"name": line.name},
        columns=[_("Result"), _("Basis"), _("Share")],
        rows=rows,
        source="; ".join(sorted({r.source for r in line.results})),
        period=period,
        notes=[
            *_explained(line),
            _("Hidden: fewer than %(n)s persons.") % {"n": figures._min_cell()},
        ],
    )


def _explained(line: ProviderLine) -> list[str]:
    """What the shares mean, for the kinds of result the table has."""
    kinds = {r.kind for r in line.results}
    notes = []
    if "survey" in kinds:
        notes.append(
            _(
                "User survey: share answering 4–5 on the five-point scale, or yes; basis the "
                "answers."
            )
        )
    if "followup" in kinds:
        notes.append(
            _(
                "Follow-up: share improved between the measurements before and after the "
                "intervention; basis the clients measured both times."
            )
        )
    return notes


@register(KIND)
def provider_catalogue(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    title = text(spec.get("title"), ctx.language)
    years = max(1, min(int(spec.get("followup_years", 3) or 3), 10))
    cat = catalogue(ctx, followup_years=years)
    if not cat.providers:
        none = _(
            "No provider carried out interventions for the municipality's clients in %(year)s."
        )
        return Block(spec["id"], KIND, title, [Message(none % {"year": ctx.year})])
    source = _("insyn: interventions registered for the municipality's clients")
    period = f"{ctx.year}-01-01 – {ctx.year}-12-31"
    items: list[Item] = [_overview(ctx, cat, source, period)]
    for line in cat.providers:
        items.append(Paragraph("h4", [Run(line.name)]))
        items.append(_describe(ctx, line))
        table = _results(ctx, line, period)
        if table is not None:
            items.append(table)
        else:
            items.append(
                Paragraph(
                    "p",
                    [
                        Run(
                            _("No user-survey or follow-up results that can be shown for %(year)s.")
                            % {"year": ctx.year},
                            italic=True,
                        )
                    ],
                )
            )
    return Block(spec["id"], KIND, title, items, sorted({source, *cat.sources}))
