"""Rules are data: validated with a clear message (nothing saved on bad input), shipped defaults
installed from the data file, scope checked inside the write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from insyn.core.models import ChangeEntry
from insyn.retention.kinds import cutoff
from insyn.retention.models import EVENTS, Kind, RetentionRule
from insyn.retention.services.rules import default_rules, rule_save, rules_install_defaults


@pytest.mark.parametrize("period", [0, -1, -365])
def test_zero_or_negative_period_is_refused_and_nothing_saved(tree, staff, period):
    with pytest.raises(ValidationError) as exc:
        rule_save(
            actor=staff.admin, municipality=tree.vaxjo, kind="client", period=period, unit="years"
        )
    assert "period" in exc.value.message_dict
    assert not RetentionRule.objects.exists()
    assert not ChangeEntry.objects.filter(object_type="retention.retentionrule").exists()


def test_changing_a_rule_to_a_zero_period_keeps_the_old_one(tree, staff):
    rule = rule_save(
        actor=staff.admin, municipality=tree.vaxjo, kind="client", period=5, unit="years"
    )
    with pytest.raises(ValidationError):
        rule_save(actor=staff.admin, municipality=tree.vaxjo, kind="client", period=0, unit="years")
    rule.refresh_from_db()
    assert (rule.period, rule.unit) == (5, "years")


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"event": "response_received"}, "event"),
        ({"keep_birth_days": "5,32"}, "keep_birth_days"),
        ({"keep_birth_days": "fem"}, "keep_birth_days"),
        ({"unit": "weeks"}, "unit"),
        ({"period": "tio"}, "period"),
    ],
)
def test_other_bad_input_names_its_field(tree, staff, fields, key):
    args = {"kind": "client", "period": 5, "unit": "years", **fields}
    with pytest.raises(ValidationError) as exc:
        rule_save(actor=staff.admin, municipality=tree.vaxjo, **args)
    assert key in exc.value.message_dict
    assert not RetentionRule.objects.exists()


def test_a_rule_is_one_per_kind_and_its_change_is_audited(tree, staff):
    rule_save(actor=staff.admin, municipality=tree.vaxjo, kind="client", period=5, unit="years")
    rule = rule_save(
        actor=staff.admin,
        municipality=tree.vaxjo,
        kind="client",
        period=3,
        unit="years",
        keep_birth_days="25, 5,15",
    )
    assert RetentionRule.objects.count() == 1
    assert (rule.period, rule.keep_birth_days, rule.birth_days()) == (3, "5,15,25", [5, 15, 25])
    actions = ChangeEntry.objects.filter(object_type="retention.retentionrule")
    assert sorted(actions.values_list("action", flat=True)) == ["create", "update"]


def test_only_the_municipality_s_administrator_may_save(tree, staff):
    for actor in (staff.quality_lead, staff.case_worker, staff.kalmar_admin):
        with pytest.raises(Http404):
            rule_save(actor=actor, municipality=tree.vaxjo, kind="client", period=5, unit="years")
    assert not RetentionRule.objects.exists()


def test_shipped_defaults_cover_every_kind_and_install_once(tree):
    rows = default_rules()
    assert sorted(r["kind"] for r in rows) == sorted(Kind.values)
    assert all(r["event"] in EVENTS[r["kind"]] and r["period"] > 0 for r in rows)
    assert len(rules_install_defaults(actor=None, municipality=tree.vaxjo)) == len(Kind.values)
    assert rules_install_defaults(actor=None, municipality=tree.vaxjo) == []
    client = RetentionRule.objects.get(municipality=tree.vaxjo, kind="client")
    assert client.birth_days() == [5, 15, 25]


@pytest.mark.parametrize(
    ("today", "period", "unit", "last"),
    [
        (dt.date(2026, 3, 10), 30, "days", dt.date(2026, 2, 8)),
        (dt.date(2026, 3, 31), 1, "months", dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 15), 2, "months", dt.date(2025, 11, 15)),
        (dt.date(2028, 2, 29), 5, "years", dt.date(2023, 2, 28)),
        (dt.date(2026, 11, 30), 5, "years", dt.date(2021, 11, 30)),
    ],
)
def test_the_last_due_event_day_is_counted_back_on_the_calendar(today, period, unit, last):
    assert cutoff(today, period, unit) == last
