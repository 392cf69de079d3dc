"""The demo's lex Sarah part: an officer who can log in and five reports in various states,
one serious and notified to IVO (plus last year's closed one behind an action plan, from
demo_last_year); running it twice changes nothing."""

from __future__ import annotations

from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from insyn.accounts.models import User
from insyn.organisations.demo import DEMO_PASSWORD
from insyn.quality import demo_lex_sarah
from insyn.quality.models import LexSarahReport


def _state() -> list[tuple]:
    return list(
        LexSarahReport.objects.order_by("reported_at").values_list(
            "state", "serious", "ivo_notified_on", "diary_number", "version"
        )
    )


def test_demo_officer_and_reports_idempotent(db):
    out = StringIO()
    call_command("demo", "--only", "organisations", "--only", "quality", stdout=out)
    officer = User.objects.get(username="lexsarah")
    assert officer.check_password(DEMO_PASSWORD)
    assert "lexsarah" in out.getvalue()
    reports = LexSarahReport.objects.all()
    mine = reports.filter(description__in=[row[4] for row in demo_lex_sarah.REPORTS])
    assert mine.count() == 5
    assert Counter(r.state for r in mine) == {
        "closed": 3,
        "investigating": 1,
        "reported": 1,
    }
    last_year = reports.exclude(pk__in=mine)
    assert [(r.state, r.reported_at.year) for r in last_year] == [
        ("closed", timezone.localdate().year - 1)
    ]
    assert last_year.get().action_plans.exists()
    serious = reports.get(serious=True)
    assert serious.ivo_notified_on is not None and serious.ivo_reference
    assert reports.filter(ivo_notified_on__isnull=False).count() == 1
    assert reports.exclude(non_case_position="").count() == 1
    before = _state()
    call_command("demo", "--only", "organisations", "--only", "quality", stdout=StringIO())
    assert _state() == before
