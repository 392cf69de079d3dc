"""The demo: the programme with about 300 synthetic clients over three years, plausible
distributions, some interrupted, some non-response, goals with mixed outcomes, and work for the
demo case worker. Built through the real services; running it again adds nothing."""

from __future__ import annotations

import datetime as dt
import statistics
from io import StringIO

from django.core.management import call_command

from insyn.accounts.models import User
from insyn.clients.models import Client, Intervention
from insyn.core.models import ChangeEntry
from insyn.followup import selectors
from insyn.followup.models import Enrollment, Goal, Occasion, Programme, Value


def _values(stage: str, key: str, sex: str | None = None) -> list[float]:
    qs = Value.objects.filter(
        occasion__stage__key=stage,
        variable__key=key,
        item__isnull=True,
        occasion__enrollment__programme__key="missbruk-vuxna",
    )
    if sex:
        qs = qs.filter(occasion__enrollment__client__sex=sex)
    return list(qs.values_list("number", flat=True))


def _programme_and_clients() -> None:
    p = Programme.objects.get(key="missbruk-vuxna")
    assert p.name == "Missbruks- och beroendevård vuxna" and p.status == "published"
    assert p.owner.code == "AOV"
    enrolled = Enrollment.objects.filter(programme=p)
    assert 270 <= enrolled.count() <= 300
    clients = Client.objects.filter(enrollments__programme=p)
    men = clients.filter(sex="M").count() / clients.count()
    assert not clients.filter(sex="X").exists()
    assert 0.58 < men < 0.75
    today = dt.date.today()
    ages = [
        (e.enrolled_on - e.client.birth_date).days // 365 for e in enrolled.select_related("client")
    ]
    assert min(ages) >= 20 and max(ages) <= 70
    starts = [e.enrolled_on for e in enrolled]
    assert min(starts) < today - dt.timedelta(days=900) and max(starts) > today - dt.timedelta(
        days=30
    )


def _measures_are_plausible() -> None:
    men, women = _values("before", "audit", "M"), _values("before", "audit", "K")
    assert statistics.mean(men) > statistics.mean(women) + 2
    pairs = Value.objects.filter(
        occasion__stage__key="after", variable__key="audit", item__isnull=True
    ).select_related("occasion__enrollment")
    before = {
        v.occasion.enrollment_id: v.number
        for v in Value.objects.filter(
            occasion__stage__key="before", variable__key="audit", item__isnull=True
        ).select_related("occasion")
    }
    changes = [
        v.number - before[v.occasion.enrollment_id]
        for v in pairs
        if v.occasion.enrollment_id in before
    ]
    assert len(changes) > 120
    improved = sum(c < 0 for c in changes) / len(changes)
    worse = sum(c > 0 for c in changes) / len(changes)
    assert 0.55 < improved < 0.9 and 0.05 < worse < 0.3
    assert Value.objects.filter(variable__key="audit", item__isnull=False).exists()  # items too


def _interruptions_non_response_and_goals() -> None:
    ended = Intervention.objects.filter(
        enrollments__programme__key="missbruk-vuxna", ended_on__isnull=False
    )
    interrupted = ended.filter(end_reason__outcome="interrupted").count()
    assert 0.12 < interrupted / ended.count() < 0.35
    after = Occasion.objects.filter(stage__key="after", status__in=["done", "missed"])
    missed = after.filter(status="missed")
    assert 0.12 <= missed.count() / after.count() <= 0.25
    assert missed.filter(non_response_reason__isnull=True).count() == 0
    outcomes = set(Goal.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert {"achieved", "partly", "not"} <= outcomes
    assert Goal.objects.filter(baseline__isnull=False).count() > 200
    assert ChangeEntry.objects.filter(object_type="followup.occasion", action="record").exists()


def _demo_case_worker_has_work_and_the_demo_is_idempotent() -> None:
    user = User.objects.get(username="handlaggare")
    today = dt.date.today()
    work = list(selectors.worklist(user, today))
    statuses = {o.current_status(today) for o in work}
    assert len(work) >= 5 and {"due", "overdue"} <= statuses
    counts = (Client.objects.count(), Enrollment.objects.count(), Value.objects.count())
    out = StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Client.objects.count(), Enrollment.objects.count(), Value.objects.count()) == counts


def test_demo(db):
    """One run of the demo (it takes a while), checked from several sides."""
    out = StringIO()
    call_command("demo", stdout=out)
    assert "300 clients enrolled" in out.getvalue()
    _programme_and_clients()
    _measures_are_plausible()
    _interruptions_non_response_and_goals()
    _demo_case_worker_has_work_and_the_demo_is_idempotent()
