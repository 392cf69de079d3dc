"""The follow-up pages speak Swedish: every string of the app's catalogue is translated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.pofile import read_po
from django.urls import reverse

import insyn.followup
from tests.followup.factories import enrolled

PO = Path(insyn.followup.__file__).parent / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    missing = [
        m.id
        for m in catalog
        if m.id and (not (m.string[0] if isinstance(m.string, tuple) else m.string) or m.fuzzy)
    ]
    assert missing == []


def test_occasion_form_messages_are_swedish(tree, staff, login):
    occasion = enrolled(tree, staff).occasions.get(stage__key="before")
    response = login(staff.case_worker).post(
        reverse("followup:occasion_record", args=[occasion.pk]),
        {"done_on": dt.date.today().isoformat(), "v-problem_days": "31", "v-housing": "kanske"},
    )
    text = response.content.decode()
    assert "Registrera Före" in text
    assert "Värdet får vara högst 30." in text
    assert "kanske är inte ett av alternativen." in text
    assert "Besvara alla frågor, eller ange bara totalpoängen." not in text  # none answered
    assert "Värdet är obligatoriskt." in text  # AUDIT is required at this stage
