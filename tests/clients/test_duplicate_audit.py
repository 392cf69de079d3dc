""" "Already registered in the municipality" tells the caller that the person exists: the web
and the API record the same access entry for it (issue 9, item 7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from insyn.core.models import AccessEntry
from tests.clients import factories as f


def _entry_fields(entry: AccessEntry) -> tuple:
    return (entry.actor_id, entry.action, entry.object_type, entry.object_id, entry.detail)


@pytest.mark.parametrize("unit", ["vux_unit", "bof_unit"])  # own unit, another unit
def test_web_and_api_duplicate_answers_record_the_same_access_entry(
    login, tree, staff, catalogues, unit
):
    number = f.personnummer(dt.date(1961, 6, 6))
    existing = f.client(getattr(tree, unit), number=number)
    c = login(staff.case_worker)

    last = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    web = c.post(
        reverse("clients:client_register"), {"personnummer": number, "unit": tree.vux_unit.pk}
    )
    assert web.status_code == 409
    web_entries = AccessEntry.objects.filter(id__gt=last, object_id=str(existing.pk))
    assert [_entry_fields(e) for e in web_entries] == [
        (staff.case_worker.pk, "view", "clients.client", str(existing.pk), {"duplicate": True})
    ]

    last = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    api = c.post(
        "/api/clients/",
        json.dumps({"unit": tree.vux_unit.pk, "personnummer": number}),
        content_type="application/json",
    )
    assert api.status_code == 400
    api_entries = AccessEntry.objects.filter(id__gt=last)
    assert [_entry_fields(e) for e in api_entries] == [_entry_fields(e) for e in web_entries]
    assert number not in api_entries.get().path
