"""The individual report of a non-executed decision in the order IVO's e-service asks for it:
pseudonymous id, decision date, legal basis, intervention type, the part not executed, the
interruption date, the reason for the delay and its consequences, offers made and their
dates, interim interventions, then the execution (or resumption) date or the reason it ended.
One structure for the page, the printable list, CSV, XLSX, PDF, the CLI and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from insyn.clients.models import Decision
from insyn.core.roles import Action
from insyn.quality.models import NonExecutedDecision
from insyn.quality.selectors import non_executed as sel


def visible_decisions(user: Any, action: Action = Action.VIEW_INDIVIDUAL) -> QuerySet[Decision]:
    """Decisions under a reportable basis that `user` may read with `action`."""
    return sel.reportable_decisions(Decision.objects.restrict(user, action))


def visible_episodes(user: Any) -> QuerySet[NonExecutedDecision]:
    return NonExecutedDecision.objects.restrict(user, Action.VIEW_INDIVIDUAL).select_related(
        "decision__legal_basis",
        "decision__intervention_type",
        "decision__case__client",
        "decision__case__unit",
    )


def municipality_decisions(municipality: Any, user: Any = None) -> QuerySet[Decision]:
    qs = Decision.objects.filter(case__municipality=municipality)
    if user is not None:
        qs = qs.restrict(user, Action.VIEW_INDIVIDUAL)
    return sel.reportable_decisions(qs)


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _num(value: Any) -> str:
    return f"{value:g}" if value is not None else ""


@dataclass(frozen=True)
class ReportRow:
    """One line of the IVO list (computed episode + what a person added)."""

    episode: sel.Episode
    row: NonExecutedDecision | None
    pseudonym: str
    quarter: str

    @property
    def decision(self) -> Decision:
        return self.episode.decision

    @property
    def not_executed_part(self) -> str:
        if self.row is not None and self.row.not_executed_part:
            return self.row.not_executed_part
        d = self.decision
        if self.episode.kind == sel.Kind.PARTLY and d.granted_extent is not None:
            return _("%(done)s of %(granted)s %(unit)s executed") % {
                "done": _num(d.executed_extent),
                "granted": _num(d.granted_extent),
                "unit": d.get_extent_unit_display(),
            }
        return ""

    @property
    def offers(self) -> str:
        if self.row is None:
            return ""
        return "; ".join(
            f"{o.offered_on.isoformat()}: {o.description}"
            + (f" ({_('declined')})" if o.declined else "")
            for o in self.row.offers.all()
        )

    @property
    def reported_on(self) -> dt.date | None:
        if self.row is None:
            return None
        return next(
            (r.reported_on for r in self.row.reports.all() if r.quarter == self.quarter), None
        )

    def values(self) -> list[tuple[str, str]]:
        e, d, r = self.episode, self.decision, self.row
        sex = {"K": _("Woman"), "M": _("Man")}.get(d.case.client.sex, _("Not stated"))
        executed = e.resolved_on if e.resolution in ("executed", "resumed") else None
        ended = e.resolved_on if e.resolution == "ended" else None
        return [
            (_("Pseudonymous id (IVO)"), self.pseudonym),
            (_("Sex"), sex),
            (_("Decision date"), _d(d.decided_on)),
            (_("Legal basis"), str(d.legal_basis.label)),
            (_("Intervention type"), str(d.intervention_type.label)),
            (_("Kind"), e.kind_label),
            (_("Unit"), d.case.unit.name),
            (_("Days (to execution or the quarter's end)"), str(e.days)),
            (_("The part not executed"), self.not_executed_part),
            (_("Interruption date"), _d(e.clock_from if e.kind == sel.Kind.INTERRUPTED else None)),
            (_("Reason for the delay"), r.reason_for_delay if r else ""),
            (_("Consequences for the client"), r.consequences if r else ""),
            (_("Offers and their dates"), self.offers),
            (_("Interim interventions"), r.interim_interventions if r else ""),
            (_("Executed / resumed on"), _d(executed)),
            (_("Ended without execution on"), _d(ended)),
            (_("Why it ended"), e.end_reason),
            (_("Reported to IVO on"), _d(self.reported_on)),
        ]


def header() -> list[str]:
    """The column names, in the order of ReportRow.values()."""
    return [
        _("Pseudonymous id (IVO)"),
        _("Sex"),
        _("Decision date"),
        _("Legal basis"),
        _("Intervention type"),
        _("Kind"),
        _("Unit"),
        _("Days (to execution or the quarter's end)"),
        _("The part not executed"),
        _("Interruption date"),
        _("Reason for the delay"),
        _("Consequences for the client"),
        _("Offers and their dates"),
        _("Interim interventions"),
        _("Executed / resumed on"),
        _("Ended without execution on"),
        _("Why it ended"),
        _("Reported to IVO on"),
    ]


def report_rows(found: Iterable[sel.Episode], quarter: sel.Quarter | None) -> list[ReportRow]:
    """Rows for computed episodes, with their stored texts; pseudonyms allocated as needed."""
    from insyn.quality.services.non_executed import pseudonyms_for

    found = list(found)
    stored = sel.stored_episodes(found)
    codes = pseudonyms_for([e.decision.case.client for e in found])
    label = quarter.label if quarter else ""
    return [ReportRow(e, stored.get(e.key), codes[e.decision.case.client_id], label) for e in found]


def row_for(episode: NonExecutedDecision, as_of: dt.date) -> ReportRow:
    """The report of one stored episode as of `as_of` (today on its page)."""
    from insyn.quality.services.non_executed import pseudonym_for

    computed = next(
        (
            e
            for e in sel.decision_episodes(episode.decision, as_of)
            if e.kind == episode.kind and e.clock_from == episode.clock_from
        ),
        None,
    )
    if computed is None:  # the decision's dates changed since: show the stored clock
        computed = sel.Episode(
            episode.decision, episode.kind, episode.clock_from, as_of, episode.resolved_on, ""
        )
    return ReportRow(
        computed, episode, pseudonym_for(episode.decision.case.client), sel.quarter_of(as_of).label
    )
