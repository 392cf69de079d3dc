"""Swedish everywhere: every `{% translate "…" %}` in every template reads in Swedish on a
Swedish page, and every gettext literal in the Python code has a Swedish translation.

Templates are rendered through Django's engine, not looked up in the catalogue: it doubles
a literal's percent signs before the lookup ("95% interval" is looked up as "95%% interval"),
so a catalogue entry written with a single % is never found and the page stays English while
a plain gettext test passes. Words that are the same in both languages are listed."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.template import Context, Template
from django.utils import translation

import insyn

TEMPLATES = sorted(Path(insyn.__file__).parent.glob("*/templates/**/*.html"))
TAG = re.compile(r'\{%\s*(?:translate|trans)\s+"([^"]*)"(?:\s+context\s+"[^"]*")?\s*%\}')
SAME_IN_SWEDISH = {"Status", "Organisation", "Period", "Risk", "Version", "Start", "Problem"}
SAME_IN_SWEDISH |= {"Definition (YAML)"}


def test_every_template_literal_is_swedish_on_a_swedish_page():
    untranslated = []
    with translation.override("sv"):
        for path in TEMPLATES:
            for match in TAG.finditer(path.read_text(encoding="utf-8")):
                english = match.group(1)
                shown = Template("{% load i18n %}" + match.group(0)).render(Context())
                if shown == english and english not in SAME_IN_SWEDISH:
                    untranslated.append(f"{path.parent.name}/{path.name}: {english}")
    assert TEMPLATES and untranslated == []


CALL = re.compile(r'(?<![\w.])(?:_|gettext|gettext_lazy)\(\s*"((?:[^"\\]|\\.)*)"\s*\)')
# the names of the languages in the language menu are shown in their own language
OWN_NAMES = {"Swedish", "English"}


def _swedish_catalogue() -> dict[str, str]:
    merged: dict[str, str] = {}
    root = Path(insyn.__file__).parent
    for po in root.glob("*/locale/sv/LC_MESSAGES/django.po"):
        with po.open("rb") as fh:
            for message in read_po(fh):
                plain = isinstance(message.id, str) and not message.context
                if plain and message.id and message.string:
                    merged[message.id] = str(message.string)
    return merged


def test_every_python_literal_has_a_swedish_translation():
    """Model labels, choices and service messages (Django merges the apps' catalogues, so a
    word translated by one app counts for all)."""
    catalogue = _swedish_catalogue()
    root = Path(insyn.__file__).parent
    missing = [
        f"{path.relative_to(root)}: {text}"
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
        for text in (m.group(1).replace('\\"', '"') for m in CALL.finditer(path.read_text()))
        if text not in catalogue and text not in OWN_NAMES
    ]
    assert missing == []
