"""The provider register: organisation numbers validated (Luhn), external providers kept once,
own providers per municipality, edited only by administrators of the registering municipality."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from insyn.clients import services
from insyn.clients.models import Provider
from insyn.clients.validators import normalise_org_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("556016-0680", "556016-0680"),
        ("5560160680", "556016-0680"),
        ("165560160680", "556016-0680"),
    ],
)
def test_org_number_spellings(raw, expected):
    assert normalise_org_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("556016-0681", "kontrollsiffran"),
        ("55601606", "tio siffror"),
        ("121212-1212", "personnummer"),  # a sole trader's personnummer
    ],
)
def test_bad_org_numbers_are_explained(raw, message):
    with pytest.raises(ValidationError, match=message):
        normalise_org_number(raw)


def test_external_provider_is_kept_once_per_org_number(tree, staff, catalogues):
    first = services.provider_create(
        actor=staff.admin,
        municipality=tree.vaxjo,
        name="Behandlingshem AB",
        kind="external",
        org_number="5560160680",
    )
    assert first.org_number == "556016-0680" and first.municipality is None
    assert first.registered_by == tree.vaxjo and first.code == "org-5560160680"
    with pytest.raises(services.DuplicateProvider) as exc:
        services.provider_create(
            actor=staff.kalmar_admin,
            municipality=tree.kalmar,
            name="Samma AB",
            kind="external",
            org_number="556016-0680",
        )
    assert exc.value.provider == first
    assert Provider.objects.filter(org_number="556016-0680").count() == 1


def test_own_providers_may_share_the_municipalitys_org_number(tree, staff, catalogues):
    a = services.provider_create(
        actor=staff.admin,
        municipality=tree.vaxjo,
        name="Öppenvården",
        kind="own",
        org_number="212000-0712",
    )
    b = services.provider_create(
        actor=staff.admin,
        municipality=tree.vaxjo,
        name="Familjebehandlingen",
        kind="own",
        org_number="212000-0712",
    )
    assert a.municipality == b.municipality == tree.vaxjo and a.code != b.code


def test_external_provider_needs_an_org_number(tree, staff, catalogues):
    with pytest.raises(ValidationError) as exc:
        services.provider_create(
            actor=staff.admin, municipality=tree.vaxjo, name="X", kind="external"
        )
    assert "org_number" in exc.value.message_dict


def test_admin_pages(login, tree, staff, catalogues):
    c = login(staff.admin)
    assert c.get(reverse("clients:provider_list")).status_code == 200
    bad = c.post(
        reverse("clients:provider_create"),
        {"name": "Fel AB", "kind": "external", "org_number": "556016-0681"},
    )
    assert bad.status_code == 400 and bad.context["form"].errors["org_number"]
    assert not Provider.objects.filter(name="Fel AB").exists()
    ok = c.post(
        reverse("clients:provider_create"),
        {"name": "Rätt AB", "kind": "external", "org_number": "556016-0680"},
    )
    assert ok.status_code == 302
    provider = Provider.objects.get(name="Rätt AB")
    edit = reverse("clients:provider_update", args=[provider.pk])
    assert (
        c.post(edit, {"name": "Rätt AB (nytt namn)", "org_number": "556016-0680"}).status_code
        == 302
    )
    provider.refresh_from_db()
    assert provider.name == "Rätt AB (nytt namn)" and provider.active is False
    # Kalmar's administrator sees the shared provider but cannot edit Växjö's record.
    other = login(staff.kalmar_admin)
    assert "Rätt AB" in other.get(reverse("clients:provider_list")).content.decode()
    assert other.get(edit).status_code == 404
    # The shipped SiS record is edited centrally, not in the app.
    sis = Provider.objects.get(code="sis")
    assert c.get(reverse("clients:provider_update", args=[sis.pk])).status_code == 404


@pytest.mark.parametrize("role", ["case_worker", "analyst"])
def test_provider_register_is_for_administrators(login, staff, catalogues, role):
    assert login(getattr(staff, role)).get(reverse("clients:provider_list")).status_code == 404
