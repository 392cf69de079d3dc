"""Every `{% translate "…" %}` in every template reads in Swedish on a Swedish page.

Rendered through Django's template engine, not looked up in the catalogue: the engine doubles
a literal's percent signs before the lookup ("95% interval" is looked up as "95%% interval"),
so a catalogue entry written with a single % is never found and the page stays English while
a plain gettext test passes. Words that are the same in both languages are listed."""

from __future__ import annotations

import re
from pathlib import Path

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
