"""`insyn demo`: Växjö's work with Open Comparisons, through the real services.

- “ÖJ 2026 Missbruks- och beroendevården”: worked through to a decided action plan (data
  check, reception with press answers, results of the substance-abuse user assessments and
  re-actualisation, quick analyses, the matrix, a deep analysis, a proposal that became an
  action plan in quality management, the A3 summary);
- “ÖJ 2026 Barn och unga”: results just received, waiting for the quick analysis (what the
  browser test walks through).

The values are synthetic (the shipped Kolada copy holds none for these KPIs) and say so; they
are never labelled “Källa: Kolada”. Idempotent: a publication whose title exists is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.indicators.models import Indicator, OjPublication, OjResult
from insyn.indicators.services import oj as services
from insyn.indicators.services import oj_steps as steps
from insyn.organisations.demo import unit as demo_unit

UNIT = "AOV"
LEAD = "kvalitet"
ABUSE = "ÖJ 2026 Missbruks- och beroendevården"
CHILDREN = "ÖJ 2026 Barn och unga"
SOURCE = "Syntetiska demovärden (inte från Kolada)"

# indicator key, value, colour as published
ABUSE_RESULTS = [
    ("U35538", 71.0, "yellow"),
    ("U35539", 52.0, "red"),
    ("U35540", 83.0, "green"),
    ("U35541", 55.0, "red"),
    ("U35542", 58.0, "red"),
    ("U35543", 74.0, "yellow"),
    ("U35544", 61.0, "yellow"),
    ("reaktualisering_vuxna_missbruk", 62.0, "red"),
]
CHILDREN_RESULTS = [
    ("U33575", 64.0, "red"),
    ("U33576", 58.0, "red"),
    ("reaktualisering_unga_13_20", 71.0, "red"),
    ("U33581", 80.0, "green"),
]
# quick analysis of the negative results: important, reliable, ongoing work, comment
QUICK = {
    "U35539": ("yes", "yes", "no", "Stämmer med synpunkter från brukarrådet."),
    "U35541": ("yes", "unsure", "no", "Få svarande (n = 34)."),
    "U35542": ("unsure", "yes", "yes", "Delaktighet ingår i pågående MI-satsning."),
    "reaktualisering_vuxna_missbruk": (
        "yes",
        "yes",
        "no",
        "Sämre än liknande kommuner tre år i rad.",
    ),
}


def _days(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _results(lead: User, publication: OjPublication, rows: list[tuple[str, float, str]]) -> None:
    known = {i.key: i for i in Indicator.objects.filter(key__in=[r[0] for r in rows])}
    for key, value, colour in rows:
        if key in known:
            steps.result_add(
                actor=lead,
                publication=publication,
                indicator=known[key],
                value=value,
                colour=colour,
                source=SOURCE,
            )


def _check(lead: User, publication: OjPublication, area: str, on: dt.date, collector: str) -> None:
    steps.data_check_add(
        actor=lead,
        publication=publication,
        area=area,
        collection_clear="yes",
        collector=collector,
        all_units_included="no",
        shared_understanding="unsure",
        comment="Öppenvården räknade inte in anhörigstödet; tolkningen av ”aktuell” skiljer sig.",
        checked_on=on,
    )


@transaction.atomic
def _abuse(lead: User) -> None:
    pub = services.publication_create(
        actor=lead, unit=demo_unit(UNIT), title=ABUSE, year=2026, area="Missbruks- och beroendevård"
    )
    _check(lead, pub, "Missbruksvård", _days(120), "Enhetschef vuxen/missbruk")
    services.publication_update(
        actor=lead,
        publication=pub,
        receivers="Ledningsgruppen IFO och kommunikatören",
        press_answers=(
            "Vi ser att färre brukare än i liknande kommuner upplever att de får tydlig "
            "information. Vi analyserar nu orsakerna och återkommer med en handlingsplan."
        ),
    )
    services.publication_transition(actor=lead, publication=pub, action="receive", on=_days(90))
    _results(lead, pub, ABUSE_RESULTS)
    for result in pub.results.filter(negative=True).select_related("indicator"):
        important, reliable, ongoing, comment = QUICK.get(
            result.indicator.key, ("unsure", "unsure", "no", "")
        )
        steps.quick_analysis_save(
            actor=lead,
            result=result,
            important=important,
            reliable=reliable,
            ongoing_work=ongoing,
            comment=comment,
            analysed_on=_days(85),
        )
    services.publication_transition(
        actor=lead, publication=pub, action="finish_quick_analysis", on=_days(80)
    )
    matrix = {
        "U35539": {
            "priority": 1,
            "goal_relation": "Nämndmål: alla ska få begriplig information om sitt ärende.",
            "ongoing_efforts": "Inga.",
            "deficit_cost": "high",
            "change_cost": "low",
            "inhabitants": "medium",
            "decision": "Fördjupad analys under hösten.",
        },
        "reaktualisering_vuxna_missbruk": {
            "priority": 2,
            "goal_relation": "Nämndmål: hållbara resultat av insatser.",
            "ongoing_efforts": "Uppföljning med ASI påbörjad.",
            "deficit_cost": "high",
            "change_cost": "high",
            "inhabitants": "low",
            "decision": "Analyseras när ASI-uppföljningen har ett år av data.",
        },
        "U35541": {"priority": 3, "deficit_cost": "medium", "change_cost": "low"},
    }
    rows = {}
    for row in pub.results.filter(priority__isnull=False).select_related("indicator", "priority"):
        if row.indicator.key in matrix:
            rows[row.priority.pk] = matrix[row.indicator.key]
    steps.matrix_save(actor=lead, publication=pub, rows=rows)
    services.publication_transition(actor=lead, publication=pub, action="prioritise", on=_days(70))
    info = OjResult.objects.get(publication=pub, indicator__key="U35539")
    deep = steps.deep_analysis_save(
        actor=lead,
        result=info,
        current_state=(
            "52 % av brukarna anser att de fått tydlig information (liknande kommuner 68 %)."
        ),
        root_causes=(
            "Ingen gemensam rutin för information vid första besöket; skriftlig information "
            "finns bara på svenska; handläggarna har olika arbetssätt."
        ),
        influence="high",
        improvement_area="Information vid första besöket",
        priority=1,
        decision="Ledningsgruppen beslutar att ta fram ett förbättringsförslag.",
        analysed_on=_days(50),
    )
    services.publication_transition(
        actor=lead, publication=pub, action="finish_deep_analysis", on=_days(45)
    )
    proposal = steps.proposal_add(
        actor=lead,
        publication=pub,
        title="Gemensam rutin för information vid första besöket",
        description=(
            "En rutin och en checklista för första besöket, skriftlig information på lätt "
            "svenska och de vanligaste språken, och en kort utbildning för handläggarna."
        ),
        deep_analysis=deep,
        follow_up_on=timezone.localdate() + dt.timedelta(days=120),
    )
    steps.proposal_decide(
        actor=lead,
        proposal=proposal,
        owner=User.objects.get(username="enhetschef"),
        goal="Minst 70 % av brukarna anser att de fått tydlig information i ÖJ 2027.",
        decided_on=_days(30),
    )
    services.publication_transition(
        actor=lead, publication=pub, action="decide_actions", on=_days(30)
    )
    services.publication_update(
        actor=lead,
        publication=pub,
        follow_up_on=timezone.localdate() + dt.timedelta(days=120),
        a3_current_state=deep.current_state,
        a3_target_state="Minst 70 % anser att de fått tydlig information (ÖJ 2027).",
        a3_causes=deep.root_causes,
        a3_actions=(
            "Rutin och checklista för första besöket; skriftlig information på lätt svenska "
            "och fem språk; utbildning för handläggarna."
        ),
        a3_follow_up="Stickprov i tio ärenden per kvartal; brukarenkäten hösten 2027.",
    )


@transaction.atomic
def _children(lead: User) -> None:
    pub = services.publication_create(
        actor=lead, unit=demo_unit(UNIT), title=CHILDREN, year=2026, area="Barn och unga"
    )
    _check(lead, pub, "Barn och unga", _days(40), "Enhetschef barn och familj")
    services.publication_transition(actor=lead, publication=pub, action="receive", on=_days(10))
    _results(lead, pub, CHILDREN_RESULTS)


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    lead = User.objects.filter(username=LEAD).first()
    if lead is None:
        stdout.write("Open Comparisons: no demo quality lead, skipped\n")
        return []
    for title, build in ((ABUSE, _abuse), (CHILDREN, _children)):
        if OjPublication.objects.filter(title=title).exists():
            continue
        build(lead)
    stdout.write(
        f"Open Comparisons: {OjPublication.objects.count()} publication(s) "
        f"(synthetic values, not Kolada)\n"
    )
    return []
