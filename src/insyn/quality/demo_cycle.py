"""`insyn demo`: the annual cycle for Växjö through the real services: the default cycle
installed on the social services administration, this year's tasks generated, the tasks due
before today marked done (except one, left overdue so the reminders and the dashboard have
something to show), and the quality lead ("kvalitet") responsible for the quality report, the
lex Sarah compilation and the Open Comparisons analysis. Idempotent."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.organisations.demo import unit as demo_unit
from insyn.quality.models import CycleActivity, CycleTask
from insyn.quality.services import cycle as services

ADMINISTRATION = "AOV"
RESPONSIBLE = {
    "kvalitetsberattelse": "kvalitet",
    "lex-sarah-sammanstallning": "kvalitet",
    "oppna-jamforelser": "kvalitet",
}
LEFT_OVERDUE = "lex-sarah-sammanstallning"


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    """Create the demo data; return extra demo logins (none: the existing users do this)."""
    try:
        unit = demo_unit(ADMINISTRATION)
    except Exception:  # the organisations step has not run
        stdout.write("Annual cycle: no Växjö administration, skipped.\n")
        return []
    created, there = services.install_default(actor=None, unit=unit)
    for code, username in RESPONSIBLE.items():
        activity = CycleActivity.objects.filter(municipality=unit.municipality, code=code).first()
        user = User.objects.filter(username=username, is_active=True).first()
        if activity is not None and user is not None and activity.responsible_id is None:
            services.activity_update(actor=None, activity=activity, responsible=user)
    today = timezone.localdate()
    made, _existing = services.generate_tasks(actor=None, year=today.year, unit=unit)
    done = 0
    past = CycleTask.objects.filter(
        activity__municipality=unit.municipality,
        year=today.year,
        due_on__lt=today,
        status=CycleTask.Status.PLANNED,
    ).select_related("activity")
    for task in past:
        if task.activity.code == LEFT_OVERDUE:
            continue
        services.task_transition(actor=None, task=task, action="complete", done_on=task.due_on)
        done += 1
    stdout.write(
        f"Annual cycle: {created} activities created, {there} already there; "
        f"{made} tasks for {today.year}, {done} marked done.\n"
    )
    return []
