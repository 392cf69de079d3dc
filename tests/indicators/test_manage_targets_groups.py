"""Committee targets and user-defined comparison groups through the services: the comparison
defaults from the indicator's direction, every rule refuses with a message and writes nothing,
out of scope is not found, a stale version changes nothing, and every write is a change entry
the unit's auditors see. Groups are listed only to users with scope over their owner."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from insyn.core import selectors as audit_selectors
from insyn.core.concurrency import VersionConflict
from insyn.core.models import ChangeEntry
from insyn.core.selectors import AuditFilter
from insyn.indicators.models import ComparisonGroup, IndicatorTarget
from insyn.indicators.selectors import manage as selectors
from insyn.indicators.services import groups, targets
from insyn.indicators.services.stamps import stamp_of
from tests.conftest import Staff, Tree
from tests.indicators import manage_factories as f

pytestmark = pytest.mark.usefixtures("english")


def test_target_comparison_defaults_from_the_direction(tree: Tree, staff: Staff) -> None:
    higher = f.catalogue_indicator(key="U31462", direction="higher")
    lower = f.catalogue_indicator(key="U31402", direction="lower", unit="days")
    t1 = f.target(staff.unit_manager, higher, tree.vux_unit, v=80, decision="SN 2026-02-12 § 14")
    t2 = f.target(staff.unit_manager, lower, tree.vux_unit, year=None, v=30)
    assert (t1.comparison, t2.comparison, t2.year) == ("at_least", "at_most", None)
    assert t1.met(80) and not t1.met(79.9) and t2.met(30) and not t2.met(31)
    assert t1.created_by == staff.unit_manager and t1.decision == "SN 2026-02-12 § 14"
    entry = ChangeEntry.objects.filter(object_type="indicators.indicatortarget").first()
    assert entry is not None and entry.org_path == tree.vux_unit.path
    assert (
        audit_selectors.change_entries(staff.quality_lead, AuditFilter())
        .filter(pk=entry.pk)
        .exists()
    )
    assert (
        not audit_selectors.change_entries(staff.kalmar_admin, AuditFilter())
        .filter(pk=entry.pk)
        .exists()
    )


def test_an_explicit_comparison_wins_and_none_direction_needs_one(tree: Tree, staff: Staff) -> None:
    ind = f.indicator(staff.quality_lead, unit="kr")  # direction none
    with pytest.raises(ValidationError) as exc:
        f.target(staff.unit_manager, ind, tree.vux_unit, v=1000)
    assert "at least or at most" in exc.value.message_dict["comparison"][0]
    t = f.target(staff.unit_manager, ind, tree.vux_unit, v=1000, comparison="at_most")
    assert t.comparison == "at_most"


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"v": 120}, "value", "between 0 and 100"),
        ({"v": -1}, "value", "between 0 and 100"),
        ({"v": float("inf")}, "value", "Enter a number"),
        ({"year": 1800}, "year", "Enter a year"),
        ({"year": 3000}, "year", "Enter a year"),
        ({"comparison": "about"}, "comparison", "at least or at most"),
        ({"decision": "x" * 201}, "decision", "200"),
    ],
)
def test_bad_target_is_refused_and_nothing_written(
    tree: Tree, staff: Staff, kwargs: dict[str, Any], field: str, text: str
) -> None:
    ind = f.catalogue_indicator()
    with pytest.raises(ValidationError) as exc:
        f.target(staff.unit_manager, ind, tree.vux_unit, **kwargs)
    assert any(text in m for m in exc.value.message_dict[field])
    assert not IndicatorTarget.objects.exists()
    assert not ChangeEntry.objects.filter(object_type="indicators.indicatortarget").exists()


def test_a_target_some_years_ahead_is_fine(tree: Tree, staff: Staff) -> None:
    ind = f.catalogue_indicator()
    year = timezone.localdate().year + 3
    assert f.target(staff.unit_manager, ind, tree.vux_unit, year=year).year == year


def test_duplicate_targets_are_refused(tree: Tree, staff: Staff) -> None:
    ind = f.catalogue_indicator()
    f.target(staff.unit_manager, ind, tree.vux_unit, year=2025)
    f.target(staff.unit_manager, ind, tree.vux_unit, year=None)
    with pytest.raises(ValidationError) as exc:
        f.target(staff.unit_manager, ind, tree.vux_unit, year=2025)
    assert "already has a target" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        f.target(staff.unit_manager, ind, tree.vux_unit, year=None)
    assert "standing target" in exc.value.messages[0]
    assert IndicatorTarget.objects.count() == 2


def test_target_out_of_scope_is_not_found(tree: Tree, staff: Staff) -> None:
    ind = f.catalogue_indicator()
    for actor, unit in (
        (staff.unit_manager, tree.kalmar_unit),
        (staff.case_worker, tree.vux_unit),
        (staff.analyst, tree.vux_unit),
    ):
        with pytest.raises(Http404):
            f.target(actor, ind, unit)
    t = f.target(staff.quality_lead, ind, tree.bof_unit)
    with pytest.raises(Http404):
        targets.target_update(actor=staff.unit_manager, target=t, value=1, year=2025)
    with pytest.raises(Http404):
        targets.target_delete(actor=staff.unit_manager, target=t)
    assert IndicatorTarget.objects.get().value == 80


def test_target_update_delete_and_stale_version(tree: Tree, staff: Staff) -> None:
    ind = f.catalogue_indicator()
    t = f.target(staff.unit_manager, ind, tree.vux_unit, v=80)
    seen = stamp_of(t)
    targets.target_update(
        actor=staff.quality_lead,
        target=IndicatorTarget.objects.get(pk=t.pk),
        value=85,
        year=2025,
        expected_version=seen,
    )
    with pytest.raises(VersionConflict):
        targets.target_update(
            actor=staff.unit_manager, target=t, value=90, year=2025, expected_version=seen
        )
    t.refresh_from_db()
    assert t.value == 85
    upd = ChangeEntry.objects.get(object_type="indicators.indicatortarget", action="update")
    assert (upd.before, upd.after) == ({"value": 80.0}, {"value": 85.0})
    with pytest.raises(VersionConflict):
        targets.target_delete(actor=staff.unit_manager, target=t, expected_version=seen)
    targets.target_delete(actor=staff.unit_manager, target=t, expected_version=stamp_of(t))
    assert not IndicatorTarget.objects.exists()
    assert ChangeEntry.objects.filter(
        object_type="indicators.indicatortarget", action="delete"
    ).exists()


def test_user_group_create_update_delete(tree: Tree, staff: Staff) -> None:
    g = f.group(staff.unit_manager, tree.vux, ids=("0764", "0765", "0764"))
    assert (g.kind, g.key, g.owner) == ("user", f"user-{g.pk}", tree.vux)
    assert sorted(g.members.values_list("pk", flat=True)) == ["0764", "0765"]
    groups.group_update(
        actor=staff.quality_lead, group=g, title="Grannar", members=f.municipalities("0767")
    )
    g.refresh_from_db()
    assert g.title == "Grannar" and list(g.members.values_list("pk", flat=True)) == ["0767"]
    entries = ChangeEntry.objects.filter(object_type="indicators.comparisongroup").order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].before is not None and entries[1].after is not None
    assert entries[1].before["members"] == ["0764", "0765"] and entries[1].after["members"] == [
        "0767"
    ]
    assert all(e.org_path == tree.vux.path for e in entries)
    groups.group_delete(actor=staff.unit_manager, group=g)
    assert not ComparisonGroup.objects.filter(kind="user").exists()


def test_bad_groups_are_refused(tree: Tree, staff: Staff) -> None:
    with pytest.raises(ValidationError) as exc:
        groups.group_create(actor=staff.unit_manager, owner=tree.vux, title=" ", members=[])
    assert set(exc.value.message_dict) == {"title", "members"}
    with pytest.raises(Http404):
        f.group(staff.unit_manager, tree.kalmar)
    with pytest.raises(Http404):
        f.group(staff.case_worker, tree.vux)
    assert not ComparisonGroup.objects.exists()
    kolada = ComparisonGroup.objects.create(key="G1", title="Kolada", kind="kolada")
    with pytest.raises(Http404):  # not a user group: not this area's to change
        groups.group_delete(actor=staff.unit_manager, group=kolada)


def test_groups_are_listed_only_with_scope_over_the_owner(tree: Tree, staff: Staff) -> None:
    vux = f.group(staff.unit_manager, tree.vux)
    bof = f.group(staff.quality_lead, tree.bof_unit, title="Barn")
    ComparisonGroup.objects.create(key="G2", title="Kolada", kind="kolada")
    assert set(selectors.user_groups(staff.quality_lead)) == {vux, bof}
    assert set(selectors.user_groups(staff.analyst)) == {vux, bof}  # region-wide reader
    assert set(selectors.user_groups(staff.unit_manager)) == {vux}
    assert set(selectors.user_groups(staff.case_worker)) == set()  # VUX-OPV is below the owner
    assert set(selectors.user_groups(staff.kalmar_case_worker)) == set()
    assert set(selectors.user_groups(staff.admin)) == set()  # no view_aggregate
