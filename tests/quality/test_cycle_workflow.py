"""A task's status through the workflow table: every allowed pair works, every other pair is
refused with a message and nothing written; the responsible person may move their own task,
nobody else outside the unit may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from insyn.quality.models import CycleTask
from insyn.quality.services import cycle as services
from tests.quality import cycle_factories as f

pytestmark = pytest.mark.usefixtures("english")

ALLOWED = {
    ("planned", "start"): "ongoing",
    ("planned", "complete"): "done",
    ("planned", "cancel"): "cancelled",
    ("ongoing", "complete"): "done",
    ("ongoing", "cancel"): "cancelled",
    ("done", "reopen"): "ongoing",
    ("cancelled", "reopen"): "ongoing",
}
STATES = ["planned", "ongoing", "done", "cancelled"]
STEPS = ["start", "complete", "cancel", "reopen"]


def test_the_table_is_what_the_brief_says():
    assert {
        (s, a): services.TASK_FLOW.transitions[a].target for s, a in services.TASK_FLOW.pairs()
    } == ALLOWED


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("step", STEPS)
def test_every_pair(tree, state, step):
    f.activity(tree.aov, month=1, day=10)
    (task,) = f.tasks(timezone.localdate().year)
    CycleTask.objects.filter(pk=task.pk).update(
        status=state, done_on=task.due_on if state == "done" else None
    )
    task.refresh_from_db()
    before = (task.version, ChangeEntry.objects.count())
    if (state, step) in ALLOWED:
        services.task_transition(actor=None, task=task, action=step, done_on=None)
        task.refresh_from_db()
        assert task.status == ALLOWED[(state, step)]
        assert (task.done_on is not None) == (task.status == "done")
        assert ChangeEntry.objects.filter(object_type="quality.cycletask", action=step).exists()
    else:
        with pytest.raises(ValidationError) as exc:
            services.task_transition(actor=None, task=task, action=step)
        assert "cannot be done now" in exc.value.messages[0]
        task.refresh_from_db()
        assert task.status == state and (task.version, ChangeEntry.objects.count()) == before


def test_done_date_defaults_to_today_and_never_future(tree):
    f.activity(tree.aov, frequency="monthly", day=1)
    a, b = f.tasks(timezone.localdate().year)[:2]
    services.task_transition(actor=None, task=a, action="complete")
    assert a.done_on == timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.task_transition(
            actor=None,
            task=b,
            action="complete",
            done_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "done_on" in exc.value.message_dict
    b.refresh_from_db()
    assert b.status == "planned"


def test_responsible_person_may_move_and_note_their_task(tree, staff):
    f.activity(tree.vux_unit, responsible=staff.case_worker)
    (task,) = f.tasks(2026)
    services.task_transition(actor=staff.case_worker, task=task, action="start", note="Påbörjad")
    assert task.status == "ongoing" and task.note == "Påbörjad"
    services.task_update(actor=staff.case_worker, task=task, note="Utkast klart")
    # but not the handler's fields
    with pytest.raises(Http404):
        services.task_update(actor=staff.case_worker, task=task, due_on=dt.date(2026, 4, 1))
    # someone else in another unit may not touch it
    with pytest.raises(Http404):
        services.task_transition(actor=staff.other_case_worker, task=task, action="complete")
    task.refresh_from_db()
    assert task.status == "ongoing" and task.note == "Utkast klart"


def test_handler_changes_responsible_and_due_date(tree, staff):
    f.activity(tree.vux_unit)
    (task,) = f.tasks(2026)
    services.task_update(
        actor=staff.unit_manager,
        task=task,
        responsible=staff.case_worker,
        due_on=dt.date(2026, 3, 20),
    )
    task.refresh_from_db()
    assert task.responsible == staff.case_worker and task.due_on == dt.date(2026, 3, 20)
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=staff.unit_manager, task=task, due_on=dt.date(2027, 1, 1))
    assert "due_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=staff.unit_manager, task=task, responsible=staff.kalmar_admin)
    assert "responsible" in exc.value.message_dict


def test_stale_version_is_refused(tree):
    f.activity(tree.aov)
    (task,) = f.tasks(2026)
    services.task_update(actor=None, task=task, note="Första")
    with pytest.raises(VersionConflict):
        services.task_update(actor=None, task=task, note="Andra", expected_version=1)
    task.refresh_from_db()
    assert task.note == "Första"
