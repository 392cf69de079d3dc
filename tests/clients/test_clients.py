"""Registering clients: identity numbers validated and hashed, duplicates caught, references
generated; the web form gives clear messages and changes nothing on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from insyn.clients import services
from insyn.clients.models import Case, CaseSource, Client
from insyn.core.identity import person_key
from insyn.core.models import AccessEntry, ChangeEntry
from tests.clients import factories as f


def test_register_with_personnummer_derives_birth_date_and_sex(tree, catalogues):
    number = f.personnummer(dt.date(1984, 7, 9), female=True)
    client = f.client(tree.vux_unit, number=number)
    assert client.birth_date == dt.date(1984, 7, 9)
    assert client.sex == "K"
    assert client.id_kind == Client.IdKind.PERSONNUMMER
    assert client.person_key == person_key(number)
    assert client.personnummer_encrypted == ""  # INSYN_STORE_PERSONNUMMER is off by default
    assert client.municipality == tree.vaxjo
    assert client.client_ref == "K-000001"
    entry = ChangeEntry.objects.get(object_type="clients.client", object_id=str(client.pk))
    assert entry.action == "create" and number not in str(entry.after)


def test_samordningsnummer_is_accepted(tree, catalogues):
    number = f.personnummer(dt.date(1990, 3, 12), coordination=True)
    client = f.client(tree.vux_unit, number=number)
    assert client.id_kind == Client.IdKind.SAMORDNINGSNUMMER
    assert client.birth_date == dt.date(1990, 3, 12)


def test_encrypted_copy_when_the_operator_turns_it_on(tree, catalogues, settings):
    from cryptography.fernet import Fernet

    from insyn.core.identity import decrypt_number

    settings.INSYN_STORE_PERSONNUMMER = True
    settings.INSYN_FERNET_KEY = Fernet.generate_key().decode()
    number = f.personnummer(dt.date(1970, 1, 30))
    client = f.client(tree.vux_unit, number=number)
    assert number not in client.personnummer_encrypted
    assert decrypt_number(client.personnummer_encrypted) == number


def test_reserve_identity_needs_birth_date_and_sex(tree, catalogues):
    with pytest.raises(ValidationError) as exc:
        services.client_register(actor=None, unit=tree.vux_unit)
    assert set(exc.value.message_dict) == {"birth_date", "sex"}
    client = f.client(tree.vux_unit, birth_date=dt.date(2001, 2, 3), sex="X")
    assert client.id_kind == Client.IdKind.NONE and client.person_key == ""


def test_invalid_personnummer_is_refused_without_echo(tree, catalogues):
    before = Client.objects.count()
    with pytest.raises(ValidationError) as exc:
        f.client(tree.vux_unit, number="19800101-1235")
    assert "personnummer" in exc.value.message_dict
    assert "19800101" not in str(exc.value.messages)
    assert Client.objects.count() == before


def test_the_same_person_is_not_registered_twice_in_a_municipality(tree, staff, catalogues):
    number = f.personnummer(dt.date(1966, 6, 6))
    first = f.client(tree.bof_unit, number=number)
    with pytest.raises(services.DuplicateClient) as exc:
        f.client(tree.vux_unit, number=number.replace("19", "", 1))  # 10-digit spelling
    assert exc.value.client == first
    assert number[2:] not in str(exc.value.messages)
    assert Client.objects.filter(person_key=person_key(number)).count() == 1
    # Another municipality keeps its own register.
    other = f.client(tree.kalmar_unit, number=number)
    assert other.municipality == tree.kalmar


def test_client_refs_are_generated_unique_and_never_a_personnummer(tree, catalogues):
    a = f.client(tree.vux_unit)
    b = f.client(tree.vux_unit)
    assert (a.client_ref, b.client_ref) == ("K-000001", "K-000002")
    f.client(tree.vux_unit, client_ref="K-000041")
    assert f.client(tree.vux_unit).client_ref == "K-000042"
    with pytest.raises(ValidationError) as exc:
        f.client(tree.vux_unit, client_ref="K-000001")
    assert "används redan" in exc.value.message_dict["client_ref"][0]
    with pytest.raises(ValidationError) as exc:
        f.client(tree.vux_unit, client_ref=f.personnummer(dt.date(1980, 1, 1)))
    assert "får inte vara ett personnummer" in exc.value.message_dict["client_ref"][0]


def test_register_outside_scope_is_not_found(tree, staff, catalogues):
    from django.http import Http404

    with pytest.raises(Http404):
        services.client_register(
            actor=staff.case_worker, unit=tree.bof_unit, birth_date=dt.date(1990, 1, 1), sex="M"
        )


# --- Web --------------------------------------------------------------------------------


def test_case_worker_registers_client_and_is_sent_to_open_a_case(login, tree, staff, catalogues):
    c = login(staff.case_worker)
    page = c.get(reverse("clients:client_register"))
    assert page.status_code == 200
    assert page.context["form"]["unit"].value() == tree.vux_unit.pk  # own unit by default
    number = f.personnummer(dt.date(1977, 12, 1))
    response = c.post(
        reverse("clients:client_register"), {"personnummer": number, "unit": tree.vux_unit.pk}
    )
    client = Client.objects.get(person_key=person_key(number))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:case_open", args=[client.pk])
    form_page = c.get(response["Location"])
    assert form_page.context["form"]["opened_on"].value() == dt.date.today()
    assert form_page.context["form"]["case_worker"].value() == staff.case_worker.pk


def test_invalid_number_in_the_form_is_explained_next_to_the_field(login, tree, staff, catalogues):
    c = login(staff.case_worker)
    response = c.post(
        reverse("clients:client_register"),
        {"personnummer": "19800101-1235", "unit": tree.vux_unit.pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["personnummer"]
    assert b"19800101-1235" not in response.content  # never written back into the page
    assert Client.objects.count() == 0


def test_no_number_needs_the_box_ticked(login, tree, staff, catalogues):
    c = login(staff.case_worker)
    response = c.post(reverse("clients:client_register"), {"unit": tree.vux_unit.pk})
    assert response.status_code == 400 and "personnummer" in response.context["form"].errors
    response = c.post(
        reverse("clients:client_register"),
        {"unit": tree.vux_unit.pk, "no_number": "on", "birth_date": "2002-05-05", "sex": "X"},
    )
    assert response.status_code == 302
    assert Client.objects.get().id_kind == Client.IdKind.NONE


def test_duplicate_in_own_unit_links_to_the_existing_client(login, tree, staff, catalogues):
    number = f.personnummer(dt.date(1981, 8, 8))
    existing = f.client(tree.vux_unit, number=number)
    c = login(staff.case_worker)
    response = c.post(
        reverse("clients:client_register"), {"personnummer": number, "unit": tree.vux_unit.pk}
    )
    assert response.status_code == 409
    assert response.context["existing"] == existing
    assert number.encode() not in response.content and number[2:].encode() not in response.content
    assert Client.objects.count() == 1


def test_duplicate_in_another_unit_offers_a_case_in_own_unit(login, tree, staff, catalogues):
    number = f.personnummer(dt.date(1983, 3, 3))
    theirs = f.client(tree.bof_unit, number=number)
    c = login(staff.case_worker)
    assert c.get(reverse("clients:client_detail", args=[theirs.pk])).status_code == 404
    response = c.post(
        reverse("clients:client_register"), {"personnummer": number, "unit": tree.vux_unit.pk}
    )
    assert response.status_code == 409
    assert response.context["existing"] is None  # not shown: not in the user's units
    assert theirs.client_ref.encode() not in response.content
    offer_url = reverse("clients:case_open_existing", args=[response.context["offer"]])
    assert c.get(offer_url).status_code == 200
    opened = c.post(
        offer_url,
        {
            "unit": tree.vux_unit.pk,
            "opened_on": "2025-04-01",
            "source": f.code(CaseSource, "report").pk,
        },
    )
    assert opened.status_code == 302
    case = Case.objects.get(client=theirs, unit=tree.vux_unit)
    assert case.case_worker == staff.case_worker
    assert c.get(reverse("clients:client_detail", args=[theirs.pk])).status_code == 200
    # The offer is personal: another user cannot use it.
    other = login(staff.other_case_worker)
    assert other.get(offer_url).status_code == 404


def test_forged_offer_is_not_found(login, tree, staff, catalogues):
    c = login(staff.case_worker)
    assert c.get(reverse("clients:case_open_existing", args=["nonsense:token"])).status_code == 404


def test_search_by_reference_and_by_number(login, tree, staff, catalogues):
    number = f.personnummer(dt.date(1960, 10, 10))
    mine = f.client(tree.vux_unit, number=number, client_ref="VX-77")
    f.client(tree.vux_unit, client_ref="VX-78")
    f.client(tree.bof_unit, client_ref="VX-79")  # another unit: not listed
    c = login(staff.case_worker)
    page = c.get(reverse("clients:client_list"), {"q": "vx-7"})
    assert [x.client_ref for x in page.context["page"]] == ["VX-77", "VX-78"]
    assert AccessEntry.objects.filter(action="list", object_type="clients.client").count() == 2
    found = c.post(reverse("clients:client_list"), {"personnummer": number})
    assert found.status_code == 302 and found["Location"] == reverse(
        "clients:client_detail", args=[mine.pk]
    )
    entry = AccessEntry.objects.filter(detail__search="identity").latest("id")
    assert number not in entry.path and number not in str(entry.detail)
    bad = c.post(reverse("clients:client_list"), {"personnummer": "123"})
    assert bad.status_code == 400 and bad.context["identity_form"].errors


def test_search_by_number_offers_a_case_for_another_units_client(login, tree, staff, catalogues):
    number = f.personnummer(dt.date(1961, 1, 21))
    f.client(tree.bof_unit, number=number)
    response = login(staff.case_worker).post(
        reverse("clients:client_list"), {"personnummer": number}
    )
    assert response.status_code == 200 and response.context["offer"]


def test_a_number_typed_into_the_reference_search_never_stays_in_the_address(
    login, tree, staff, catalogues
):
    number = f.personnummer(dt.date(1962, 6, 2))
    f.client(tree.vux_unit, number=number)
    c = login(staff.case_worker)
    before = AccessEntry.objects.count()
    response = c.get(reverse("clients:client_list"), {"q": number})
    assert response.status_code == 302 and response["Location"] == reverse("clients:client_list")
    api = c.get("/api/clients/", {"q": number[2:]})
    assert api.status_code == 400
    assert AccessEntry.objects.count() == before
    assert not AccessEntry.objects.filter(path__contains=number[2:]).exists()


def test_reserve_identity_gets_its_number_later(login, tree, staff, catalogues):
    client = f.client(tree.vux_unit, birth_date=dt.date(1991, 4, 4), sex="X")
    c = login(staff.case_worker)
    url = reverse("clients:client_edit", args=[client.pk])
    assert c.get(url).context["form"]["sex"].value() == "X"
    number = f.personnummer(dt.date(1991, 4, 5), female=True)
    response = c.post(url, {"client_ref": client.client_ref, "personnummer": number})
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.person_key == person_key(number)
    assert (client.birth_date, client.sex, client.id_kind) == (
        dt.date(1991, 4, 5),
        "K",
        "personnummer",
    )
    # Another client may not take the same number.
    other = f.client(tree.vux_unit)
    response = c.post(
        reverse("clients:client_edit", args=[other.pk]),
        {"client_ref": other.client_ref, "personnummer": number},
    )
    assert response.status_code == 400 and response.context["form"].errors["personnummer"]
    assert login(staff.quality_lead).get(url).status_code == 404


def test_case_can_be_corrected(login, tree, staff, catalogues):
    client = f.client(tree.vux_unit)
    case = f.case(client, opened_on=dt.date(2025, 1, 10))
    c = login(staff.case_worker)
    url = reverse("clients:case_edit", args=[case.pk])
    form = c.get(url).context["form"]
    data = {
        "unit": tree.vux_unit.pk,
        "opened_on": "2025-01-08",
        "source": form["source"].value(),
        "reason": form["reason"].value(),
        "closed_on": "2025-01-07",
    }
    bad = c.post(url, data)
    assert bad.status_code == 400 and bad.context["form"].errors["closed_on"]
    data["closed_on"] = ""
    assert c.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.opened_on == dt.date(2025, 1, 8)
