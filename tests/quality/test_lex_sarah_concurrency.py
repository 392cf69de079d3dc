"""Two officers registering at once get two diary numbers; two registering the same report at
once register it once (PostgreSQL: row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections  # noqa: F401 - `connection` is read by skipif
from django.utils import timezone

from insyn.quality.models import DiarySeries, LexSarahReport
from insyn.quality.services import lex_sarah as ls
from tests.factories import user_with_role
from tests.quality import lex_sarah_factories as lf

needs_postgres = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="row locks (SELECT ... FOR UPDATE) exist only on PostgreSQL; SQLite serialises "
    "every write transaction, so a race cannot happen there",
)


def _race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, fn: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except Exception as exc:  # reported by the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _register(officer: Any, pk: int) -> Callable[[], Any]:
    return lambda: ls.lex_sarah_register(actor=officer, report=LexSarahReport.objects.get(pk=pk))


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(tree, staff):
    officer = user_with_role("lex_sarah_officer", tree.aov, username="ls_race")
    year = timezone.localdate().year
    for round_ in range(5):
        a = lf.report(staff.case_worker, tree.vux_unit)
        b = lf.report(staff.case_worker, tree.vux_unit)
        results = _race(_register(officer, a.pk), _register(officer, b.pk))
        assert not [r for r in results if isinstance(r, Exception)], results
        numbers = {
            LexSarahReport.objects.get(pk=a.pk).diary_number,
            LexSarahReport.objects.get(pk=b.pk).diary_number,
        }
        assert numbers == {f"LS {year}/{2 * round_ + 1}", f"LS {year}/{2 * round_ + 2}"}
    assert DiarySeries.objects.get(municipality=tree.vaxjo, year=year).last_number == 10


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_one_report_registered_twice_at_once_is_registered_once(tree, staff):
    officer = user_with_role("lex_sarah_officer", tree.aov, username="ls_race2")
    report = lf.report(staff.case_worker, tree.vux_unit)
    results = _race(_register(officer, report.pk), _register(officer, report.pk))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert DiarySeries.objects.get(municipality=tree.vaxjo).last_number == 1
    assert LexSarahReport.objects.get(pk=report.pk).version == report.version + 1
