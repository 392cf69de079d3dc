"""The risk pages: scope (outside the unit is the same 404 as missing), read-only users cannot
write, the forms with bad input, reassessment, close/reopen, measures, analyses, the subnav,
the dashboard panel and the digest section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.quality.dashboard_panels import panels_for
from insyn.quality.models import ActionItem, DeviationCategory, Risk, RiskAnalysis
from insyn.quality.selectors.risks import digest_risks_due
from insyn.quality.services import risks as services
from insyn.quality.views.risk_panel import risk_panel
from tests.quality import risks_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")


@pytest.fixture(autouse=True)
def english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_scope_same_404_and_no_writes_for_readers(tree, staff, login):
    vux = f.risk(tree.vux_unit, actor=staff.unit_manager, title="Vux-risken")
    bof = f.risk(tree.bof_unit, actor=staff.quality_lead, title="Bof-risken")
    client = login(staff.unit_manager)
    page = client.get(reverse("quality:risks")).content.decode()
    assert "Vux-risken" in page and "Bof-risken" not in page
    hidden = client.get(reverse("quality:risk", args=[bof.pk]))
    missing = client.get(reverse("quality:risk", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    for name in ("risk_edit", "risk_reassess", "risk_measure"):
        assert client.get(reverse(f"quality:{name}", args=[bof.pk])).status_code == 404
    lead = login(staff.quality_lead).get(reverse("quality:risks")).content.decode()
    assert "Vux-risken" in lead and "Bof-risken" in lead
    # no view_quality: no register, no writes
    for user in (staff.case_worker, staff.analyst, staff.kalmar_admin):
        c = login(user)
        assert c.get(reverse("quality:risk", args=[vux.pk])).status_code in (403, 404)
        post = c.post(
            reverse("quality:risk_reassess", args=[vux.pk]), {"probability": 1, "severity": 1}
        )
        assert post.status_code in (403, 404)
        assert c.post(
            reverse("quality:risk_state", args=[vux.pk]), {"step": "close"}
        ).status_code in (403, 404)
    vux.refresh_from_db()
    assert (vux.probability, vux.state, vux.assessments.count()) == (2, "active", 1)


def test_register_through_the_form_and_bad_input(tree, staff, login):
    client = login(staff.unit_manager)
    url = reverse("quality:risk_create")
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"unit": tree.vux_unit.pk, "title": "", "probability": "5", "severity": "0"}
    )
    assert bad.status_code == 400
    assert not Risk.objects.exists()
    html = bad.content.decode()
    assert "This field is required" in html or "Name the risk" in html
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    bad2 = client.post(
        url,
        {
            "unit": tree.vux_unit.pk,
            "title": "Hot",
            "probability": "3",
            "severity": "4",
            "reassess_on": past,
        },
    )
    assert bad2.status_code == 400 and "cannot be in the past" in bad2.content.decode()
    assert not Risk.objects.exists()
    ok = client.post(
        url,
        {
            "unit": tree.vux_unit.pk,
            "title": "Hot",
            "probability": "3",
            "severity": "4",
            "treatment": "reduce",
            "owner": staff.unit_manager.pk,
            "deviation_category": DeviationCategory.objects.get(code="hot_vald").pk,
        },
    )
    assert ok.status_code == 302
    risk = Risk.objects.get()
    assert (risk.probability, risk.severity, risk.assessments.count()) == (3, 4, 1)
    detail = client.get(ok["Location"]).content.decode()
    assert "Very high" in detail and "Recurring deviations" in detail


def test_reassess_edit_close_and_measure_pages(tree, staff, login):
    risk = f.risk(tree.vux_unit, actor=staff.unit_manager, p=4, s=4)
    client = login(staff.unit_manager)
    url = reverse("quality:risk_reassess", args=[risk.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"probability": "0", "severity": "2", "version": 1})
    assert bad.status_code == 400
    ok = client.post(url, {"probability": "2", "severity": "4", "note": "Larm", "version": 1})
    assert ok.status_code == 302
    risk.refresh_from_db()
    assert (risk.probability, risk.version, risk.assessments.count()) == (2, 2, 2)
    stale = client.post(url, {"probability": "1", "severity": "1", "version": 1})
    assert stale.status_code == 400
    risk.refresh_from_db()
    assert risk.probability == 2
    edit = client.post(
        reverse("quality:risk_edit", args=[risk.pk]),
        {"title": "Ny titel", "version": 2, "cause": "Orsak"},
    )
    assert edit.status_code == 302
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    measure = client.post(
        reverse("quality:risk_measure", args=[risk.pk]),
        {"activity": "Larmknapp", "responsible": staff.case_worker.pk, "due_on": due},
    )
    assert measure.status_code == 302
    assert ActionItem.objects.filter(plan__risk=risk, activity="Larmknapp").exists()
    detail = client.get(reverse("quality:risk", args=[risk.pk])).content.decode()
    assert "Larmknapp" in detail and "Ny titel" in detail
    closed = client.post(
        reverse("quality:risk_state", args=[risk.pk]), {"step": "close", "version": 3}
    )
    assert closed.status_code == 302
    again = client.post(reverse("quality:risk_state", args=[risk.pk]), {"step": "close"})
    assert again.status_code == 400
    risk.refresh_from_db()
    assert risk.state == "closed"


def test_register_filters(tree, staff, login):
    today = timezone.localdate()
    a = f.risk(
        tree.vux_unit,
        actor=staff.unit_manager,
        p=1,
        s=4,
        title="Sällsynt svår",
        treatment="control",
    )
    b = f.risk(
        tree.vux_unit, actor=staff.unit_manager, p=4, s=1, title="Ofta lindrig", reassess_on=today
    )
    c = f.risk(tree.vux_unit, actor=staff.unit_manager, p=2, s=2, title="Stängd risk")
    services.risk_transition(actor=staff.unit_manager, risk=c, action="close")
    client = login(staff.quality_lead)

    def titles(**params):
        page = client.get(reverse("quality:risks"), params).content.decode()
        return {t for t in (a.title, b.title, c.title) if t in page}

    assert titles() == {a.title, b.title}  # active by default
    assert titles(state="") == {a.title, b.title, c.title}
    assert titles(level="high") == {a.title}
    assert titles(min_level="medium", state="") == {a.title, b.title, c.title}
    assert titles(treatment="control") == {a.title}
    assert titles(due="on") == {b.title}
    assert titles(unit=tree.bof_unit.pk) == set()
    assert client.get(reverse("quality:risks"), {"level": "nonsense"}).status_code == 400


def test_analysis_pages(tree, staff, login):
    client = login(staff.unit_manager)
    created = client.post(
        reverse("quality:risk_analysis_create"),
        {"unit": tree.vux.pk, "title": "Omorganisation av mottagningen", "kind": "organisation"},
    )
    assert created.status_code == 302
    analysis = RiskAnalysis.objects.get()
    add = client.post(
        reverse("quality:risk_create") + f"?analysis={analysis.pk}",
        {
            "unit": tree.vux_unit.pk,
            "title": "Kompetens försvinner",
            "probability": "2",
            "severity": "4",
        },
    )
    assert add.status_code == 302
    loose = f.risk(tree.vux_unit, actor=staff.unit_manager, title="Lös risk")
    assert (
        client.post(
            reverse("quality:risk_analysis_add_risk", args=[analysis.pk]), {"risk": loose.pk}
        ).status_code
        == 302
    )
    page = client.get(reverse("quality:risk_analysis", args=[analysis.pk])).content.decode()
    assert "Kompetens försvinner" in page and "Lös risk" in page
    assert 'aria-labelledby="analysis-matrix-title analysis-matrix-desc"' in page
    assert client.get(reverse("quality:risk_analyses")).status_code == 200
    done = client.post(
        reverse("quality:risk_analysis_state", args=[analysis.pk]), {"step": "complete"}
    )
    assert done.status_code == 302
    analysis.refresh_from_db()
    assert analysis.state == "done"
    assert (
        client.get(reverse("quality:risk_create") + f"?analysis={analysis.pk}").status_code == 200
    )
    bof = f.analysis(tree.bof, actor=staff.quality_lead)
    assert client.get(reverse("quality:risk_analysis", args=[bof.pk])).status_code == 404
    assert client.get(reverse("quality:risks"), {"analysis": bof.pk}).status_code == 404


def test_subnav_entry(tree, staff, login):
    page = login(staff.unit_manager).get(reverse("quality:risks")).content.decode()
    assert 'href="/quality/risks/"' in page


def test_dashboard_panel_levels_and_due(tree, staff, login):
    today = timezone.localdate()
    high = f.risk(tree.vux_unit, actor=staff.unit_manager, p=1, s=4, title="Hög")
    f.risk(tree.vux_unit, actor=staff.unit_manager, p=4, s=1, title="Medel", reassess_on=today)
    f.risk(tree.bof_unit, actor=staff.quality_lead, p=4, s=4, title="Bof hög")
    panel = risk_panel(staff.unit_manager, None, today)
    assert panel is not None
    assert [r.title for r in panel["high"]] == [high.title] and panel["high_total"] == 1
    assert [r.title for r in panel["due"]] == ["Medel"]
    medium = risk_panel(staff.unit_manager, None, today, level="medium")
    assert medium is not None and medium["high_total"] == 2
    lead = risk_panel(staff.quality_lead, None, today)
    assert lead is not None and lead["high_total"] == 2
    assert risk_panel(staff.case_worker, None, today) is None
    templates = [t for t, _c in panels_for(staff.unit_manager, None, today)]
    assert "quality/risks/panel.html" in templates
    page = login(staff.unit_manager).get("/quality/").content.decode()
    assert 'id="risk-panel-h"' in page and "Hög" in page


def test_digest_reminds_owners_of_due_risks(tree, staff):
    today = timezone.localdate()
    due = f.risk(
        tree.vux_unit,
        actor=staff.unit_manager,
        owner=staff.unit_manager,
        reassess_on=today,
        title="Förfallen",
    )
    f.risk(
        tree.vux_unit,
        actor=staff.unit_manager,
        owner=staff.unit_manager,
        reassess_on=today + dt.timedelta(days=3),
        title="Senare",
    )
    f.risk(tree.vux_unit, actor=staff.unit_manager, reassess_on=today, title="Utan ägare")
    lines = digest_risks_due(today)
    assert set(lines) == {staff.unit_manager}
    [line] = lines[staff.unit_manager]
    assert "Förfallen" in line.text and line.path == reverse("quality:risk", args=[due.pk])
    later = digest_risks_due(today + dt.timedelta(days=4))
    assert len(later[staff.unit_manager]) == 2 and all(x.overdue for x in later[staff.unit_manager])


def test_pages_speak_swedish(tree, staff, login):
    risk = f.risk(tree.vux_unit, actor=staff.unit_manager, p=1, s=4)
    client = login(staff.unit_manager)
    page = client.get(reverse("quality:risks"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Riskregister" in page and "Sannolikhet 1, konsekvens 4: Hög, 1." in page
    detail = client.get(reverse("quality:risk", args=[risk.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    assert "Bedömningar" in detail.content.decode()
