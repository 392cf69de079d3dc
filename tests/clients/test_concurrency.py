"""Lost updates on clients, cases, decisions and interventions: the API answers 412 to a stale
If-Match and 409 to a stale `version`; a stale web form is re-shown with what changed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from insyn.clients import services
from insyn.clients.models import Case, Client, Decision, Intervention
from insyn.core.models import ChangeEntry
from tests.clients import factories as f


@pytest.fixture
def client_(tree, catalogues):
    return f.client(tree.vux_unit, client_ref="K-100")


@pytest.fixture
def case_(client_):
    return f.case(client_, case_ref="A-2025-00001")


# model, api base name, a first change, a second (conflicting) change, the field they touch
CASES: dict[str, tuple[type[Any], str, dict[str, Any], dict[str, Any], str]] = {
    "client": (Client, "client", {"client_ref": "K-200"}, {"client_ref": "K-300"}, "client_ref"),
    "case": (Case, "case", {"closed_on": "2025-05-01"}, {"closed_on": "2025-06-01"}, "closed_on"),
    "decision": (Decision, "decision", {"comment": "first"}, {"comment": "second"}, "comment"),
    "intervention": (
        Intervention,
        "intervention",
        {"sessions_planned": 5},
        {"sessions_planned": 8},
        "sessions_planned",
    ),
}


def _objects(case_: Case) -> dict[str, Any]:
    decision = f.decision(case_)
    return {
        "client": case_.client,
        "case": case_,
        "decision": decision,
        "intervention": f.intervention(case_, decision_=decision),
    }


def _patch(c: Any, url: str, data: dict[str, Any], **headers: str) -> Any:
    return c.patch(url, json.dumps(data), content_type="application/json", headers=headers)


@pytest.mark.parametrize("kind", list(CASES))
def test_stale_writes_are_refused_with_412_or_409(kind, login, staff, case_):
    model, basename, first, second, field = CASES[kind]
    obj = _objects(case_)[kind]
    api = login(staff.case_worker)
    url = reverse(f"{basename}-detail", args=[obj.pk])

    read = api.get(url)
    assert read.status_code == 200
    version = read.json()["version"]
    assert read["ETag"] == f'"{version}"'

    # Someone else changes it (no precondition: the last writer wins as before).
    changed = _patch(api, url, first)
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == version + 1
    assert changed["ETag"] == f'"{version + 1}"'
    stored = getattr(model.objects.get(pk=obj.pk), field)

    # A write conditional on the old ETag: 412, nothing written.
    stale_tag = _patch(api, url, second, **{"If-Match": read["ETag"]})
    assert stale_tag.status_code == 412, stale_tag.content
    assert stale_tag.json()["version"] == version + 1
    detail = stale_tag.json()["detail"]
    assert "changed by someone else" in detail or "ändrats av någon annan" in detail
    # A write that sends the old version in the body: 409, nothing written.
    stale_body = _patch(api, url, {**second, "version": version})
    assert stale_body.status_code == 409, stale_body.content
    assert stale_body.json()["version"] == version + 1
    fresh = model.objects.get(pk=obj.pk)
    assert getattr(fresh, field) == stored and fresh.version == version + 1

    # With the current tag (or version) the write goes through and the tag moves on.
    ok = _patch(api, url, second, **{"If-Match": changed["ETag"]})
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == f'"{version + 2}"'
    assert _patch(api, url, {**first, "version": version + 2}).status_code == 200
    # A tag that is not ours can never match.
    assert _patch(api, url, second, **{"If-Match": '"abc"'}).status_code == 412
    assert _patch(api, url, second, **{"If-Match": "*"}).status_code == 200


def test_put_takes_if_match_too(login, staff, case_):
    api = login(staff.case_worker)
    url = reverse("decision-detail", args=[f.decision(case_).pk])
    body = api.get(url).json()
    services.decision_update(
        actor=None,
        decision=Decision.objects.get(pk=body["id"]),
        intervention_type=Decision.objects.get(pk=body["id"]).intervention_type,
        legal_basis=Decision.objects.get(pk=body["id"]).legal_basis,
        decided_on=dt.date(2025, 1, 10),
        executed_on=None,
        comment="from the service",
    )
    response = api.put(
        url, json.dumps({**body, "comment": "mine"}), content_type="application/json"
    )
    assert response.status_code == 409  # the body carried the version it read
    assert Decision.objects.get(pk=body["id"]).comment == "from the service"


def test_version_goes_up_only_when_something_changed(case_):
    before = Case.objects.get(pk=case_.pk).version
    services.case_close(actor=None, case=case_, closed_on=dt.date(2025, 3, 1))
    assert Case.objects.get(pk=case_.pk).version == before + 1
    client = Client.objects.get(pk=case_.client_id)
    services.client_update(
        actor=None,
        client=client,
        client_ref=client.client_ref,
        birth_date=client.birth_date,
        sex=client.sex,
    )
    assert Client.objects.get(pk=client.pk).version == client.version


def test_a_new_object_ignores_a_version_in_the_body(login, staff, client_, tree):
    api = login(staff.case_worker)
    response = api.post(
        reverse("case-list"),
        json.dumps(
            {
                "client": client_.pk,
                "unit": tree.vux_unit.pk,
                "opened_on": "2025-02-01",
                "source": "application",
                "version": 7,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1 and response["ETag"] == '"1"'


# --- web forms ---------------------------------------------------------------------------------

FormCase = tuple[str, Callable[[Case], Any], Callable[[Any], None], dict[str, str], str, str]


def _case_form(case_: Case) -> dict[str, str]:
    return {
        "unit": str(case_.unit_id),
        "opened_on": case_.opened_on.isoformat(),
        "source": str(case_.source_id),
        "reason": str(case_.reason_id or ""),
        "case_worker": str(case_.case_worker_id or ""),
        "closed_on": "",
    }


def _hidden(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_stale_case_form_is_reshown_with_the_change_and_the_input_kept(login, staff, case_):
    c = login(staff.case_worker)
    url = reverse("clients:case_edit", args=[case_.pk])
    page = c.get(url).content.decode()
    version, seen = _hidden(page, "version"), _hidden(page, "seen")
    # Meanwhile someone closes the case.
    services.case_close(
        actor=None, case=Case.objects.get(pk=case_.pk), closed_on=dt.date(2025, 4, 1)
    )

    mine = {**_case_form(case_), "opened_on": "2025-01-05", "version": version, "seen": seen}
    response = c.post(url, mine)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Someone else changed this" in text or "Någon annan har ändrat" in text
    assert "2025-04-01" in text  # what the closing date is now
    assert 'value="2025-01-05"' in text  # the user's input is kept
    stored = Case.objects.get(pk=case_.pk)
    assert stored.opened_on == dt.date(2025, 1, 10) and stored.closed_on == dt.date(2025, 4, 1)

    # The re-shown form carries the current version: saving again is a deliberate overwrite.
    again = {**mine, "version": _hidden(text, "version"), "seen": _hidden(text, "seen")}
    assert c.post(url, again).status_code == 302
    assert Case.objects.get(pk=case_.pk).opened_on == dt.date(2025, 1, 5)


def test_stale_client_form_names_the_field_in_swedish(login, staff, client_):
    c = login(staff.case_worker)
    url = reverse("clients:client_edit", args=[client_.pk])
    page = c.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    version, seen = _hidden(page, "version"), _hidden(page, "seen")
    services.client_update(
        actor=None,
        client=Client.objects.get(pk=client_.pk),
        client_ref="K-999",
        birth_date=client_.birth_date,
        sex=client_.sex,
    )
    response = c.post(
        url,
        {
            "client_ref": "K-555",
            "birth_date": "1980-05-17",
            "sex": "K",
            "version": version,
            "seen": seen,
        },
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Någon annan har ändrat" in text
    assert "Klientreferens är nu ”K-999”" in text or "Klientreferens är nu “K-999”" in text
    assert 'value="K-555"' in text
    assert Client.objects.get(pk=client_.pk).client_ref == "K-999"


def test_a_form_without_a_version_still_saves(login, staff, case_):
    """Old pages (or scripts) that send no version keep working: last writer wins."""
    c = login(staff.case_worker)
    url = reverse("clients:case_edit", args=[case_.pk])
    response = c.post(url, {**_case_form(case_), "opened_on": "2025-01-06"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case_.pk).opened_on == dt.date(2025, 1, 6)


# --- the case-close form (on the case page) ----------------------------------------------------


def _case_changes(case_: Case) -> int:
    return ChangeEntry.objects.filter(object_type="clients.case", object_id=str(case_.pk)).count()


def _all_changes() -> int:
    return ChangeEntry.objects.count()


def test_stale_close_is_reshown_with_the_closing_date_and_writes_nothing(login, staff, case_):
    c = login(staff.case_worker)
    url = reverse("clients:case_detail", args=[case_.pk])
    page = c.get(url).content.decode()
    version, seen = _hidden(page, "version"), _hidden(page, "seen")
    # Meanwhile someone else closes the case.
    services.case_close(
        actor=None, case=Case.objects.get(pk=case_.pk), closed_on=dt.date(2025, 4, 1)
    )
    before = Case.objects.get(pk=case_.pk)
    all_changes = _all_changes()

    mine = {"closed_on": "2025-05-01", "version": version, "seen": seen}
    response = c.post(url, mine)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Someone else changed this" in text or "Någon annan har ändrat" in text
    assert "2025-04-01" in text  # the day it was closed
    assert 'value="2025-05-01"' in text  # the user's input is kept
    stored = Case.objects.get(pk=case_.pk)
    assert stored.closed_on == dt.date(2025, 4, 1) and stored.version == before.version
    assert _all_changes() == all_changes

    # Sending the re-shown form again is deliberate; the case is closed already, so it says so.
    again = {**mine, "version": _hidden(text, "version"), "seen": _hidden(text, "seen")}
    refused = c.post(url, again)
    assert refused.status_code == 400
    assert "already closed" in refused.content.decode() or "redan avslutat" in (
        refused.content.decode()
    )
    assert Case.objects.get(pk=case_.pk).closed_on == dt.date(2025, 4, 1)


def test_stale_close_after_another_change_writes_nothing_until_sent_again(login, staff, case_):
    c = login(staff.case_worker)
    url = reverse("clients:case_detail", args=[case_.pk])
    page = c.get(url).content.decode()
    version, seen = _hidden(page, "version"), _hidden(page, "seen")
    # Meanwhile someone else corrects the opening date (not shown in the close form).
    fresh = Case.objects.get(pk=case_.pk)
    services.case_update(
        actor=None,
        case=fresh,
        unit=fresh.unit,
        opened_on=dt.date(2025, 1, 5),
        source=fresh.source,
        reason=fresh.reason,
        case_worker=fresh.case_worker,
        closed_on=None,
    )
    before = Case.objects.get(pk=case_.pk)
    changes, all_changes = _case_changes(case_), _all_changes()

    mine = {"closed_on": "2025-05-01", "version": version, "seen": seen}
    response = c.post(url, mine)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Someone else saved this" in text or "Någon annan har sparat" in text
    assert 'value="2025-05-01"' in text
    stored = Case.objects.get(pk=case_.pk)
    assert stored.closed_on is None and stored.version == before.version
    assert _all_changes() == all_changes

    again = {**mine, "version": _hidden(text, "version"), "seen": _hidden(text, "seen")}
    assert c.post(url, again).status_code == 302
    stored = Case.objects.get(pk=case_.pk)
    assert stored.closed_on == dt.date(2025, 5, 1) and stored.version == before.version + 1
    assert _case_changes(case_) == changes + 1


def test_fresh_close_goes_through(login, staff, case_):
    c = login(staff.case_worker)
    url = reverse("clients:case_detail", args=[case_.pk])
    page = c.get(url).content.decode()
    start = Case.objects.get(pk=case_.pk).version
    assert _hidden(page, "version") == str(start)
    response = c.post(
        url,
        {
            "closed_on": "2025-05-01",
            "version": _hidden(page, "version"),
            "seen": _hidden(page, "seen"),
        },
    )
    assert response.status_code == 302
    stored = Case.objects.get(pk=case_.pk)
    assert stored.closed_on == dt.date(2025, 5, 1) and stored.version == start + 1
