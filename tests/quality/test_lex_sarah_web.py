"""The lex Sarah pages as a user meets them: report from the form, do steps, see bad input
explained on the field with nothing changed, escalate a deviation with one action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.core.navigation import nav_for
from insyn.quality.models import LexSarahReport
from tests.quality import lex_sarah_factories as lf

S = LexSarahReport.State


def _form_error(response, field):
    return response.context["step_forms"][0][2].errors.get(field) if response.context else None


def test_nav_offers_reporting_to_report_quality_holders(rf, tree, staff, officer):
    for user, has in ((staff.case_worker, True), (staff.analyst, False), (officer, True)):
        request = rf.get("/")
        request.user = user
        keys = {item["key"] for item in nav_for(request, "header")}
        assert ("lex_sarah_report" in keys) is has
    request = rf.get("/")
    request.user = staff.case_worker
    assert "lex_sarah_list" not in {i["key"] for i in nav_for(request)}


def test_report_from_the_form(login, tree, staff, catalogues):
    client = login(staff.case_worker)
    assert client.get(reverse("quality:lex_sarah_create")).status_code == 200
    answer = client.post(
        reverse("quality:lex_sarah_create"),
        {
            "kind": "risk",
            "unit": tree.vux_unit.pk,
            "occurred_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "description": "Dörren till medicinskåpet stod öppen.",
            "immediate_action": "Skåpet låstes.",
            "immediate_action_on": timezone.localdate().isoformat(),
        },
    )
    report = LexSarahReport.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("quality:lex_sarah_detail", args=[report.pk])
    assert report.reported_by == staff.case_worker and report.state == S.REPORTED
    assert report.immediate_action == "Skåpet låstes."


def test_report_with_a_future_date_is_refused_on_the_field(login, tree, staff, catalogues):
    client = login(staff.case_worker)
    answer = client.post(
        reverse("quality:lex_sarah_create"),
        {
            "kind": "maladministration",
            "unit": tree.vux_unit.pk,
            "occurred_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "description": "Något hände.",
        },
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors["occurred_on"] == ["Datumet kan inte ligga i framtiden."]
    assert not LexSarahReport.objects.exists()


def test_the_page_offers_only_the_steps_possible_now(login, tree, staff, officer):
    report = lf.report(staff.case_worker, tree.vux_unit)
    page = login(officer).get(reverse("quality:lex_sarah_detail", args=[report.pk]))
    assert [s for s, _label, _form in page.context["step_forms"]] == [
        "protect",
        "register",
        "record_informed",
    ]
    reporter_page = login(staff.case_worker).get(
        reverse("quality:lex_sarah_detail", args=[report.pk])
    )
    assert reporter_page.context["step_forms"] == []


def test_step_then_out_of_order_step_is_refused(login, tree, staff, officer):
    report = lf.report(staff.case_worker, tree.vux_unit)
    client = login(officer)
    done = client.post(
        reverse("quality:lex_sarah_step", args=[report.pk, "register"]),
        {"registered_on": timezone.localdate().isoformat(), "version": report.version},
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == S.REGISTERED and report.diary_number
    version = report.version
    refused = client.post(
        reverse("quality:lex_sarah_step", args=[report.pk, "assess"]),
        {
            "serious": "yes",
            "seriousness_reasons": "Allvarligt.",
            "seriousness_decided_on": timezone.localdate().isoformat(),
            "version": version,
        },
    )
    assert refused.status_code == 400
    form = {s: f for s, _l, f in refused.context["step_forms"]}["assess"]
    assert "kan inte göras nu" in " ".join(form.non_field_errors())
    report.refresh_from_db()
    assert report.version == version and report.serious is None


def test_ivo_without_seriousness_decision_on_the_field(login, tree, staff, officer):
    report = lf.in_state(S.INVESTIGATING, staff.case_worker, tree.vux_unit, officer)
    answer = login(officer).post(
        reverse("quality:lex_sarah_step", args=[report.pk, "notify_ivo"]),
        {"ivo_notified_on": timezone.localdate().isoformat(), "version": report.version},
    )
    assert answer.status_code == 400
    form = {s: f for s, _l, f in answer.context["step_forms"]}["notify_ivo"]
    assert "allvarlig" in form.errors["ivo_notified_on"][0]
    report.refresh_from_db()
    assert report.ivo_notified_on is None


def test_stale_form_shows_the_conflict(login, tree, staff, officer):
    report = lf.in_state(S.INVESTIGATING, staff.case_worker, tree.vux_unit, officer)
    answer = login(officer).post(
        reverse("quality:lex_sarah_step", args=[report.pk, "decide_measures"]),
        {
            "measures_text": "Ny rutin",
            "measures_on": timezone.localdate().isoformat(),
            "version": report.version - 1,
        },
    )
    assert answer.status_code == 400
    report.refresh_from_db()
    assert report.measures_text == ""


def test_grant_and_revoke_from_the_page(login, tree, staff, officer):
    report = lf.report(staff.case_worker, tree.vux_unit)
    client = login(officer)
    url = reverse("quality:lex_sarah_grant", args=[report.pk])
    assert client.post(url, {"user": staff.unit_manager.pk}).status_code == 302
    assert list(report.granted_users.all()) == [staff.unit_manager]
    assert client.post(url, {"revoke": staff.unit_manager.pk}).status_code == 302
    assert not report.granted_users.exists()
    # a Kalmar user cannot be chosen
    client.post(url, {"user": staff.kalmar_case_worker.pk})
    assert not report.granted_users.exists()


def test_escalate_a_deviation_with_one_action(login, tree, staff, officer, catalogues):
    deviation = lf.deviation(staff.case_worker, tree.vux_unit)
    client = login(staff.unit_manager)
    answer = client.post(reverse("quality:lex_sarah_escalate", args=[deviation.pk]))
    report = LexSarahReport.objects.get()
    assert answer.status_code == 302
    assert report.from_deviation == deviation
    assert report.description == deviation.description
    assert (report.unit, report.occurred_on) == (deviation.unit, deviation.occurred_on)
    assert report.immediate_action == deviation.immediate_measures
    assert report.reported_by == staff.unit_manager
    # twice: refused, still one report
    again = client.post(reverse("quality:lex_sarah_escalate", args=[deviation.pk]))
    assert again.status_code == 302
    assert LexSarahReport.objects.count() == 1


@pytest.mark.parametrize("who", ["other_case_worker", "kalmar_case_worker", "analyst"])
def test_escalate_someone_elses_deviation_is_404(who, login, tree, staff, catalogues):
    deviation = lf.deviation(staff.case_worker, tree.vux_unit)
    answer = login(getattr(staff, who)).post(
        reverse("quality:lex_sarah_escalate", args=[deviation.pk])
    )
    missing = login(getattr(staff, who)).post(reverse("quality:lex_sarah_escalate", args=[999999]))
    assert answer.status_code == missing.status_code == 404
    assert not LexSarahReport.objects.exists()


def test_overdue_list(login, tree, staff, officer):
    report = lf.report(
        staff.case_worker,
        tree.vux_unit,
        reported_at=timezone.now() - dt.timedelta(days=20),
        occurred_on=timezone.localdate() - dt.timedelta(days=21),
    )
    page = login(officer).get(reverse("quality:lex_sarah_overdue"))
    assert page.status_code == 200
    keys = {(d.report.pk, d.deadline.key, d.overdue) for d in page.context["due"]}
    assert keys == {(report.pk, "register", True), (report.pk, "investigation", True)}
    assert login(staff.case_worker).get(reverse("quality:lex_sarah_overdue")).status_code == 404


def test_the_deviations_reporter_escalates_and_then_reads_the_report(
    login, tree, staff, catalogues
):
    deviation = lf.deviation(staff.case_worker, tree.vux_unit)
    client = login(staff.case_worker)
    answer = client.post(reverse("quality:lex_sarah_escalate", args=[deviation.pk]))
    report = LexSarahReport.objects.get(from_deviation=deviation)
    assert answer["Location"] == reverse("quality:lex_sarah_detail", args=[report.pk])
    assert client.get(answer["Location"]).status_code == 200
