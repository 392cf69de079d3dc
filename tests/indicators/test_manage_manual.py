"""Manual key figures through the services: entering, changing and deleting a value records a
change entry the unit's auditors see, who and when are kept; every rule refuses with a clear
message and writes nothing (future year, not manual, out of scope, percent over 100, a second
value for the same period, a stale version); a new local indicator needs `design`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from insyn.core import selectors as audit_selectors
from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from insyn.core.selectors import AuditFilter
from insyn.indicators.models import Indicator, IndicatorValue
from insyn.indicators.services import manual
from insyn.indicators.services.stamps import stamp_of
from tests.conftest import Staff, Tree
from tests.indicators import manage_factories as f

pytestmark = pytest.mark.usefixtures("english")


def _messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


def test_enter_keeps_who_and_when_and_is_audited_at_the_unit(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead)
    before = timezone.now()
    row = f.value(staff.unit_manager, ind, tree.vux_unit, year=2024, v=12.5)
    assert (row.source, row.value, row.year, row.period_end) == (
        "manual",
        12.5,
        2024,
        dt.date(2024, 12, 31),
    )
    assert row.entered_by == staff.unit_manager and row.entered_at and row.entered_at >= before
    assert row.provenance == "Manuellt inlagt värde"
    entry = ChangeEntry.objects.get(object_type="indicators.indicatorvalue", action="create")
    assert entry.org_path == tree.vux_unit.path
    assert entry.actor == staff.unit_manager and (entry.after or {})["value"] == 12.5
    # the unit's auditor (quality lead on the administration) sees it; Kalmar's admin does not
    assert (
        audit_selectors.change_entries(staff.quality_lead, AuditFilter())
        .filter(pk=entry.pk)
        .exists()
    )
    assert audit_selectors.change_entries(staff.admin, AuditFilter()).filter(pk=entry.pk).exists()
    assert (
        not audit_selectors.change_entries(staff.kalmar_admin, AuditFilter())
        .filter(pk=entry.pk)
        .exists()
    )


def test_update_and_delete_are_audited_with_before_and_after(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead)
    row = f.value(staff.unit_manager, ind, tree.vux_unit, v=10)
    manual.manual_value_update(actor=staff.quality_lead, row=row, value=11.0)
    row.refresh_from_db()
    assert row.value == 11.0 and row.entered_by == staff.quality_lead
    upd = ChangeEntry.objects.get(object_type="indicators.indicatorvalue", action="update")
    assert (upd.before or {})["value"] == 10 and (upd.after or {})["value"] == 11.0
    assert upd.org_path == tree.vux_unit.path
    pk = row.pk
    manual.manual_value_delete(actor=staff.unit_manager, row=row)
    assert not IndicatorValue.objects.filter(pk=pk).exists()
    gone = ChangeEntry.objects.get(object_type="indicators.indicatorvalue", action="delete")
    assert (gone.before or {})["value"] == 11.0 and gone.org_path == tree.vux_unit.path


def test_rolling_twelve_months_ending_in_the_past(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead)
    end = dt.date(2025, 6, 30)
    row = manual.manual_value_create(
        actor=staff.unit_manager,
        indicator=ind,
        org_unit=tree.vux_unit,
        value=3,
        period_kind="rolling12",
        period_end=end,
    )
    assert (row.period_kind, row.period_end, row.year) == ("rolling12", end, 2025)


def _nothing_written() -> None:
    assert not IndicatorValue.objects.exists()
    assert not ChangeEntry.objects.filter(object_type="indicators.indicatorvalue").exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"year": 2999}, "year", "in the future"),
        ({"year": 1850}, "year", "Enter a year"),
        ({"year": "2024"}, "year", "Enter a year"),
        ({"value": 101}, "value", "between 0 and 100"),
        ({"value": -1}, "value", "between 0 and 100"),
        ({"value": float("nan")}, "value", "Enter a number"),
        ({"value": "12"}, "value", "Enter a number"),
        ({"sex": "X"}, "sex", "total, women or men"),
        ({"period_kind": "week"}, "period_kind", "calendar year"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    tree: Tree, staff: Staff, kwargs: dict[str, Any], field: str, text: str
) -> None:
    ind = f.indicator(staff.quality_lead)
    data = {"year": 2024, "value": 50, "sex": "T", "period_kind": "year", **kwargs}
    with pytest.raises(ValidationError) as exc:
        manual.manual_value_create(
            actor=staff.unit_manager, indicator=ind, org_unit=tree.vux_unit, **data
        )
    assert any(text in m for m in _messages(exc, field))
    _nothing_written()


def test_next_year_is_refused_this_year_is_allowed(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead, unit="count")
    this_year = timezone.localdate().year
    with pytest.raises(ValidationError):
        f.value(staff.unit_manager, ind, tree.vux_unit, year=this_year + 1, v=3)
    assert f.value(staff.unit_manager, ind, tree.vux_unit, year=this_year, v=3).year == this_year


def test_rolling_period_not_ended_is_refused(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead)
    with pytest.raises(ValidationError) as exc:
        manual.manual_value_create(
            actor=staff.unit_manager,
            indicator=ind,
            org_unit=tree.vux_unit,
            value=3,
            period_kind="rolling12",
            period_end=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "has not ended" in _messages(exc, "period_end")[0]
    _nothing_written()


def test_negative_days_counts_and_kronor_are_refused(tree: Tree, staff: Staff) -> None:
    for unit in ("days", "count", "kr"):
        ind = f.indicator(staff.quality_lead, unit=unit)
        with pytest.raises(ValidationError):
            f.value(staff.unit_manager, ind, tree.vux_unit, v=-5)
    _nothing_written()


def test_an_indicator_that_is_not_manual_takes_no_value(tree: Tree, staff: Staff) -> None:
    kolada = f.catalogue_indicator()
    with pytest.raises(ValidationError) as exc:
        f.value(staff.unit_manager, kolada, tree.vux_unit)
    assert "entered by hand" in _messages(exc, "indicator")[0]
    _nothing_written()


def test_a_second_value_for_the_same_period_and_sex_is_refused(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead)
    f.value(staff.unit_manager, ind, tree.vux_unit, v=10)
    f.value(staff.unit_manager, ind, tree.vux_unit, v=11, sex="K")  # another sex is fine
    with pytest.raises(ValidationError) as exc:
        f.value(staff.unit_manager, ind, tree.vux_unit, v=12)
    assert "already has a value" in exc.value.messages[0]
    assert IndicatorValue.objects.count() == 2


def test_out_of_scope_is_not_found_and_nothing_written(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead)
    with pytest.raises(Http404):  # Kalmar's unit for a Växjö unit manager
        f.value(staff.unit_manager, ind, tree.kalmar_unit)
    with pytest.raises(Http404):  # reading is not writing
        f.value(staff.case_worker, ind, tree.vux_unit)
    with pytest.raises(Http404):  # the unit manager of VUX does not write for BOF
        f.value(staff.unit_manager, ind, tree.bof_unit)
    _nothing_written()
    row = f.value(staff.quality_lead, ind, tree.bof_unit)
    with pytest.raises(Http404):
        manual.manual_value_update(actor=staff.unit_manager, row=row, value=1)
    with pytest.raises(Http404):
        manual.manual_value_delete(actor=staff.kalmar_case_worker, row=row)
    row.refresh_from_db()
    assert row.value == 12.5


def test_a_stale_version_changes_nothing(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead)
    row = f.value(staff.unit_manager, ind, tree.vux_unit, v=10)
    seen = stamp_of(row)
    manual.manual_value_update(
        actor=staff.quality_lead,
        row=IndicatorValue.objects.get(pk=row.pk),
        value=20,
        expected_version=seen,
    )
    with pytest.raises(VersionConflict):
        manual.manual_value_update(
            actor=staff.unit_manager, row=row, value=30, expected_version=seen
        )
    with pytest.raises(VersionConflict):
        manual.manual_value_delete(actor=staff.unit_manager, row=row, expected_version=seen)
    row.refresh_from_db()
    assert row.value == 20
    assert (
        ChangeEntry.objects.filter(object_type="indicators.indicatorvalue", action="update").count()
        == 1
    )


def test_a_non_manual_row_cannot_be_changed_here(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead)
    row = f.value(staff.unit_manager, ind, tree.vux_unit, v=10)
    IndicatorValue.objects.filter(pk=row.pk).update(source="computed")
    row.refresh_from_db()
    with pytest.raises(Http404):
        manual.manual_value_update(actor=staff.unit_manager, row=row, value=5)


def test_new_local_indicator_needs_design_and_a_valid_key(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(
        staff.admin, key="sick-leave", title="Sjukfrånvaro", unit="percent", direction="lower"
    )
    assert (ind.source, ind.unit, ind.direction) == ("manual", "percent", "lower")
    assert ChangeEntry.objects.filter(object_type="indicators.indicator", action="create").exists()
    with pytest.raises(Http404):
        f.indicator(staff.unit_manager, key="other")
    for bad in ("", "x", "Sick Leave", "sick leave", "ä-key"):
        with pytest.raises(ValidationError) as exc:
            manual.manual_indicator_create(actor=staff.quality_lead, key=bad, title="T", unit="kr")
        assert "key" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        f.indicator(staff.quality_lead, key="sick-leave")
    assert "exists already" in exc.value.message_dict["key"][0]
    with pytest.raises(ValidationError) as exc:
        manual.manual_indicator_create(
            actor=staff.quality_lead, key="k2", title=" ", unit="miles", direction="up"
        )
    assert set(exc.value.message_dict) == {"title", "unit", "direction"}
    assert Indicator.objects.count() == 1
