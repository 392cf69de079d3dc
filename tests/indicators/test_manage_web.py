"""The manage pages: list with who/when, enter, change, delete, the import with its dry-run
preview then confirm, targets and groups; readers see no write buttons and get 404 on write
pages; out of scope is 404; bad input is re-shown with the message and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from insyn.indicators.models import ComparisonGroup, IndicatorTarget, IndicatorValue
from insyn.indicators.services.stamps import stamp_of
from tests.conftest import Staff, Tree
from tests.indicators import manage_factories as f

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def english_pages(client: Any) -> Any:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_list_shows_who_and_when_and_write_links_only_to_writers(
    tree: Tree, staff: Staff, login: Any
) -> None:
    ind = f.indicator(staff.quality_lead, title="Sjukfrånvaro")
    row = f.value(staff.unit_manager, ind, tree.vux_unit, v=12.5)
    page = login(staff.unit_manager).get(reverse("indicators:manage"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Sjukfrånvaro" in text and staff.unit_manager.get_full_name() in text
    assert row.entered_at is not None
    assert timezone.localtime(row.entered_at).strftime("%Y-%m-%d") in text and "12.5" in text
    swedish = login(staff.unit_manager).get(reverse("indicators:manage"), HTTP_ACCEPT_LANGUAGE="sv")
    assert "12,5" in swedish.content.decode()
    assert reverse("indicators:manage_value_edit", args=[row.pk]) in text
    reader = login(staff.case_worker).get(reverse("indicators:manage")).content.decode()
    assert (
        "Sjukfrånvaro" in reader
        and reverse("indicators:manage_value_edit", args=[row.pk]) not in reader
    )
    assert login(staff.case_worker).get(reverse("indicators:manage_value_new")).status_code == 404
    assert (
        login(staff.admin).get(reverse("indicators:manage")).status_code == 404
    )  # no view_aggregate


def test_enter_change_and_delete_a_value(tree: Tree, staff: Staff, login: Any) -> None:
    ind = f.indicator(staff.quality_lead)
    client = login(staff.unit_manager)
    answer = client.post(
        reverse("indicators:manage_value_new"),
        {
            "indicator": ind.pk,
            "org_unit": tree.vux_unit.pk,
            "period_kind": "year",
            "year": 2024,
            "sex": "T",
            "value": "12,5",
        },
    )
    assert answer.status_code == 302
    row = IndicatorValue.objects.get()
    assert row.value == 12.5 and row.entered_by == staff.unit_manager
    edit = reverse("indicators:manage_value_edit", args=[row.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"value": "13", "version": stamp_of(row)}).status_code == 302
    stale = client.post(edit, {"value": "14", "version": stamp_of(row)})
    assert stale.status_code == 400 and "Someone else" in stale.content.decode()
    row.refresh_from_db()
    assert row.value == 13
    delete = reverse("indicators:manage_value_delete", args=[row.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete, {"version": stamp_of(row)}).status_code == 302
    assert not IndicatorValue.objects.exists()


def test_bad_value_is_reshown_and_nothing_written(tree: Tree, staff: Staff, login: Any) -> None:
    ind = f.indicator(staff.quality_lead)
    answer = login(staff.unit_manager).post(
        reverse("indicators:manage_value_new"),
        {
            "indicator": ind.pk,
            "org_unit": tree.vux_unit.pk,
            "period_kind": "year",
            "year": 2999,
            "sex": "T",
            "value": "12",
        },
    )
    assert answer.status_code == 400 and "in the future" in answer.content.decode()
    answer = login(staff.unit_manager).post(
        reverse("indicators:manage_value_new"),
        {
            "indicator": ind.pk,
            "org_unit": tree.kalmar_unit.pk,
            "period_kind": "year",
            "year": 2020,
            "sex": "T",
            "value": "12",
        },
    )
    assert answer.status_code == 400  # Kalmar's unit is not among the choices
    assert not IndicatorValue.objects.exists()


def test_out_of_scope_value_is_404(tree: Tree, staff: Staff, login: Any) -> None:
    ind = f.indicator(staff.quality_lead)
    row = f.value(staff.quality_lead, ind, tree.bof_unit)
    client = login(staff.unit_manager)
    for name in ("indicators:manage_value_edit", "indicators:manage_value_delete"):
        assert client.get(reverse(name, args=[row.pk])).status_code == 404
        assert client.get(reverse(name, args=[999999])).status_code == 404
    assert (
        client.post(reverse("indicators:manage_value_delete", args=[row.pk]), {}).status_code == 404
    )
    assert IndicatorValue.objects.filter(pk=row.pk).exists()


def test_new_local_indicator_page(tree: Tree, staff: Staff, login: Any) -> None:
    client = login(staff.quality_lead)
    answer = client.post(
        reverse("indicators:manage_indicator_new"),
        {
            "key": "sick-leave",
            "title": "Sjukfrånvaro",
            "unit": "percent",
            "direction": "lower",
            "type": "",
        },
    )
    assert answer.status_code == 302 and "indicator=sick-leave" in answer["Location"]
    bad = client.post(
        reverse("indicators:manage_indicator_new"),
        {"key": "Bad Key", "title": "", "unit": "percent", "direction": "none"},
    )
    assert bad.status_code == 400
    assert (
        login(staff.unit_manager).get(reverse("indicators:manage_indicator_new")).status_code == 404
    )


def test_import_preview_then_confirm(tree: Tree, staff: Staff, login: Any) -> None:
    f.indicator(staff.quality_lead, key="staff-turnover")
    client = login(staff.unit_manager)
    upload = SimpleUploadedFile(
        "f.csv", b"indicator;unit;year;sex;value\nstaff-turnover;VUX;2024;T;14,2\n"
    )
    preview = client.post(reverse("indicators:manage_import"), {"file": upload})
    assert preview.status_code == 200 and not IndicatorValue.objects.exists()
    signed = preview.context["upload"]
    assert signed and "Check before saving" in preview.content.decode()
    done = client.post(reverse("indicators:manage_import"), {"upload": signed})
    assert done.status_code == 200 and done.context["done"]
    assert IndicatorValue.objects.get().value == 14.2
    tampered = client.post(reverse("indicators:manage_import"), {"upload": signed + "x"})
    assert tampered.status_code == 400


def test_import_with_problems_shows_them_and_offers_no_confirm(
    tree: Tree, staff: Staff, login: Any
) -> None:
    f.indicator(staff.quality_lead, key="staff-turnover")
    upload = SimpleUploadedFile(
        "f.csv", b"indicator;unit;year;sex;value\nstaff-turnover;IFO;2024;T;14,2\n"
    )
    answer = login(staff.unit_manager).post(reverse("indicators:manage_import"), {"file": upload})
    text = answer.content.decode()
    assert answer.status_code == 400 and "f.csv, row 2, column unit: Unknown unit code IFO." in text
    assert not answer.context["upload"] and not IndicatorValue.objects.exists()


def test_targets_pages(tree: Tree, staff: Staff, login: Any) -> None:
    ind = f.catalogue_indicator(key="U31462")
    client = login(staff.unit_manager)
    assert client.get(reverse("indicators:manage_target_new")).status_code == 200
    made = client.post(
        reverse("indicators:manage_target_new"),
        {
            "indicator": ind.pk,
            "org_unit": tree.vux.pk,
            "year": "2026",
            "value": "85",
            "comparison": "",
            "decision": "SN § 4",
        },
    )
    assert made.status_code == 302
    target = IndicatorTarget.objects.get()
    assert (target.comparison, target.value) == ("at_least", 85)
    assert "SN § 4" in client.get(reverse("indicators:manage_targets")).content.decode()
    edit = reverse("indicators:manage_target_edit", args=[target.pk])
    assert client.get(edit).status_code == 200
    bad = client.post(
        edit,
        {"year": "", "value": "101", "comparison": "", "decision": "", "version": stamp_of(target)},
    )
    assert bad.status_code == 400 and "between 0 and 100" in bad.content.decode()
    assert (
        client.post(
            edit,
            {
                "year": "",
                "value": "90",
                "comparison": "at_least",
                "decision": "",
                "version": stamp_of(target),
            },
        ).status_code
        == 302
    )
    target.refresh_from_db()
    assert (target.year, target.value) == (None, 90)
    assert login(staff.kalmar_case_worker).get(edit).status_code == 404
    client = login(staff.unit_manager)
    assert (
        client.post(
            reverse("indicators:manage_target_delete", args=[target.pk]),
            {"version": stamp_of(target)},
        ).status_code
        == 302
    )
    assert not IndicatorTarget.objects.exists()


def test_groups_pages(tree: Tree, staff: Staff, login: Any) -> None:
    f.municipalities("0764", "0765")
    client = login(staff.unit_manager)
    assert client.get(reverse("indicators:manage_group_new")).status_code == 200
    made = client.post(
        reverse("indicators:manage_group_new"),
        {"owner": tree.vux.pk, "title": "Grannar", "members": ["0764", "0765"]},
    )
    assert made.status_code == 302
    group = ComparisonGroup.objects.get(kind="user")
    assert "Grannar" in client.get(reverse("indicators:manage_groups")).content.decode()
    edit = reverse("indicators:manage_group_edit", args=[group.pk])
    assert client.post(edit, {"title": "Grannar 2", "members": ["0765"]}).status_code == 302
    assert login(staff.kalmar_case_worker).get(edit).status_code == 404
    assert (
        "Grannar"
        not in login(staff.kalmar_case_worker)
        .get(reverse("indicators:manage_groups"))
        .content.decode()
    )
    client = login(staff.unit_manager)
    assert (
        client.post(reverse("indicators:manage_group_delete", args=[group.pk])).status_code == 302
    )
    assert not ComparisonGroup.objects.filter(kind="user").exists()


def test_navigation_entry_for_writers(tree: Tree, staff: Staff, login: Any) -> None:
    assert (
        reverse("indicators:manage")
        in login(staff.unit_manager).get(reverse("core:home")).content.decode()
    )
    assert (
        reverse("indicators:manage")
        not in login(staff.case_worker).get(reverse("core:home")).content.decode()
    )
