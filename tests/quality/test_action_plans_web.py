"""The action-plan pages: who sees what (out of scope is the same 404 as missing), create
from a source, item status forms offering only available steps, stale pages, the start page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.quality.models import ActionItem, ActionPlan
from insyn.quality.services import action_plans as services
from tests.quality import action_plans_factories as f

pytestmark = pytest.mark.usefixtures("english", "catalogues")


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages in English, so the tests read the messages they assert (Swedish is the default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_list_and_detail_are_scoped(tree, staff, login):
    vux = f.plan(tree.vux_unit, staff.unit_manager, title="Vux-planen")
    bof = f.plan(tree.bof_unit, staff.quality_lead, title="Bof-planen")
    page = login(staff.unit_manager).get(reverse("quality:action_plans")).content.decode()
    assert "Vux-planen" in page and "Bof-planen" not in page
    client = login(staff.unit_manager)
    missing = client.get(reverse("quality:action_plan", args=[999999]))
    hidden = client.get(reverse("quality:action_plan", args=[bof.pk]))
    assert missing.status_code == hidden.status_code == 404
    assert missing.content == hidden.content
    lead = login(staff.quality_lead).get(reverse("quality:action_plans")).content.decode()
    assert "Vux-planen" in lead and "Bof-planen" in lead
    assert (
        login(staff.kalmar_admin).get(reverse("quality:action_plan", args=[vux.pk])).status_code
        == 404
    )


def test_list_filters(tree, staff, login):
    dev = f.deviation(tree.vux_unit, staff.case_worker)
    linked = services.action_plan_create(
        actor=None, title="Från avvikelse", problem="P", owner=staff.unit_manager, deviation=dev
    )
    late = f.plan(tree.vux_unit, staff.unit_manager, title="Sen plan")
    f.item(late, staff.case_worker, due_in=-2)
    done = f.plan(tree.vux_unit, staff.unit_manager, title="Stängd plan")
    services.action_plan_close(actor=None, plan=done)
    f.plan(tree.bof_unit, staff.quality_lead, title="Bof-plan")
    client = login(staff.quality_lead)
    url = reverse("quality:action_plans")

    def titles(**params):
        page = client.get(url, params).content.decode()
        return {t for t in ("Från avvikelse", "Sen plan", "Stängd plan", "Bof-plan") if t in page}

    assert titles() == {"Från avvikelse", "Sen plan", "Stängd plan", "Bof-plan"}
    assert titles(source="deviation") == {"Från avvikelse"}
    assert titles(source="none") == {"Sen plan", "Stängd plan", "Bof-plan"}
    assert titles(overdue="on") == {"Sen plan"}
    assert titles(status="closed") == {"Stängd plan"}
    assert titles(unit=tree.bof_unit.pk) == {"Bof-plan"}
    assert titles(unit=tree.vux.pk) == {"Från avvikelse", "Sen plan", "Stängd plan"}  # subtree
    assert linked.unit == tree.vux_unit


def test_create_from_a_deviation_prefills_source_and_unit(tree, staff, login):
    dev = f.deviation(tree.vux_unit, staff.case_worker)
    client = login(staff.unit_manager)
    url = reverse("quality:action_plan_create") + f"?deviation={dev.pk}"
    page = client.get(url)
    assert page.status_code == 200 and dev.reference in page.content.decode()
    assert f'<option value="{tree.vux_unit.pk}" selected>' in page.content.decode()
    response = client.post(
        url,
        {
            "unit": tree.vux_unit.pk,
            "title": "Läkemedelshantering",
            "problem": "Fel dos",
            "owner": staff.unit_manager.pk,
        },
    )
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "quality:action_plan", args=[plan.pk]
    )
    assert plan.deviation == dev and plan.unit == tree.vux_unit


def test_create_from_an_invisible_source_is_404(tree, staff, login, officer):
    other = f.deviation(tree.bof_unit, staff.other_case_worker)
    report = f.lex_sarah(tree.vux_unit, staff.case_worker)
    client = login(staff.unit_manager)
    base = reverse("quality:action_plan_create")
    assert client.get(f"{base}?deviation={other.pk}").status_code == 404
    assert client.get(f"{base}?lex_sarah={report.pk}").status_code == 404
    assert client.get(f"{base}?deviation=abc").status_code == 404
    assert login(staff.quality_lead).get(f"{base}?lex_sarah={report.pk}").status_code == 200
    # without handle_quality the create page does not exist at all
    assert login(staff.case_worker).get(base).status_code == 404


def test_bad_input_is_shown_on_the_field_and_nothing_is_saved(tree, staff, login):
    client = login(staff.unit_manager)
    response = client.post(
        reverse("quality:action_plan_create"),
        {"unit": tree.vux_unit.pk, "title": "", "problem": "P", "owner": staff.unit_manager.pk},
    )
    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    assert not ActionPlan.objects.exists()


def test_status_form_offers_only_available_steps(tree, staff, login):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    item = f.item(p, staff.case_worker)
    page = (
        login(staff.unit_manager).get(reverse("quality:action_plan", args=[p.pk])).content.decode()
    )
    assert 'value="start"' in page and 'value="complete"' in page and 'value="cancel"' in page
    services.action_item_transition(actor=None, item=item, action="start")
    page = (
        login(staff.unit_manager).get(reverse("quality:action_plan", args=[p.pk])).content.decode()
    )
    assert 'value="start"' not in page and 'value="complete"' in page
    services.action_item_transition(actor=None, item=item, action="complete", result="Ok")
    page = (
        login(staff.unit_manager).get(reverse("quality:action_plan", args=[p.pk])).content.decode()
    )
    assert 'value="complete"' not in page and 'value="cancel"' not in page


def test_responsible_case_worker_completes_their_item_on_the_page(tree, staff, login):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    mine = f.item(p, staff.case_worker)
    other = f.item(p, staff.unit_manager)
    client = login(staff.case_worker)  # no view_quality: sees the plan through their item
    page = client.get(reverse("quality:action_plan", args=[p.pk]))
    assert page.status_code == 200
    assert (
        f'action="{reverse("quality:action_item_status", args=[mine.pk])}"' in page.content.decode()
    )
    assert reverse("quality:action_item_status", args=[other.pk]) not in page.content.decode()
    url = reverse("quality:action_item_status", args=[mine.pk])
    prefix = f"item{mine.pk}"
    bad = client.post(
        url, {f"{prefix}-step": "complete", f"{prefix}-result": "", f"{prefix}-version": 1}
    )
    assert bad.status_code == 400 and "Say what was done" in bad.content.decode()
    ok = client.post(
        url, {f"{prefix}-step": "complete", f"{prefix}-result": "Klart", f"{prefix}-version": 1}
    )
    assert ok.status_code == 302
    mine.refresh_from_db()
    assert mine.status == ActionItem.Status.DONE
    # not theirs: the same 404 as a missing item
    assert (
        client.post(reverse("quality:action_item_status", args=[other.pk]), {}).status_code == 404
    )
    # and no editing of the plan
    assert client.get(reverse("quality:action_plan_edit", args=[p.pk])).status_code == 404
    # a case worker with no item in a plan does not see it
    assert (
        login(staff.other_case_worker).get(reverse("quality:action_plan", args=[p.pk])).status_code
        == 404
    )


def test_stale_edit_page_is_reshown_with_the_conflict(tree, staff, login):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    client = login(staff.unit_manager)
    url = reverse("quality:action_plan_edit", args=[p.pk])
    form = client.get(url).context["form"]
    services.action_plan_update(actor=staff.quality_lead, plan=p, goal="Ändrat av någon annan")
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "title": "Min titel"}
    data["owner"] = staff.unit_manager.pk
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Someone else changed this" in response.content.decode()
    p.refresh_from_db()
    assert p.title == "Bättre överlämningar" and p.goal == "Ändrat av någon annan"


def test_follow_up_and_close_pages(tree, staff, login):
    p = f.plan(tree.vux_unit, staff.unit_manager)
    item = f.item(p, staff.case_worker)
    client = login(staff.unit_manager)
    refused = client.post(reverse("quality:action_plan_close", args=[p.pk]), {"version": p.version})
    assert refused.status_code == 400 and "every item" in refused.content.decode()
    services.action_item_transition(actor=None, item=item, action="complete", result="Ok")
    url = reverse("quality:action_plan_follow_up", args=[p.pk])
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    bad = client.post(
        url, {"followed_up_on": future, "outcome": "effective", "outcome_text": "x", "version": 1}
    )
    assert bad.status_code == 400 and "cannot be in the future" in bad.content.decode()
    today = timezone.localdate().isoformat()
    ok = client.post(
        url, {"followed_up_on": today, "outcome": "partly", "outcome_text": "Delvis", "version": 1}
    )
    assert ok.status_code == 302
    p.refresh_from_db()
    assert p.status == ActionPlan.Status.FOLLOWED_UP
    closed = client.post(reverse("quality:action_plan_close", args=[p.pk]), {"version": p.version})
    assert closed.status_code == 302
    p.refresh_from_db()
    assert p.status == ActionPlan.Status.CLOSED


def test_start_page_lists_my_overdue_and_soon_due_items(tree, staff, login):
    p = f.plan(tree.vux_unit, staff.unit_manager, title="Rutinplan")
    overdue = f.item(p, staff.case_worker, due_in=-1, activity="Sen aktivitet")
    soon = f.item(p, staff.case_worker, due_in=5, activity="Snart aktivitet")
    f.item(p, staff.case_worker, due_in=30, activity="Långt bort")
    f.item(p, staff.unit_manager, due_in=1, activity="Chefens aktivitet")
    page = login(staff.case_worker).get(reverse("core:home")).content.decode()
    assert "My action items" in page
    assert "Sen aktivitet" in page and "Snart aktivitet" in page
    assert "Långt bort" not in page and "Chefens aktivitet" not in page
    assert f"#item-{overdue.pk}" in page and f"#item-{soon.pk}" in page
    swedish = login(staff.case_worker).get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="sv")
    assert "Mina åtgärder" in swedish.content.decode()
    services.action_item_transition(actor=None, item=overdue, action="complete", result="Ok")
    page = login(staff.case_worker).get(reverse("core:home")).content.decode()
    assert "Sen aktivitet" not in page
    # someone with nothing due sees no panel
    assert (
        "My actions"
        not in login(staff.other_case_worker).get(reverse("core:home")).content.decode()
    )


def test_nav_item_for_view_quality_only(tree, staff, login):
    """Action plans are in the quality area's own menu, for view_quality holders only."""
    url = reverse("quality:action_plans")
    page = login(staff.unit_manager).get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert f'href="{url}" aria-current="page">Handlingsplaner</a>' in page
    assert (
        f'href="{url}"' not in login(staff.case_worker).get(reverse("core:home")).content.decode()
    )


def test_source_is_shown_only_to_those_who_may_read_it(tree, staff, login, officer):
    report = f.lex_sarah(tree.vux_unit, staff.case_worker)
    report.diary_number = "LS-2026-7"
    report.save()
    p = services.action_plan_create(
        actor=staff.quality_lead,
        title="Larmrutiner",
        problem="P",
        owner=staff.unit_manager,
        lex_sarah_report=report,
    )
    url = reverse("quality:action_plan", args=[p.pk])
    lead = login(staff.quality_lead).get(url).content.decode()
    assert "LS-2026-7" in lead
    manager = login(staff.unit_manager).get(url).content.decode()  # owner, no lex Sarah rights
    assert "LS-2026-7" not in manager and "A finding you cannot see" in manager
