"""The deviation pages as staff see them: report in a minute, who sees what, the steps."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from insyn.core.models import AccessEntry
from insyn.core.roles import Action, Role
from insyn.quality.models import Deviation
from tests.factories import user_with_role
from tests.quality.deviation_factories import category, deviation, linked

pytestmark = pytest.mark.usefixtures("catalogues")


def detail(d: Deviation) -> str:
    return reverse("quality:deviation_detail", args=[d.pk])


def test_report_link_is_in_the_navigation_of_every_page(tree, staff, login):
    page = login(staff.case_worker).get(reverse("clients:client_list"))
    assert reverse("quality:deviation_report") in page.content.decode()
    # not for those who may not report (the administrator runs the system)
    page = login(staff.admin).get(reverse("core:home"))
    assert reverse("quality:deviation_report") not in page.content.decode()


def test_report_form_preselects_own_unit_and_today(tree, staff, login):
    page = login(staff.case_worker).get(reverse("quality:deviation_report"))
    form = page.context["form"]
    assert form["unit"].value() == tree.vux_unit.pk or form["unit"].value() == tree.vux_unit
    assert form["occurred_on"].value() == timezone.localdate()
    assert "Rapportera avvikelse" in page.content.decode()  # Swedish first


def test_report_with_the_few_required_fields(tree, staff, login):
    client = login(staff.case_worker)
    answer = client.post(
        reverse("quality:deviation_report"),
        {
            "description": "Larmet gick inte.",
            "category": category("hot_vald").pk,
            "occurred_on": timezone.localdate().isoformat(),
            "unit": tree.vux_unit.pk,
        },
    )
    d = Deviation.objects.get()
    assert answer.status_code == 302 and answer["Location"] == detail(d)
    assert (d.reported_by, d.unit, d.state) == (staff.case_worker, tree.vux_unit, "reported")
    mine = client.get(reverse("quality:deviation_mine"))
    assert d.reference in mine.content.decode()
    assert client.get(detail(d)).status_code == 200  # the reporter reads their report


def test_bad_report_gets_messages_on_the_fields_and_writes_nothing(tree, staff, login, english):
    client = login(staff.case_worker)
    answer = client.post(
        reverse("quality:deviation_report"),
        {
            "description": "Något",
            "category": category().pk,
            "occurred_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
            "unit": tree.vux_unit.pk,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    form = answer.context["form"]
    assert form.errors["occurred_on"] == ["The date cannot be in the future."]
    unknown = client.post(
        reverse("quality:deviation_report"),
        {
            "description": "Något",
            "category": category().pk,
            "occurred_on": timezone.localdate().isoformat(),
            "unit": tree.vux_unit.pk,
            "link_ref": "finns-inte",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert unknown.status_code == 400
    assert unknown.context["form"].errors["link_ref"] == [
        "No client or case you can see has this reference."
    ]
    assert not Deviation.objects.exists()


def test_report_linked_to_a_case_by_its_reference(tree, staff, login):
    from tests.clients.factories import case, client

    c = case(client(tree.vux_unit))
    login(staff.case_worker).post(
        reverse("quality:deviation_report"),
        {
            "description": "Beslutet skickades inte.",
            "category": category("verkstallighet").pk,
            "occurred_on": timezone.localdate().isoformat(),
            "unit": tree.vux_unit.pk,
            "link_ref": c.case_ref,
        },
    )
    d = Deviation.objects.get()
    assert (d.client, d.case) == (c.client, c)


def test_outsiders_get_the_same_404_as_for_a_missing_report(tree, staff, login):
    d = deviation(tree, staff)
    missing = Deviation.objects.order_by("-pk").first().pk + 1000
    outsiders = [
        staff.other_case_worker,  # a case worker in another unit
        staff.kalmar_case_worker,
        user_with_role(Role.UNIT_MANAGER, tree.bof, username="bof_chef"),
    ]
    for user in outsiders:
        client = login(user)
        seen = client.get(detail(d))
        gone = client.get(reverse("quality:deviation_detail", args=[missing]))
        assert seen.status_code == gone.status_code == 404
        assert seen.content == gone.content
        posted = client.post(detail(d), {"op": "receive"})
        assert posted.status_code == 404
    assert Deviation.objects.get(pk=d.pk).state == "reported"
    assert AccessEntry.objects.filter(action="denied", object_id=str(d.pk)).exists()


def test_handler_needs_view_individual_for_a_client_linked_deviation(tree, staff, login):
    """A quality role without individual access on the unit sees the plain deviations only."""
    plain = deviation(tree, staff)
    personal = linked(tree, staff)
    from insyn.core import roles

    viewer = user_with_role(Role.UNIT_MANAGER, tree.vux, username="vux_chef2")
    # The same user, but the unit manager role stripped of view_individual (a role a
    # municipality might define): simulated by patching the matrix for this test.
    original = roles.PERMISSIONS[Role.UNIT_MANAGER]
    roles.PERMISSIONS[Role.UNIT_MANAGER] = original - {Action.VIEW_INDIVIDUAL}
    try:
        client = login(viewer)
        listed = client.get(reverse("quality:deviation_list")).content.decode()
        assert plain.reference in listed and personal.reference not in listed
        assert client.get(detail(personal)).status_code == 404
    finally:
        roles.PERMISSIONS[Role.UNIT_MANAGER] = original


def test_list_filters_and_only_the_subtree(tree, staff, login):
    a = deviation(tree, staff, code="bemotande")
    b = deviation(tree, staff, code="dokumentation", state="received")
    elsewhere = deviation(tree, staff, reporter=staff.other_case_worker, unit=tree.bof_unit)
    client = login(staff.unit_manager)  # manager of Vuxen/missbruk
    page = client.get(reverse("quality:deviation_list")).content.decode()
    assert a.reference in page and b.reference in page and elsewhere.reference not in page
    filtered = client.get(reverse("quality:deviation_list"), {"state": "received"})
    assert [d.pk for d in filtered.context["page"]] == [b.pk]
    by_cat = client.get(reverse("quality:deviation_list"), {"category": category("bemotande").pk})
    assert [d.pk for d in by_cat.context["page"]] == [a.pk]
    # the quality lead of the administration sees both departments
    lead = login(staff.quality_lead).get(reverse("quality:deviation_list"))
    assert {d.pk for d in lead.context["page"]} == {a.pk, b.pk, elsewhere.pk}


def test_detail_shows_only_the_available_steps_and_walks_the_flow(tree, staff, login):
    d = deviation(tree, staff)
    client = login(staff.unit_manager)
    page = client.get(detail(d))
    assert list(page.context["step_forms"]) == ["receive"]
    assert (
        client.post(detail(d), {"op": "receive", "receive-version": d.version}).status_code == 302
    )
    page = client.get(detail(d))
    assert list(page.context["step_forms"]) == ["investigate"]
    # the reporter sees the report but no step
    assert login(staff.case_worker).get(detail(d)).context["step_forms"] == {}


def test_a_step_out_of_order_is_refused_with_a_message(tree, staff, login, english):
    d = deviation(tree, staff)
    answer = login(staff.unit_manager).post(
        detail(d), {"op": "close", "close-feedback": "Klart."}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    assert "cannot be done now" in answer.content.decode()
    assert Deviation.objects.get(pk=d.pk).state == "reported"


def test_empty_investigation_is_refused_on_its_fields(tree, staff, login):
    d = deviation(tree, staff, state="received")
    answer = login(staff.unit_manager).post(
        detail(d), {"op": "investigate", "investigate-version": d.version}
    )
    assert answer.status_code == 400
    form = answer.context["step_forms"]["investigate"]
    assert {"investigation_facts", "consequences"} <= set(form.errors)
    assert Deviation.objects.get(pk=d.pk).state == "received"


def test_stale_page_is_reshown_and_writes_nothing(tree, staff, login):
    d = deviation(tree, staff, state="investigated")
    client = login(staff.unit_manager)
    stale = client.get(detail(d)).context["step_forms"]["decide_measures"].initial["version"]
    Deviation.objects.filter(pk=d.pk).update(version=stale + 1)  # someone saved meanwhile
    answer = client.post(
        detail(d),
        {
            "op": "decide_measures",
            "decide_measures-version": stale,
            "decide_measures-measures_text": "Ny rutin.",
        },
    )
    assert answer.status_code == 400
    assert Deviation.objects.get(pk=d.pk).state == "investigated"


def test_reads_are_audited_for_the_units_auditors(tree, staff, login):
    d = linked(tree, staff)
    login(staff.unit_manager).get(detail(d))
    entry = AccessEntry.objects.filter(
        object_type="quality.deviation", object_id=str(d.pk), actor=staff.unit_manager
    ).get()
    assert entry.client_id == d.client_id
    assert (
        AccessEntry.objects.restrict(staff.quality_lead, Action.VIEW_AUDIT)
        .filter(pk=entry.pk)
        .exists()
    )
    assert (
        not AccessEntry.objects.restrict(staff.kalmar_admin, Action.VIEW_AUDIT)
        .filter(pk=entry.pk)
        .exists()
    )


def test_export_csv_and_xlsx_are_formula_safe_and_audited(tree, staff, login):
    from insyn.quality.services.deviations import deviation_report

    d = deviation_report(
        actor=staff.case_worker,
        category=category(),
        occurred_on=timezone.localdate(),
        description='=HYPERLINK("http://x")',
    )
    outside = deviation(tree, staff, reporter=staff.other_case_worker, unit=tree.bof_unit)
    client = login(staff.unit_manager)
    answer = client.get(reverse("quality:deviation_export"), {"format": "csv"})
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == [d.reference]
    assert rows[1][9] == '\'=HYPERLINK("http://x")'
    assert outside.reference not in text
    xlsx = client.get(reverse("quality:deviation_export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 1).value == d.reference
    assert sheet.cell(2, 10).value.startswith("'=")
    assert (
        AccessEntry.objects.filter(
            action="export", object_id=str(d.pk), actor=staff.unit_manager
        ).count()
        == 2
    )
    # out of scope: the case worker (no view_quality) gets the same 404 as a missing page
    assert (
        login(staff.other_case_worker).get(reverse("quality:deviation_export")).status_code == 404
    )


def test_an_overdue_personal_data_incident_is_flagged_in_the_list(tree, staff, login):
    import datetime as dt

    late = deviation(tree, staff, code="sekretess")
    fresh = deviation(tree, staff, code="sekretess")
    Deviation.objects.filter(pk=late.pk).update(
        discovered_at=timezone.now() - dt.timedelta(hours=73)
    )
    page = login(staff.unit_manager).get(reverse("quality:deviation_list"))
    flagged = {d.reference: d.dpa_overdue for d in page.context["page"]}
    assert flagged == {late.reference: True, fresh.reference: False}
    assert page.content.decode().count("Anmälan försenad") == 1
