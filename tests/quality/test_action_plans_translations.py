"""Action plans speak Swedish: the catalogue is translated, and words other apps translate
differently ("Start", "due") carry their own context on these pages and in the digest."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

import insyn.quality
from tests.quality import action_plans_factories as f

PO = Path(insyn.quality.__file__).parent / "locale" / "sv" / "LC_MESSAGES" / "django.po"
pytestmark = pytest.mark.usefixtures("catalogues")


def test_every_string_is_translated():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    missing = [
        m.id
        for m in catalog
        if m.id and (not (m.string[0] if isinstance(m.string, tuple) else m.string) or m.fuzzy)
    ]
    assert missing == []


def test_plan_page_start_page_and_digest_are_swedish(tree, staff, login):
    plan = f.plan(tree.vux_unit, staff.unit_manager)
    item = f.item(plan, staff.case_worker, due_in=-1)
    client = login(staff.case_worker)
    page = client.get(reverse("quality:action_plan", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    text = page.content.decode()
    assert ">Påbörja<" in text and ">Markera som klar<" in text and "Spara steget" in text
    home = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert f"klart senast {item.due_on:%Y-%m-%d}" in home and "Försenad" in home
    call_command("remind", stdout=StringIO())
    [message] = mail.outbox
    assert f"(klart senast {item.due_on:%Y-%m-%d})" in message.body
    assert "Försenad: Ta fram checklista" in message.body
