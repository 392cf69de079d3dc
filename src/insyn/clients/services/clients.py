"""Registering a client: identity number validated and turned into `person_key`, never kept in
clear; one client per person and municipality."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from insyn.clients.models import Client, Sex
from insyn.clients.services import dates
from insyn.clients.services.common import (
    Errors,
    check_not_future,
    create_with_ref,
    next_ref,
    save_changed,
)
from insyn.clients.validators import clean_ref
from insyn.core.audit import record_change
from insyn.core.concurrency import check_version, lock_row
from insyn.core.identity import Identity, encrypt_number, parse_identity
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT

CLIENT_REF_PREFIX = "K-"


class DuplicateClient(ValidationError):
    """The person is already a client of the municipality. Carries the existing client so the
    caller can offer to open a case for it; the message never repeats the number."""

    def __init__(self, client: Client) -> None:
        super().__init__(
            {
                "personnummer": [
                    _(
                        "This person is already registered as a client in the municipality. "
                        "No new client was created."
                    )
                ]
            }
        )
        self.client = client


def municipality_of(unit: OrgUnit) -> OrgUnit:
    if unit.municipality_id is None or unit.kind in (OrgUnit.Kind.NATION, OrgUnit.Kind.REGION):
        raise ValidationError({"unit": _("Choose a unit within a municipality.")})
    return unit.municipality  # type: ignore[return-value]


def _identity(errors: Errors, personnummer: str) -> Identity | None:
    try:
        return parse_identity(personnummer)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("personnummer", message)
        return None


def _person_fields(
    errors: Errors, identity: Identity | None, birth_date: dt.date | None, sex: str
) -> dict[str, object]:
    """Birth date and sex come from the number when there is one, else they are required."""
    if identity is not None:
        if birth_date is not None and birth_date != identity.birth_date:
            errors.add("birth_date", _("The birth date does not match the identity number."))
        if sex and sex not in (identity.sex, Sex.OTHER):
            errors.add("sex", _("The sex does not match the identity number."))
        return {
            "person_key": identity.person_key,
            "personnummer_encrypted": encrypt_number(identity.number),
            "id_kind": Client.IdKind.SAMORDNINGSNUMMER
            if identity.coordination
            else Client.IdKind.PERSONNUMMER,
            "birth_date": identity.birth_date,
            "sex": sex if sex == Sex.OTHER else identity.sex,
        }
    if birth_date is None:
        errors.add("birth_date", _("Without an identity number the birth date is required."))
    check_not_future(errors, "birth_date", birth_date)
    if sex not in Sex.values:
        errors.add(
            "sex",
            _("Without an identity number the sex is required: %(choices)s.")
            % {"choices": Sex.spelled_out()},
        )
    return {
        "person_key": "",
        "personnummer_encrypted": "",
        "id_kind": Client.IdKind.NONE,
        "birth_date": birth_date,
        "sex": sex,
    }


@transaction.atomic
def client_register(
    *,
    actor: ActorT,
    unit: OrgUnit,
    personnummer: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
    client_ref: str = "",
) -> Client:
    """Register a person as a client of the unit's municipality.

    With a personnummer or samordningsnummer, birth date and sex are derived from it; without
    one (reserve identity) both are required. A person already registered in the municipality
    raises DuplicateClient instead of creating a second client.
    """
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, unit.path)
    municipality = municipality_of(unit)
    errors = Errors()
    ref = errors.check(lambda: clean_ref(client_ref, "client_ref"))
    given = bool((personnummer or "").strip())
    identity = _identity(errors, personnummer) if given else None
    fields = _person_fields(Errors() if given else errors, identity, birth_date, sex)
    if identity is not None:
        existing = Client.objects.filter(
            municipality=municipality, person_key=identity.person_key
        ).first()
        if existing is not None:
            raise DuplicateClient(existing)
    if ref and Client.objects.filter(municipality=municipality, client_ref=ref).exists():
        errors.add("client_ref", _("The client reference %(ref)s is already used.") % {"ref": ref})
    errors.raise_if_any()
    client = create_with_ref(
        Client,
        field="client_ref",
        given=ref or "",
        make_ref=lambda: next_ref(Client, municipality.pk, "client_ref", CLIENT_REF_PREFIX, 6),
        values={"municipality": municipality, "unit": unit, **fields},
    )
    record_change(actor=actor, action="create", obj=client)
    return client


@transaction.atomic
def client_update(
    *,
    actor: ActorT,
    client: Client,
    client_ref: str,
    personnummer: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
    expected_version: int | None = None,
) -> Client:
    """Correct a client's reference, add an identity number to a reserve identity, or correct
    birth date and sex of a client without a number. An empty personnummer keeps the one the
    client has. With `expected_version`, a stale caller gets VersionConflict."""
    lock_row(client)
    ensure_in_scope(actor, Action.CHANGE_INDIVIDUAL, client.unit.path)
    check_version(client, expected_version)
    errors = Errors()
    ref = errors.check(lambda: clean_ref(client_ref, "client_ref", required=True))
    values: dict[str, object] = {}
    if (personnummer or "").strip():
        identity = _identity(errors, personnummer)
        if identity is not None:
            values = _person_fields(errors, identity, birth_date, sex)
            clash = Client.objects.filter(
                municipality_id=client.municipality_id, person_key=identity.person_key
            ).exclude(pk=client.pk)
            if clash.exists():
                errors.add(
                    "personnummer",
                    _("Another client in the municipality already has this identity number."),
                )
            if identity.person_key == client.person_key:
                # Same person: keep the stored ciphertext (Fernet output differs every time).
                values["personnummer_encrypted"] = client.personnummer_encrypted
    elif client.person_key:
        if birth_date is not None and birth_date != client.birth_date:
            errors.add("birth_date", _("The birth date does not match the identity number."))
        if sex and sex not in (client.sex, Sex.OTHER):
            errors.add("sex", _("The sex does not match the identity number."))
        if sex == Sex.OTHER:
            values["sex"] = sex
    else:
        values = _person_fields(errors, None, birth_date, sex)
    born = values.get("birth_date")
    if isinstance(born, dt.date) and born != client.birth_date:
        dates.check_birth_date(errors, client=client, birth_date=born)
    if ref and ref != client.client_ref:
        taken = Client.objects.filter(municipality_id=client.municipality_id, client_ref=ref)
        if taken.exists():
            errors.add(
                "client_ref", _("The client reference %(ref)s is already used.") % {"ref": ref}
            )
    errors.raise_if_any()
    values["client_ref"] = ref
    save_changed(actor=actor, obj=client, values=values)
    return client
