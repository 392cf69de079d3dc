"""Concurrent writes to occasions and goals: one set of values per occasion however many
recordings race, ETag/If-Match/409/412 in the API, and a stale occasion form that says what
changed and keeps what was typed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from insyn.core.models import ChangeEntry
from insyn.followup import services
from insyn.followup.models import Goal, NonResponseReason, Occasion, Value
from tests.followup.factories import enrolled

TODAY = dt.date.today()
needs_postgres = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="row locks (SELECT ... FOR UPDATE) exist only on PostgreSQL; SQLite serialises "
    "every write transaction, so a race cannot happen there",
)


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def enrollment(tree, staff):
    return enrolled(tree, staff)


def _goal(enrollment: Any) -> Goal:
    return services.goal_set(actor=None, enrollment=enrollment, text="Lägre AUDIT", goal_ref="g1")


# --- the database refuses a duplicate ---------------------------------------------------------


def test_a_second_value_for_the_same_variable_is_refused_by_the_database(enrollment):
    occasion = enrollment.occasions.get(stage__key="before")
    services.occasion_record(actor=None, occasion=occasion, values={"audit": 10}, done_on=TODAY)
    value = Value.objects.get(occasion=occasion, variable__key="audit")
    with pytest.raises(IntegrityError), transaction.atomic():
        Value.objects.create(occasion=occasion, variable=value.variable, number=20)
    assert Value.objects.filter(occasion=occasion, variable__key="audit").count() == 1


def test_recording_again_replaces_the_values_and_raises_the_version(enrollment):
    occasion = enrollment.occasions.get(stage__key="before")
    start = occasion.version
    services.occasion_record(actor=None, occasion=occasion, values={"audit": 10}, done_on=TODAY)
    services.occasion_record(actor=None, occasion=occasion, values={"audit": 20}, done_on=TODAY)
    assert Occasion.objects.get(pk=occasion.pk).version == start + 2
    assert list(occasion.values.values_list("number", flat=True)) == [20.0]
    # the same values again change nothing, not even the version
    services.occasion_record(actor=None, occasion=occasion, values={"audit": 20}, done_on=TODAY)
    assert Occasion.objects.get(pk=occasion.pk).version == start + 2


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["occasion", "goal"])
def test_stale_api_writes_get_412_or_409(kind, enrollment, staff):
    occasion = enrollment.occasions.get(stage__key="before")
    obj: Any = occasion if kind == "occasion" else _goal(enrollment)
    first, second = (
        ({"values": {"audit": 10}}, {"values": {"audit": 20}})
        if kind == "occasion"
        else ({"outcome": "achieved"}, {"outcome": "not"})
    )
    client = api(staff.case_worker)
    url = reverse(f"{kind}-detail", args=[obj.pk])
    read = client.get(url)
    version = read.json()["version"]
    assert read["ETag"] == f'"{version}"'

    done = client.patch(url, first, format="json")
    assert done.status_code == 200 and done["ETag"] == f'"{version + 1}"'
    stale_tag = client.patch(url, second, format="json", HTTP_IF_MATCH=read["ETag"])
    assert stale_tag.status_code == 412
    assert stale_tag.json()["version"] == version + 1
    stale_body = client.patch(url, {**second, "version": version}, format="json")
    assert stale_body.status_code == 409
    assert "changed by someone else" in stale_body.json()["detail"]
    fresh = client.get(url).json()
    if kind == "occasion":
        assert fresh["values"] == {"audit": 10.0}
    else:
        assert fresh["outcome"] == "achieved"
    ok = client.patch(url, second, format="json", HTTP_IF_MATCH=done["ETag"])
    assert ok.status_code == 200 and ok.json()["version"] == version + 2


def test_non_response_through_the_api_checks_the_version_too(enrollment, staff, catalogues):
    occasion = enrollment.occasions.get(stage__key="before")
    client = api(staff.case_worker)
    url = reverse("occasion-detail", args=[occasion.pk])
    services.occasion_record(actor=None, occasion=occasion, values={"audit": 10}, done_on=TODAY)
    response = client.patch(url, {"non_response_reason": "declined", "version": 1}, format="json")
    assert response.status_code == 409
    assert Occasion.objects.get(pk=occasion.pk).status == Occasion.Status.DONE


# --- the occasion form -------------------------------------------------------------------------


def _hidden(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_stale_occasion_form_says_what_changed_and_keeps_the_input(
    enrollment, staff, login, english_pages
):
    occasion = enrollment.occasions.get(stage__key="before")
    c = login(staff.case_worker)
    url = reverse("followup:occasion_record", args=[occasion.pk])
    page = c.get(url).content.decode()
    version, seen = _hidden(page, "version"), _hidden(page, "seen")
    # A colleague records the occasion meanwhile.
    services.occasion_record(
        actor=None,
        occasion=Occasion.objects.get(pk=occasion.pk),
        values={"audit": 12},
        done_on=TODAY,
    )
    response = c.post(
        url,
        {
            "done_on": TODAY.isoformat(),
            "note": "my note",
            "v-audit": "30",
            "version": version,
            "seen": seen,
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Someone else changed this" in text
    assert "is now “12”" in text
    assert 'value="30"' in text and "my note" in text
    assert list(Value.objects.filter(occasion=occasion).values_list("number", flat=True)) == [12.0]

    again = c.post(
        url,
        {
            "done_on": TODAY.isoformat(),
            "note": "my note",
            "v-audit": "30",
            "version": _hidden(text, "version"),
            "seen": _hidden(text, "seen"),
        },
    )
    assert again.status_code == 302
    assert list(Value.objects.filter(occasion=occasion).values_list("number", flat=True)) == [30.0]


# --- the "mark missed" form on the occasion page -----------------------------------------------


def _missed(version: str, seen: str, reason: str, note: str = "") -> dict[str, str]:
    return {
        "op": "missed",
        "missed-reason": reason,
        "missed-on": TODAY.isoformat(),
        "missed-note": note,
        "missed-version": version,
        "missed-seen": seen,
    }


def _reason(code: str) -> NonResponseReason:
    return NonResponseReason.objects.get(code=code)


def test_stale_mark_missed_after_a_recording_removes_nothing(
    enrollment, staff, login, english_pages
):
    occasion = enrollment.occasions.get(stage__key="before")
    c = login(staff.case_worker)
    url = reverse("followup:occasion_record", args=[occasion.pk])
    page = c.get(url).content.decode()
    version, seen = _hidden(page, "missed-version"), _hidden(page, "missed-seen")
    # A colleague records the occasion meanwhile.
    services.occasion_record(
        actor=None,
        occasion=Occasion.objects.get(pk=occasion.pk),
        values={"audit": 12},
        done_on=TODAY,
    )
    before = Occasion.objects.get(pk=occasion.pk)
    changes = ChangeEntry.objects.count()

    mine = _missed(version, seen, str(_reason("moved").pk), "moved away")
    response = c.post(url, mine)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Someone else saved this" in text
    assert "moved away" in text  # the user's input is kept
    assert f'<option value="{_reason("moved").pk}" selected>' in text
    stored = Occasion.objects.get(pk=occasion.pk)
    assert stored.status == Occasion.Status.DONE and stored.version == before.version
    assert stored.non_response_reason is None and stored.note == before.note
    assert list(Value.objects.filter(occasion=occasion).values_list("number", flat=True)) == [12.0]
    assert ChangeEntry.objects.count() == changes

    # The re-shown form carries the current version: sending it again is deliberate.
    again = {
        **mine,
        "missed-version": _hidden(text, "missed-version"),
        "missed-seen": _hidden(text, "missed-seen"),
    }
    assert c.post(url, again).status_code == 302
    stored = Occasion.objects.get(pk=occasion.pk)
    assert stored.status == Occasion.Status.MISSED and stored.non_response_reason == _reason(
        "moved"
    )
    assert not Value.objects.filter(occasion=occasion).exists()


def test_stale_mark_missed_names_the_reason_someone_else_gave(
    enrollment, staff, login, english_pages
):
    occasion = enrollment.occasions.get(stage__key="before")
    c = login(staff.case_worker)
    url = reverse("followup:occasion_record", args=[occasion.pk])
    page = c.get(url).content.decode()
    version, seen = _hidden(page, "missed-version"), _hidden(page, "missed-seen")
    services.occasion_mark_missed(
        actor=None, occasion=Occasion.objects.get(pk=occasion.pk), reason=_reason("declined")
    )
    before = Occasion.objects.get(pk=occasion.pk)
    changes = ChangeEntry.objects.count()

    response = c.post(url, _missed(version, seen, str(_reason("moved").pk), "moved away"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Someone else changed this" in text
    assert "Reason is now “Declined”" in text
    assert "moved away" in text
    stored = Occasion.objects.get(pk=occasion.pk)
    assert stored.non_response_reason == _reason("declined") and stored.note == ""
    assert stored.version == before.version
    assert ChangeEntry.objects.count() == changes


def test_fresh_mark_missed_goes_through(enrollment, staff, login, english_pages):
    occasion = enrollment.occasions.get(stage__key="before")
    c = login(staff.case_worker)
    url = reverse("followup:occasion_record", args=[occasion.pk])
    page = c.get(url).content.decode()
    start = Occasion.objects.get(pk=occasion.pk).version
    assert _hidden(page, "missed-version") == str(start)
    response = c.post(
        url,
        _missed(
            _hidden(page, "missed-version"),
            _hidden(page, "missed-seen"),
            str(_reason("declined").pk),
        ),
    )
    assert response.status_code == 302
    stored = Occasion.objects.get(pk=occasion.pk)
    assert stored.status == Occasion.Status.MISSED and stored.version == start + 1


# --- races (PostgreSQL) ------------------------------------------------------------------------


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same moment; each has its own connection."""
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


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_recordings_of_one_occasion_leave_one_set_of_values(tree, staff):
    enrollment = enrolled(tree, staff)
    occasion_id = enrollment.occasions.get(stage__key="before").pk

    def record(number: int) -> Callable[[], Any]:
        def go() -> Any:
            occasion = Occasion.objects.get(pk=occasion_id)
            return services.occasion_record(
                actor=None, occasion=occasion, values={"audit": number}, done_on=TODAY
            )

        return go

    for round_ in range(10):
        a, b = 10 + round_ * 2, 11 + round_ * 2
        results = _race(record(a), record(b))
        assert not [r for r in results if isinstance(r, Exception)], results
        numbers = list(
            Value.objects.filter(occasion_id=occasion_id, variable__key="audit").values_list(
                "number", flat=True
            )
        )
        assert len(numbers) == 1 and numbers[0] in (a, b), numbers
    assert connection.vendor == "postgresql"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_stale_writers_one_gets_412_and_one_409(tree, staff, catalogues):
    from tests.clients import factories as cf

    case = cf.case(cf.client(tree.vux_unit))
    url = reverse("case-detail", args=[case.pk])
    tag = api(staff.case_worker).get(url)["ETag"]

    def patch(closed_on: str, **extra: Any) -> Callable[[], Any]:
        return lambda: api(staff.case_worker).patch(
            url, {"closed_on": closed_on}, format="json", **extra
        )

    # Both send the ETag they read: one write goes through, the other is refused with 412.
    codes = sorted(
        r.status_code
        for r in _race(
            patch("2025-05-01", HTTP_IF_MATCH=tag), patch("2025-06-01", HTTP_IF_MATCH=tag)
        )
    )
    assert codes == [200, 412]
    # Both send the version they read in the body: 200 and 409.
    version = api(staff.case_worker).get(url).json()["version"]

    def patch_body(closed_on: str) -> Callable[[], Any]:
        return lambda: api(staff.case_worker).patch(
            url, {"closed_on": closed_on, "version": version}, format="json"
        )

    codes = sorted(r.status_code for r in _race(patch_body("2025-07-01"), patch_body("2025-08-01")))
    assert codes == [200, 409]
