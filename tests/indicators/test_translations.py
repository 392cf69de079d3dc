"""The indicators app speaks Swedish: every gettext string in its code has a translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

import insyn.indicators

APP = Path(insyn.indicators.__file__).parent
PO = APP / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    used = {
        match.group(1)
        for path in APP.rglob("*.py")
        if "migrations" not in path.parts
        for match in re.finditer(r'\b_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', path.read_text())
    }
    assert used, "no gettext strings found: the pattern is wrong"
    assert sorted(used - translated) == []
