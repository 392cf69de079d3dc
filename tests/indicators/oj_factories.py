"""Factories for the Open Comparisons workflow: a publication walked to any step through the
real services."""

from __future__ import annotations

from typing import Any

from insyn.indicators.models import Indicator, OjPublication, OjResult
from insyn.indicators.services import oj as services
from insyn.indicators.services import oj_steps as steps

ORDER = [
    "data_check",
    "received",
    "quick_analysis",
    "prioritised",
    "deep_analysis",
    "actions",
    "followed_up",
    "communicated",
]


def indicator(key: str, title: str = "", type: str = "outcome", sort_order: int = 100) -> Indicator:
    ind, _ = Indicator.objects.get_or_create(
        key=key,
        defaults={
            "title": title or f"Indikator {key}",
            "source": Indicator.Source.MANUAL,
            "type": type,
            "sort_order": sort_order,
        },
    )
    return ind


def publication(
    unit: Any, actor: Any, *, to: str = "data_check", negatives: int = 3
) -> OjPublication:
    """A publication at step `to` (walked through every step before it)."""
    pub = services.publication_create(
        actor=actor,
        unit=unit,
        title="ÖJ 2026 Missbruks- och beroendevården",
        year=2026,
        area="Missbruk",
    )
    target = ORDER.index(to)
    if target >= 1:
        steps.data_check_add(
            actor=actor,
            publication=pub,
            area="Missbruksvård",
            collection_clear="yes",
            all_units_included="no",
            shared_understanding="unsure",
            collector="Enhetschef",
        )
        services.publication_transition(actor=actor, publication=pub, action="receive")
    if target >= 2:
        for i in range(negatives):
            steps.result_add(
                actor=actor,
                publication=pub,
                indicator=indicator(f"oj-neg-{i}", sort_order=i),
                value=40.0 + i,
                colour="red",
                source="Syntetiska testvärden",
            )
        steps.result_add(
            actor=actor,
            publication=pub,
            indicator=indicator("oj-pos"),
            value=90.0,
            colour="green",
            source="Syntetiska testvärden",
        )
        for r in pub.results.filter(negative=True):
            steps.quick_analysis_save(
                actor=actor, result=r, important="yes", reliable="yes", ongoing_work="no"
            )
        services.publication_transition(
            actor=actor, publication=pub, action="finish_quick_analysis"
        )
    if target >= 3:
        rows = {row.pk: {"priority": 1} for row in _matrix(pub)[:1]}
        steps.matrix_save(actor=actor, publication=pub, rows=rows)
        services.publication_transition(actor=actor, publication=pub, action="prioritise")
    if target >= 4:
        result = OjResult.objects.get(publication=pub, priority__priority=1)
        steps.deep_analysis_save(
            actor=actor,
            result=result,
            current_state="Få brukare svarar att de fått tydlig information.",
            root_causes="Ingen gemensam rutin för information vid första besöket.",
            influence="high",
            improvement_area="Information vid första besöket",
            priority=1,
        )
        services.publication_transition(actor=actor, publication=pub, action="finish_deep_analysis")
    if target >= 5:
        proposal = steps.proposal_add(
            actor=actor,
            publication=pub,
            title="Rutin för information vid första besöket",
            description="En skriftlig rutin och en broschyr.",
            deep_analysis=result.deep,
        )
        steps.proposal_decide(actor=actor, proposal=proposal, owner=actor)
        services.publication_transition(actor=actor, publication=pub, action="decide_actions")
    if target >= 6:
        services.publication_update(
            actor=actor, publication=pub, a3_results="Andelen steg till 70 %."
        )
        services.publication_transition(actor=actor, publication=pub, action="follow_up")
    if target >= 7:
        services.publication_update(
            actor=actor,
            publication=pub,
            a3_current_state="Nu",
            a3_target_state="Mål",
            a3_causes="Orsaker",
            a3_actions="Åtgärder",
        )
        services.publication_transition(actor=actor, publication=pub, action="communicate")
    pub.refresh_from_db()
    return pub


def _matrix(pub: OjPublication) -> list[Any]:
    from insyn.indicators.selectors import oj as selectors

    return selectors.matrix(pub)
