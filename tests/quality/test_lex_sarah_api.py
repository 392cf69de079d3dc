"""The lex Sarah API: create, steps, read access; bad input answered on the field with
nothing changed, out of scope the JSON 404 of a missing report."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from insyn.quality.models import LexSarahReport
from tests.quality import lex_sarah_factories as lf

S = LexSarahReport.State
TODAY = timezone.localdate


def _post(client, user, url, body, **headers):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.post(url, body, content_type="application/json", **headers)


def test_create_and_refuse_a_future_date(client, tree, staff):
    url = reverse("lexsarahreport-list")
    bad = _post(
        client,
        staff.case_worker,
        url,
        {
            "kind": "maladministration",
            "unit": tree.vux_unit.pk,
            "description": "x",
            "occurred_on": (TODAY() + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 400 and "occurred_on" in bad.json()
    assert not LexSarahReport.objects.exists()
    good = _post(
        client,
        staff.case_worker,
        url,
        {"kind": "risk", "unit": tree.vux_unit.pk, "description": "Larmet var avstängt."},
    )
    assert good.status_code == 201
    report = LexSarahReport.objects.get()
    assert good.json()["id"] == report.pk and report.reported_by == staff.case_worker
    assert good.json()["available_steps"] == []  # the reporter handles nothing


def test_steps_through_the_api(client, tree, staff, officer):
    report = lf.report(staff.case_worker, tree.vux_unit)
    step = lambda name, body: _post(  # noqa: E731
        client, officer, reverse("lexsarahreport-step", args=[report.pk, name]), body
    )
    done = step("register", {"version": report.version})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == S.REGISTERED and done.json()["diary_number"]
    assert done["ETag"] == f'"{report.version + 1}"'
    # out of order: refused, nothing changed
    refused = step("assess", {"serious": True, "seriousness_reasons": "x"})
    assert refused.status_code == 400 and "non_field_errors" in refused.json()
    # stale version: conflict
    assert step("start_investigation", {"version": 1}).status_code == 409
    assert step("start_investigation", {}).status_code == 200
    no_decision = step("notify_ivo", {"ivo_notified_on": TODAY().isoformat()})
    assert no_decision.status_code == 400 and "ivo_notified_on" in no_decision.json()
    future = step(
        "decide_measures",
        {"measures_text": "Rutin", "measures_on": (TODAY() + dt.timedelta(days=5)).isoformat()},
    )
    assert future.status_code == 400 and "measures_on" in future.json()
    report.refresh_from_db()
    assert report.state == S.INVESTIGATING and report.measures_text == ""
    assert step("no_such_step", {}).status_code == 404


def test_out_of_scope_steps_and_access_are_404(client, tree, staff, officer):
    report = lf.report(staff.case_worker, tree.vux_unit)
    for user in (staff.unit_manager, staff.kalmar_case_worker, staff.case_worker):
        for url in (
            reverse("lexsarahreport-step", args=[report.pk, "register"]),
            reverse("lexsarahreport-access", args=[report.pk]),
        ):
            answer = _post(client, user, url, {"user": user.pk})
            # the reporter sees the report but may not handle it: the same 404
            assert answer.status_code == 404 and answer.json() == {"detail": "Not found."}
    report.refresh_from_db()
    assert report.state == S.REPORTED and not report.granted_users.exists()


def test_grant_through_the_api(client, tree, staff, officer):
    report = lf.report(staff.case_worker, tree.vux_unit)
    url = reverse("lexsarahreport-access", args=[report.pk])
    assert _post(client, officer, url, {"user": staff.unit_manager.pk}).status_code == 200
    client.force_login(staff.unit_manager, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("lexsarahreport-detail", args=[report.pk])).status_code == 200
    assert (
        _post(client, officer, url, {"user": staff.unit_manager.pk, "revoke": True}).status_code
        == 200
    )
    client.force_login(staff.unit_manager, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("lexsarahreport-detail", args=[report.pk])).status_code == 404
    kalmar = _post(client, officer, url, {"user": staff.kalmar_case_worker.pk})
    assert kalmar.status_code == 400 and "user" in kalmar.json()
