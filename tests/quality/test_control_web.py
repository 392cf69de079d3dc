"""The internal-control pages, API and CLI: the whole round through the web, bad input, out of
scope answered 404, YAML download and upload, data checks."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from insyn.quality.models import ActionItem, ControlRound, ReviewAnswer, ReviewTemplate
from tests.quality import control_factories as f

pytestmark = pytest.mark.django_db


def test_round_through_the_web(tree, staff, catalogues, login):
    for _ in range(3):
        f.case(tree.vux_unit, staff.case_worker)
    f.template()
    web = login(staff.quality_lead)
    assert web.get(reverse("quality:control_rounds")).status_code == 200
    response = web.post(
        reverse("quality:control_round_create"),
        {
            "title": "Vår 2026",
            "template": ReviewTemplate.objects.get(code="journalgranskning-ifo").pk,
            "unit": tree.vux_unit.pk,
            "units": [tree.vux_unit.pk],
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "mode": "sample",
            "sample_size": "2",
            "seed": "",
            "prevent_own_cases": "on",
            "second_review_share": "0",
        },
    )
    r = ControlRound.objects.get()
    assert response.status_code == 302 and r.seed
    url = reverse("quality:control_round", args=[r.pk])
    assert web.post(url, {"op": "draw", "version": r.version}).status_code == 302
    r.refresh_from_db()
    assert r.cases.count() == 2
    assert (
        web.post(
            url, {"op": "assign", "reviewers": [staff.unit_manager.pk], "version": r.version}
        ).status_code
        == 302
    )
    r.refresh_from_db()
    assert web.post(url, {"op": "start_review", "version": r.version}).status_code == 302
    reviewer = login(staff.unit_manager)
    page = reviewer.get(reverse("quality:control_my_reviews"))
    cc = r.cases.first()
    assert cc.case.case_ref in page.content.decode()
    review_url = reverse("quality:control_review", args=[cc.pk])
    assert reviewer.get(review_url).status_code == 200
    criteria = list(r.template.criteria.all())
    data = {f"c{c.pk}": "yes" for c in criteria}
    data[f"c{criteria[1].pk}"] = "no"
    assert reviewer.post(review_url, data).status_code == 302
    assert ReviewAnswer.objects.filter(control_case=cc, answer="no").count() == 1
    web = login(staff.quality_lead)
    results = web.get(reverse("quality:control_results", args=[r.pk]))
    assert results.status_code == 200 and "Barnsamtal" in results.content.decode()
    answer = ReviewAnswer.objects.get(answer="no")
    response = web.post(
        reverse("quality:control_results", args=[r.pk]), {"op": "action_item", "answer": answer.pk}
    )
    assert response.status_code == 302 and ActionItem.objects.filter(plan__control_round=r).exists()


def test_review_refuses_missing_answers_and_outsiders(tree, staff, catalogues, login):
    r = f.round_in_review(tree.vux_unit, staff.quality_lead, [staff.unit_manager], cases=1)
    cc = r.cases.get()
    url = reverse("quality:control_review", args=[cc.pk])
    assert login(staff.unit_manager).post(url, {}).status_code == 400
    assert not ReviewAnswer.objects.exists()
    assert login(staff.kalmar_case_worker).get(url).status_code == 404
    assert login(staff.other_case_worker).get(url).status_code == 404
    assert (
        login(staff.kalmar_admin).get(reverse("quality:control_round", args=[r.pk])).status_code
        == 404
    )


def test_template_yaml_download_and_upload(tree, staff, catalogues, login):
    t = f.template()
    web = login(staff.quality_lead)
    body = web.get(reverse("quality:control_template_yaml", args=[t.pk])).content.decode()
    assert "Barnsamtal dokumenterat" in body
    dup = "code: egen\ntitle: Egen\ncriteria:\n  - {key: a, text: X}\n  - {key: a, text: Y}\n"
    upload = reverse("quality:control_template_upload")
    response = web.post(upload, {"file": SimpleUploadedFile("t.yaml", dup.encode())})
    text = response.content.decode()
    assert response.status_code == 400 and "mer än en gång" in text  # the page is in Swedish
    good = dup.replace("{key: a, text: Y}", "{key: b, text: Y}")
    response = web.post(upload, {"file": SimpleUploadedFile("t.yaml", good.encode())})
    assert response.status_code == 302
    assert ReviewTemplate.objects.get(code="egen").municipality == tree.vaxjo


def test_checks_page(tree, staff, catalogues, login):
    case = f.case(tree.vux_unit)
    f.investigation(case, dt.date(2025, 1, 1))
    web = login(staff.quality_lead)
    url = reverse("quality:control_checks")
    response = web.get(
        url, {"unit": tree.vux_unit.pk, "period_start": "2026-01-01", "period_end": "2026-06-30"}
    )
    assert response.status_code == 200 and case.case_ref in response.content.decode()


def test_api_rounds_and_compliance(tree, staff, catalogues, login):
    r = f.round_in_review(tree.vux_unit, staff.quality_lead, [staff.unit_manager], cases=2)
    f.review_all(r, first="no")
    web = login(staff.quality_lead)
    assert web.get(reverse("control-round-list")).json()["count"] == 1
    body = web.get(reverse("control-round-compliance", args=[r.pk])).json()
    first = body["overall"][0]
    assert first["no"] == 2 and first["share"] == 0.0
    cases = web.get(reverse("control-case-list"), {"round": r.pk}).json()
    assert cases["count"] == 2
    assert (
        login(staff.kalmar_admin).get(reverse("control-round-compliance", args=[r.pk])).status_code
        == 404
    )


def test_cli_draw_and_checks(tree, staff, catalogues):
    for _ in range(3):
        f.case(tree.vux_unit)
    r = f.round_(tree.vux_unit, staff.quality_lead, sample_size=10)
    out = StringIO()
    call_command("quality", "control", "draw", "--round", str(r.pk), "--seed", "5", stdout=out)
    assert "Drew 3 of 3" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("quality", "control", "draw", "--round", str(r.pk), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("quality", "control", "draw", "--round", "99999", stdout=StringIO())
    out = StringIO()
    call_command(
        "quality",
        "control",
        "checks",
        "--municipality",
        "0780",
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        stdout=out,
    )
    assert "four_month_rule,0,0,0,3" in out.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "quality",
            "control",
            "checks",
            "--municipality",
            "0780",
            "--from",
            "x",
            "--to",
            "2026-06-30",
            stdout=StringIO(),
        )


def test_dashboard_panel(tree, staff, catalogues):
    from insyn.quality import control_panel

    r = f.round_in_review(
        tree.vux_unit, staff.quality_lead, [staff.unit_manager], cases=1, due_on=dt.date.today()
    )
    panel = control_panel.build(staff.quality_lead, None, dt.date.today())
    assert panel is not None and panel["due"] == [r]
    assert control_panel.build(staff.kalmar_case_worker, None, dt.date.today()) is None
