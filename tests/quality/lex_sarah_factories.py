"""Lex Sarah reports in a given state, built through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from insyn.quality.models import LexSarahReport
from insyn.quality.services import lex_sarah as ls
from insyn.quality.services import lex_sarah_intake as intake

S = LexSarahReport.State


def report(reporter: Any, unit: Any, **kwargs: Any) -> LexSarahReport:
    values: dict[str, Any] = {
        "kind": LexSarahReport.Kind.MALADMINISTRATION,
        "description": "Brukaren fick inte sin insats på tre dagar.",
        "occurred_on": timezone.localdate() - dt.timedelta(days=3),
        **kwargs,
    }
    return intake.lex_sarah_report(actor=reporter, unit=unit, **values)


def in_state(
    state: str,
    reporter: Any,
    unit: Any,
    officer: Any,
    *,
    serious: bool = False,
    notified: bool = False,
) -> LexSarahReport:
    """A report moved on to `state` by `officer` (assessed: serious or not)."""
    r = report(reporter, unit)
    if state == S.REPORTED:
        return r
    ls.lex_sarah_register(actor=officer, report=r)
    if state == S.REGISTERED:
        return r
    ls.lex_sarah_start_investigation(actor=officer, report=r)
    if state == S.INVESTIGATING:
        return r
    ls.lex_sarah_record_investigation(
        actor=officer,
        report=r,
        investigation_what="Insatsen uteblev.",
        investigation_why="Schemat saknade ersättare.",
        investigation_prevention="Rutin för ersättare vid frånvaro.",
        investigation_done_on=timezone.localdate(),
    )
    ls.lex_sarah_assess(
        actor=officer, report=r, serious=serious, seriousness_reasons="Bedömning enligt rutin."
    )
    if notified or (serious and state == S.CLOSED):
        ls.lex_sarah_notify_ivo(
            actor=officer,
            report=r,
            ivo_notified_on=timezone.localdate(),
            ivo_reference="3.5.1-1/2026",
        )
    if state == S.ASSESSED:
        return r
    ls.lex_sarah_close(actor=officer, report=r)
    return r


def deviation(reporter: Any, unit: Any, **kwargs: Any) -> Any:
    """A deviation as the deviations area stores it (its services live on another branch)."""
    from insyn.quality.models import Deviation, DeviationCategory

    values: dict[str, Any] = {
        "municipality": unit.municipality,
        "unit": unit,
        "reference": f"AV-{Deviation.objects.count() + 1:04d}",
        "reported_by": reporter,
        "reported_at": timezone.now(),
        "occurred_on": timezone.localdate() - dt.timedelta(days=2),
        "category": DeviationCategory.objects.order_by("sort_order").first(),
        "description": "Fel dos av medicin gavs till brukaren.",
        "immediate_measures": "Läkare kontaktades direkt.",
        **kwargs,
    }
    return Deviation.objects.create(**values)
