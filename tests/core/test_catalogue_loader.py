"""Catalogues load from YAML idempotently, by natural key, with clear errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from insyn.core.catalogue_loader import LoadResult, load_catalogues, load_section
from insyn.followup.models import Instrument, NonResponseReason, Option


def test_shipped_catalogues_load_twice_without_change(db):
    first = load_catalogues()
    assert first.created > 0
    second = load_catalogues()
    assert second.created == second.updated == 0
    assert NonResponseReason.objects.filter(code="declined").exists()
    audit = Instrument.objects.get(key="audit")
    assert audit.items.count() == 10 and audit.max_total == 40


def test_changed_row_is_updated_not_duplicated(db):
    load_catalogues()
    result = LoadResult()
    load_section(
        {
            "model": "followup.NonResponseReason",
            "rows": [{"code": "moved", "name": "Flyttat från kommunen"}],
        },
        result,
    )
    assert result.updated == 1
    assert NonResponseReason.objects.get(code="moved").name == "Flyttat från kommunen"


def test_composite_keys_resolve_foreign_keys(db):
    load_catalogues()
    option = Option.objects.get(option_set__key="points-0-2-4", code="4")
    assert option.value == 4


def test_unknown_reference_is_a_clear_error(db):
    with pytest.raises(ValidationError, match="does not exist"):
        load_section(
            {
                "model": "followup.InstrumentItem",
                "key": ["instrument", "key"],
                "rows": [
                    {
                        "instrument": "nope",
                        "key": "q1",
                        "number": 1,
                        "label": "x",
                        "option_set": "x",
                    }
                ],
            },
            LoadResult(),
        )


def test_command_reports_counts(db, capsys):
    call_command("catalogues", "load")
    assert "created" in capsys.readouterr().out


def test_command_fails_cleanly(db, monkeypatch):
    from insyn.core.management.commands import catalogues

    def broken(apps=None):
        raise ValidationError("followup.Option 'x' does not exist")

    monkeypatch.setattr(catalogues, "load_catalogues", broken)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("catalogues", "load")
