"""The quality demo's previous year: action plans decided then from a deviation, a complaint
and a lex Sarah report, items done and plans followed up in that year, some still open on
31 December; the annual cycle's tasks of that year mostly done, a few late, one not done.
Nothing new the second time."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from insyn.quality import demo_cycle, demo_last_year
from insyn.quality.models import ActionItem, ActionPlan, CycleTask
from insyn.quality.selectors.stats import quality_year_stats


def _load() -> None:
    call_command("demo", "--only", "organisations", stdout=StringIO())
    demo_cycle.load(StringIO())
    demo_last_year.load(StringIO())


def test_last_year_has_plans_done_followed_up_and_open(db):
    _load()
    year = timezone.localdate().year - 1
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    decided = ActionPlan.objects.filter(created_at__year=year)
    assert decided.count() == 4
    assert decided.filter(deviation__isnull=False).exists()
    assert decided.filter(complaint__isnull=False).exists()
    assert decided.filter(lex_sarah_report__isnull=False).exists()
    # every source came in before its plan was decided
    for plan in decided.exclude(deviation=None):
        assert plan.deviation.reported_at < plan.created_at
    for plan in decided.exclude(complaint=None):
        assert plan.complaint.received_on < timezone.localtime(plan.created_at).date()
    # measures taken: a plan with an item done in the year and followed up in it, with outcome
    done_in_year = ActionItem.objects.filter(
        status=ActionItem.Status.DONE, done_on__gte=first, done_on__lte=last
    )
    followed = decided.filter(followed_up_on__year=year, items__in=done_in_year).distinct()
    assert followed.count() == 2
    assert all(p.outcome and p.outcome_text for p in followed)
    # one item was done after its due date
    assert done_in_year.filter(done_on__gt=F("due_on")).exists()
    # development areas: decided in the year, not followed up by its end
    still_open = decided.filter(Q(followed_up_on__isnull=True) | Q(followed_up_on__gt=last))
    assert still_open.count() == 2
    # the yearly statistics see the done items of that year
    vaxjo = decided.first().municipality
    stats = quality_year_stats(municipality=vaxjo, year=year)
    section = stats.section("action_items")
    assert section is not None
    assert section.value("done") == done_in_year.count() >= 5
    # this year's plans are not the demo's business here: none decided now
    assert not ActionPlan.objects.filter(created_at__year=year + 1).exists()


def test_last_year_cycle_mostly_done_some_late_one_not(db):
    _load()
    year = timezone.localdate().year - 1
    tasks = CycleTask.objects.filter(year=year)
    total = tasks.count()
    assert total > 10
    done = tasks.filter(status=CycleTask.Status.DONE)
    assert done.count() == total - 1
    open_ = tasks.exclude(status=CycleTask.Status.DONE).get()
    assert open_.status == CycleTask.Status.PLANNED
    assert open_.activity.code == demo_last_year.NOT_DONE
    late = [t for t in done if t.done_on > t.due_on]
    assert 2 <= len(late) <= total // 3
    # tasks due in the year are done in it, except a late December one
    assert done.filter(done_on__year=year).count() >= total - 3
    # the current year's tasks are still the cycle demo's own
    assert not CycleTask.objects.filter(year=year + 1, status="done", done_on__year=year).exists()


def test_last_year_twice_adds_nothing(db):
    _load()
    before = (
        ActionPlan.objects.count(),
        ActionItem.objects.count(),
        CycleTask.objects.count(),
        list(CycleTask.objects.order_by("pk").values_list("status", "done_on")),
    )
    out = StringIO()
    demo_last_year.load(out)
    assert "0 action plans created" in out.getvalue() and "0 cycle tasks" in out.getvalue()
    after = (
        ActionPlan.objects.count(),
        ActionItem.objects.count(),
        CycleTask.objects.count(),
        list(CycleTask.objects.order_by("pk").values_list("status", "done_on")),
    )
    assert after == before
