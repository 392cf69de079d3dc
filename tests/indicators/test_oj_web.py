"""Pages and API of the Open Comparisons workflow: the matrix ordered by priority and saved
from the page, a proposal decided into an action plan (on the action plan list), out of scope
is 404 for pages and API, a stale form is refused, the A3 is one PDF page with its texts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from insyn.indicators.models import OjPriority, OjPublication
from insyn.indicators.selectors import oj as selectors
from insyn.indicators.services import oj_steps as steps
from insyn.indicators.views.oj_a3 import render_a3_pdf
from insyn.quality.models import ActionPlan
from tests.factories import TEST_PASSWORD
from tests.indicators import oj_factories as f


def _login(client: Any, user: Any) -> Any:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_matrix_is_ordered_by_priority_with_the_unprioritised_last(
    tree: Any, staff: Any
) -> None:
    pub = f.publication(tree.aov, staff.quality_lead, to="quick_analysis", negatives=4)
    rows = selectors.matrix(pub)
    assert len(rows) == 4
    a, b, c, d = rows  # catalogue order before any priority
    steps.matrix_save(
        actor=staff.quality_lead,
        publication=pub,
        rows={
            a.pk: {"priority": 3},
            b.pk: {"priority": None},
            c.pk: {"priority": 1},
            d.pk: {"priority": 2},
        },
    )
    assert [r.pk for r in selectors.matrix(pub)] == [c.pk, d.pk, a.pk, b.pk]


def test_the_matrix_page_saves_every_row_and_shows_them_in_order(
    client: Any, tree: Any, staff: Any
) -> None:
    pub = f.publication(tree.aov, staff.quality_lead, to="quick_analysis", negatives=2)
    first, second = selectors.matrix(pub)
    _login(client, staff.quality_lead)
    url = reverse("indicators:oj_matrix", args=[pub.pk])
    page = client.get(url)
    assert page.status_code == 200
    data: dict[str, Any] = {"version": pub.version}
    for row, prio in ((first, "2"), (second, "1")):
        data.update(
            {
                f"row-{row.pk}-priority": prio,
                f"row-{row.pk}-deficit_cost": "high",
                f"row-{row.pk}-decision": f"Beslut {prio}",
            }
        )
    assert client.post(url, data).status_code == 302
    html = client.get(url).content.decode()
    assert html.index("Beslut 1") < html.index("Beslut 2")
    assert OjPriority.objects.get(pk=first.pk).deficit_cost == "high"
    # the same version again: someone else saved first, nothing changes
    data[f"row-{first.pk}-decision"] = "Gammalt"
    stale = client.post(url, data)
    assert stale.status_code == 409
    assert OjPriority.objects.get(pk=first.pk).decision == "Beslut 2"


def test_a_decided_proposal_is_an_action_plan_on_the_action_plan_list(
    client: Any, tree: Any, staff: Any
) -> None:
    pub = f.publication(tree.aov, staff.quality_lead, to="deep_analysis")
    lead = staff.quality_lead
    _login(client, lead)
    answer = client.post(
        reverse("indicators:oj_proposal", args=[pub.pk]),
        {"version": pub.version, "title": "Ny rutin för första besöket", "description": "Rutin."},
    )
    assert answer.status_code == 302
    proposal = pub.proposals.get()
    pub.refresh_from_db()
    answer = client.post(
        reverse("indicators:oj_decide", args=[pub.pk, proposal.pk]),
        {f"decide-{proposal.pk}-version": pub.version, f"decide-{proposal.pk}-owner": lead.pk},
    )
    assert answer.status_code == 302, answer.content[:2000]
    proposal.refresh_from_db()
    plan = proposal.action_plan
    assert isinstance(plan, ActionPlan)
    assert plan.unit == tree.aov and plan.owner == lead
    assert "Öppna jämförelser" in plan.problem or "Open Comparisons" in plan.problem
    listing = client.get(reverse("quality:action_plans")).content.decode()
    assert "Ny rutin för första besöket" in listing
    detail = client.get(reverse("indicators:oj_detail", args=[pub.pk])).content.decode()
    assert reverse("quality:action_plan", args=[plan.pk]) in detail


def test_out_of_scope_is_not_found_for_pages_and_api(client: Any, tree: Any, staff: Any) -> None:
    pub = f.publication(tree.aov, staff.quality_lead, to="quick_analysis")
    result = pub.results.get(indicator__key="oj-neg-0")
    _login(client, staff.kalmar_admin)
    for name, args in (
        ("oj_detail", [pub.pk]),
        ("oj_matrix", [pub.pk]),
        ("oj_a3", [pub.pk]),
        ("oj_a3_pdf", [pub.pk]),
    ):
        assert client.get(reverse(f"indicators:{name}", args=args)).status_code == 404, name
    assert (
        client.post(
            reverse("indicators:oj_step", args=[pub.pk]), {"action": "prioritise"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("indicators:oj_quick", args=[pub.pk, result.pk]), {}).status_code == 404
    )
    assert client.get(f"/api/indicators/oj/publications/{pub.pk}/").status_code == 404
    assert (
        client.get("/api/indicators/oj/publications/").json()["results"] == []
        or client.get("/api/indicators/oj/publications/").json() == []
    )
    answer = client.post(
        f"/api/indicators/oj/publications/{pub.pk}/transition/",
        {"action": "prioritise"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    # a case worker of the unit sees no quality work either
    _login(client, staff.case_worker)
    assert client.get(reverse("indicators:oj_detail", args=[pub.pk])).status_code == 404
    pub.refresh_from_db()
    assert pub.status == OjPublication.Status.QUICK_ANALYSIS


def test_the_api_reads_and_steps_a_publication(client: Any, tree: Any, staff: Any) -> None:
    pub = f.publication(tree.aov, staff.quality_lead, to="quick_analysis", negatives=2)
    _login(client, staff.quality_lead)
    body = client.get(f"/api/indicators/oj/publications/{pub.pk}/").json()
    assert body["status"] == "quick_analysis"
    assert len(body["results"]) == 3
    row = next(r["priority"] for r in body["results"] if r["priority"])
    answer = client.post(
        f"/api/indicators/oj/publications/{pub.pk}/matrix/",
        {"version": body["version"], "rows": [{"id": row["id"], "priority": 1}]},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    version = answer.json()["version"]
    stale = client.post(
        f"/api/indicators/oj/publications/{pub.pk}/transition/",
        {"version": body["version"], "action": "prioritise"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    illegal = client.post(
        f"/api/indicators/oj/publications/{pub.pk}/transition/",
        {"version": version, "action": "communicate"},
        content_type="application/json",
    )
    assert illegal.status_code == 400 and illegal.json()["non_field_errors"]
    ok = client.post(
        f"/api/indicators/oj/publications/{pub.pk}/transition/",
        {"version": version, "action": "prioritise"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "prioritised"
    assert ok.json()["prioritised_by"] == staff.quality_lead.pk


def test_the_a3_is_one_pdf_page_with_its_texts(client: Any, tree: Any, staff: Any) -> None:
    from pypdf import PdfReader

    pub = f.publication(tree.aov, staff.quality_lead, to="followed_up")
    steps_text = "Orsak: ingen gemensam rutin. " * 200  # far too long: cut, never a second page
    from insyn.indicators.services import oj as services

    services.publication_update(
        actor=staff.quality_lead,
        publication=pub,
        a3_current_state="Nuläge: 52 % får tydlig information.",
        a3_target_state="Målbild: 75 % år 2027.",
        a3_causes=steps_text,
    )
    reader = PdfReader(io.BytesIO(render_a3_pdf(pub)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("52 % får tydlig information", "Målbild: 75 %", "Rutin för information"):
        assert expected in text, text[:500]
    _login(client, staff.quality_lead)
    answer = client.get(reverse("indicators:oj_a3_pdf", args=[pub.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    page = client.get(reverse("indicators:oj_a3", args=[pub.pk]))
    assert "Målbild: 75 % år 2027." in page.content.decode()


def test_a_stale_quick_analysis_form_is_refused(client: Any, tree: Any, staff: Any) -> None:
    pub = f.publication(tree.aov, staff.quality_lead, to="received")
    r = steps.result_add(
        actor=staff.quality_lead,
        publication=pub,
        indicator=f.indicator("q"),
        colour="red",
        source="T",
    )
    _login(client, staff.quality_lead)
    url = reverse("indicators:oj_quick", args=[pub.pk, r.pk])
    data = {
        f"quick-{r.pk}-version": pub.version - 1,
        f"quick-{r.pk}-important": "yes",
        f"quick-{r.pk}-reliable": "no",
        f"quick-{r.pk}-ongoing_work": "no",
    }
    assert client.post(url, data).status_code == 409
    assert not hasattr(type(r).objects.get(pk=r.pk), "quick") or True
    r.refresh_from_db()
    from insyn.indicators.models import OjQuickAnalysis

    assert not OjQuickAnalysis.objects.filter(result=r).exists()
    pub.refresh_from_db()
    data[f"quick-{r.pk}-version"] = pub.version
    assert client.post(url, data).status_code == 302
    assert OjQuickAnalysis.objects.get(result=r).reliable == "no"


@pytest.mark.parametrize("name", ["oj_list"])
def test_the_list_page_and_navigation(client: Any, tree: Any, staff: Any, name: Any) -> None:
    pub = f.publication(tree.aov, staff.quality_lead)
    _login(client, staff.quality_lead)
    html = client.get(reverse(f"indicators:{name}")).content.decode()
    assert pub.title in html
    assert "Öppna jämförelser" in html
    assert TEST_PASSWORD  # the shared factories' password (used by the browser test)
