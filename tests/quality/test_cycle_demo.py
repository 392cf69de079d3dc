"""The annual-cycle demo: the default cycle for Växjö, this year's tasks, the past ones done
except one left overdue, a demo user responsible; nothing new the second time."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from insyn.quality import demo_cycle, digest_cycle
from insyn.quality.models import CycleActivity, CycleTask
from insyn.quality.services.cycle import default_cycle


def test_demo_cycle(db):
    call_command("demo", "--only", "organisations", stdout=StringIO())
    out = StringIO()
    demo_cycle.load(out)
    today = timezone.localdate()
    assert CycleActivity.objects.count() == len(default_cycle())
    assert all(a.municipality.code == "0780" for a in CycleActivity.objects.all())
    tasks = CycleTask.objects.filter(year=today.year)
    assert tasks.exists()
    overdue = tasks.filter(status__in=CycleTask.OPEN_STATUSES, due_on__lt=today)
    if today > today.replace(month=2, day=15):
        assert overdue.count() == 1
        assert tasks.filter(status="done").count() == tasks.filter(due_on__lt=today).count() - 1
    kvalitet = CycleActivity.objects.get(code="kvalitetsberattelse").responsible
    assert kvalitet is not None and kvalitet.username == "kvalitet"
    assert tasks.filter(responsible=kvalitet).exists()
    assert "kvalitet" in {u.username for u in digest_cycle.cycle_lines(today)}
    before = (CycleActivity.objects.count(), CycleTask.objects.count())
    again = StringIO()
    demo_cycle.load(again)
    assert "0 activities created" in again.getvalue() and "0 tasks" in again.getvalue()
    assert (CycleActivity.objects.count(), CycleTask.objects.count()) == before
