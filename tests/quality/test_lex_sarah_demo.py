"""The demo's lex Sarah part: an officer who can log in and five reports in various states,
one serious and notified to IVO; running it twice changes nothing."""

from __future__ import annotations

from collections import Counter
from io import StringIO

from django.core.management import call_command

from insyn.accounts.models import User
from insyn.organisations.demo import DEMO_PASSWORD
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
    assert reports.count() == 5
    assert Counter(r.state for r in reports) == {
        "closed": 3,
        "investigating": 1,
        "reported": 1,
    }
    serious = reports.get(serious=True)
    assert serious.ivo_notified_on is not None and serious.ivo_reference
    assert reports.filter(ivo_notified_on__isnull=False).count() == 1
    assert reports.exclude(non_case_position="").count() == 1
    before = _state()
    call_command("demo", "--only", "organisations", "--only", "quality", stdout=StringIO())
    assert _state() == before
