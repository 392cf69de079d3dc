"""The annual cycle in the daily quality digest: tasks due within 14 days and overdue ones
remind their responsible person, or the quality leads of the unit when no one is named;
done and cancelled tasks, and later ones, do not. Lines name the activity and the date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from insyn.quality import digest, digest_cycle
from insyn.quality.models import CycleTask
from insyn.quality.services import cycle as services
from tests.quality import cycle_factories as f

pytestmark = pytest.mark.usefixtures("english")

TODAY = dt.date(2026, 5, 10)


def _task(tree, responsible, due: dt.date, **kwargs) -> CycleTask:
    a = f.activity(tree.vux_unit, month=due.month, day=due.day, responsible=responsible, **kwargs)
    services.generate_tasks(actor=None, year=due.year)
    return CycleTask.objects.get(activity=a)


def test_section_is_registered():
    assert "cycle" in {s.key for s in digest.digest_sections()}
    assert digest_cycle.DUE_SOON_DAYS == 14


def test_due_soon_and_overdue_remind_the_responsible(tree, staff):
    soon = _task(tree, staff.case_worker, TODAY + dt.timedelta(days=14), title="Statistik")
    late = _task(tree, staff.case_worker, TODAY - dt.timedelta(days=3), title="Bokslut")
    _task(tree, staff.case_worker, TODAY + dt.timedelta(days=15), title="Senare")
    done = _task(tree, staff.case_worker, TODAY - dt.timedelta(days=20), title="Gjord")
    services.task_transition(actor=None, task=done, action="complete", done_on=done.due_on)
    cancelled = _task(tree, staff.case_worker, TODAY + dt.timedelta(days=2), title="Struken")
    services.task_transition(actor=None, task=cancelled, action="cancel")
    lines = digest_cycle.cycle_lines(TODAY)
    assert set(lines) == {staff.case_worker}
    got = {(line.text, line.overdue, line.path) for line in lines[staff.case_worker]}
    assert got == {
        (f"Statistik: due {soon.due_on}", False, reverse("quality:cycle_task", args=[soon.pk])),
        (f"Bokslut: was due {late.due_on}", True, reverse("quality:cycle_task", args=[late.pk])),
    }


def test_without_a_person_the_quality_leads_are_reminded(tree, staff):
    _task(tree, None, TODAY + dt.timedelta(days=1), title="Kvalitetsberättelse")
    lines = digest_cycle.cycle_lines(TODAY)
    # the quality lead of the administration above the unit; not the unit manager
    assert set(lines) == {staff.quality_lead}


def test_inactive_activity_stops_reminding(tree, staff):
    task = _task(tree, staff.case_worker, TODAY, title="Paus")
    services.activity_update(actor=None, activity=task.activity, active=False)
    assert digest_cycle.cycle_lines(TODAY) == {}
