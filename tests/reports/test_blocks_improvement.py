"""The action_plans and annual_cycle blocks: what was decided, done and what it gave; the
annual cycle's tasks planned and done. Counts are the ones the test made; a user sees only
their units; no client data from a plan's source reaches any format."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from insyn.quality.models import ActionPlan, CycleTask
from insyn.quality.services import action_plans as plan_services
from insyn.quality.services import cycle as cycle_services
from insyn.reports.document import Document, Message
from insyn.reports.renderers import render
from insyn.reports.services.build import resolve
from tests.clients import factories as cf
from tests.quality import action_plans_factories as af
from tests.quality import cycle_factories as yf
from tests.reports import factories as rf
from tests.reports.test_renderers import _docx_text, _pdf_text

CLIENT_REF = "KLIENT-4711"
PROBLEM = f"Klienten {CLIENT_REF} fick fel dos på boendet."
ACTIVITY = f"Gå igenom ordinationen för {CLIENT_REF}"


def _build(user: Any, unit: Any, year: int, *blocks: dict[str, Any]) -> Document:
    return resolve(rf.template(rf.chapter(*blocks)), user=user, unit=unit, year=year)


def _messages(doc: Document) -> list[str]:
    return [i.text for b in doc.blocks() for i in b.items if isinstance(i, Message)]


@pytest.fixture
def plans(tree, staff, catalogues):
    """A plan from a deviation about a client, done and followed up this year (VUX); a plan
    from a complaint with an item due after the year (BOF)."""
    lead = staff.quality_lead
    client = cf.client(tree.vux_unit, client_ref=CLIENT_REF)
    deviation = af.deviation(tree.vux_unit, lead)
    deviation.client = client
    deviation.save(update_fields=["client"])
    done = af.plan(
        tree.vux_unit,
        lead,
        title="Säkrare läkemedelshantering",
        problem=PROBLEM,
        deviation=deviation,
    )
    first = af.item(done, lead, activity=ACTIVITY)
    second = af.item(done, lead, activity="Utbilda personalen")
    cancelled = af.item(done, lead, activity="Köp nytt skåp")
    for item in (first, second):
        plan_services.action_item_transition(
            actor=lead, item=item, action="complete", result=f"Klart för {CLIENT_REF}"
        )
    plan_services.action_item_transition(
        actor=lead, item=cancelled, action="cancel", result="Behövs inte"
    )
    done.refresh_from_db()
    plan_services.action_plan_follow_up(
        actor=lead,
        plan=done,
        followed_up_on=timezone.localdate(),
        outcome=ActionPlan.Outcome.EFFECTIVE,
        outcome_text="Inga fel doser sedan åtgärderna.",
    )
    still_open = af.plan(
        tree.bof_unit, lead, title="Snabbare återkoppling", complaint=af.complaint(tree.bof_unit)
    )
    due = af.item(still_open, lead, due_in=400)  # due after the year
    af.item(still_open, lead, due_in=500)
    return {"done": done, "open": still_open, "due": due.due_on, "client": client}


def test_measures_taken_this_year(tree, staff, plans):
    year = timezone.localdate().year
    doc = _build(
        staff.quality_lead, tree.aov, year, {"id": "a", "kind": "action_plans", "show": "done"}
    )
    table = doc.tables()[0]
    assert len(table.rows) == 1
    row = table.rows[0]
    assert row[0].text == "Säkrare läkemedelshantering"
    assert row[1].text == "Avvikelse"
    assert row[2].text == timezone.localtime(plans["done"].created_at).date().isoformat()
    assert row[3].value == 2 and row[3].text == "2 av 2"  # the cancelled item is not counted
    assert row[5].text == "Det gav effekt"
    assert row[6].text == "Inga fel doser sedan åtgärderna."
    assert table.source and table.period == f"{year}-01-01 – {year}-12-31"


def test_development_areas_are_the_plans_open_at_year_end(tree, staff, plans):
    year = timezone.localdate().year
    doc = _build(
        staff.quality_lead, tree.aov, year, {"id": "a", "kind": "action_plans", "show": "open"}
    )
    (row,) = doc.tables()[0].rows
    assert row[0].text == "Snabbare återkoppling"
    assert row[1].text == "Klagomål"
    assert row[3].value == 0 and row[3].text == "0 av 2"
    assert row[5].text == plans["due"].isoformat()


def test_a_user_sees_only_the_plans_of_their_units(tree, staff, plans):
    year = timezone.localdate().year
    block = {"id": "a", "kind": "action_plans", "show": "all"}
    lead = _build(staff.quality_lead, tree.aov, year, block)
    assert {r[0].text for r in lead.tables()[0].rows} == {
        "Säkrare läkemedelshantering",
        "Snabbare återkoppling",
    }
    manager = _build(staff.unit_manager, tree.aov, year, block)  # VUX only
    assert {r[0].text for r in manager.tables()[0].rows} == {"Säkrare läkemedelshantering"}
    outsider = _build(staff.kalmar_admin, tree.aov, year, block)
    assert not outsider.tables() and _messages(outsider)


def test_no_client_data_from_the_source_reaches_any_format(tree, staff, plans):
    year = timezone.localdate().year
    doc = _build(
        staff.quality_lead, tree.aov, year, {"id": "a", "kind": "action_plans", "show": "all"}
    )
    deviation = plans["done"].deviation
    secrets = [CLIENT_REF, deviation.reference, deviation.description, PROBLEM, "Utbilda"]
    html = re.sub(r"<[^>]+>", "", render(doc, "html").decode())
    pdf = " ".join(_pdf_text(render(doc, "pdf")).split())
    docx = _docx_text(render(doc, "docx"))
    for text in (html, pdf, docx, str(doc.to_data())):
        assert "Säkrare läkemedelshantering" in text
        for secret in secrets:
            assert secret not in text


def test_a_year_without_plans_says_so(tree, staff, plans):
    doc = _build(
        staff.quality_lead,
        tree.aov,
        2019,
        {"id": "a", "kind": "action_plans", "show": "done"},
        {"id": "b", "kind": "action_plans", "show": "open"},
        {"id": "c", "kind": "action_plans", "show": "sometimes"},
    )
    assert not doc.tables()
    messages = _messages(doc)
    assert len(messages) == 3 and all(m for m in messages)
    assert "sometimes" in messages[2]


@pytest.fixture
def cycle(tree, staff):
    """Last year's cycle: a quarterly activity of AOV (two done, one late, one cancelled, one
    left), a yearly one of BOF done on time, a yearly one of VUX left planned."""
    year = timezone.localdate().year - 1
    lead = staff.quality_lead
    quarterly = yf.activity(
        tree.aov,
        title="Brukarundersökning",
        frequency="quarterly",
        month=1,
        reported_to="committee",
        sort_order=1,
    )
    yearly = yf.activity(
        tree.bof_unit, title="Egenkontroll BoF", reported_to="management", sort_order=2
    )
    yf.activity(tree.vux_unit, title="Riskanalys VUX", reported_to="staff", sort_order=3)
    yf.tasks(year)
    q_tasks = list(CycleTask.objects.filter(activity=quarterly).order_by("due_on"))
    assert len(q_tasks) == 4
    cycle_services.task_transition(
        actor=lead, task=q_tasks[0], action="complete", done_on=q_tasks[0].due_on
    )
    cycle_services.task_transition(
        actor=lead,
        task=q_tasks[1],
        action="complete",
        done_on=q_tasks[1].due_on + dt.timedelta(days=10),
    )
    cycle_services.task_transition(actor=lead, task=q_tasks[2], action="cancel")
    y_task = CycleTask.objects.get(activity=yearly)
    cycle_services.task_transition(
        actor=lead, task=y_task, action="complete", done_on=y_task.due_on - dt.timedelta(days=1)
    )
    return year


def test_annual_cycle_planned_done_and_on_time_per_activity(tree, staff, cycle):
    doc = _build(staff.quality_lead, tree.aov, cycle, {"id": "c", "kind": "annual_cycle"})
    table = doc.tables()[0]
    got = {r[0].text: (r[1].text, [c.value for c in r[2:]]) for r in table.rows}
    assert got["Brukarundersökning"] == ("Nämnden", [3, 2, 1])
    assert got["Egenkontroll BoF"][1] == [1, 1, 1]
    assert got["Riskanalys VUX"][1] == [1, 0, 0]
    assert got["Totalt"][1] == [5, 3, 2]
    assert table.period == f"{cycle}-01-01 – {cycle}-12-31"


def test_annual_cycle_only_for_the_users_units_and_year(tree, staff, cycle):
    manager = _build(staff.unit_manager, tree.aov, cycle, {"id": "c", "kind": "annual_cycle"})
    names = {r[0].text for r in manager.tables()[0].rows}
    assert names == {"Riskanalys VUX", "Totalt"}
    empty = _build(staff.quality_lead, tree.aov, cycle - 3, {"id": "c", "kind": "annual_cycle"})
    assert not empty.tables() and str(cycle - 3) in _messages(empty)[0]
