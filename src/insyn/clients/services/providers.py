"""The provider register: own providers of a municipality and external ones, the latter shared
by every municipality and kept once per organisation number."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from insyn.clients.models import InterventionType, Provider
from insyn.clients.services.common import Errors, save_changed
from insyn.clients.validators import normalise_org_number
from insyn.core.audit import record_change
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT


class DuplicateProvider(ValidationError):
    """An external provider with this organisation number is already in the register."""

    def __init__(self, provider: Provider) -> None:
        super().__init__(
            {
                "org_number": [
                    _("This organisation is already in the register as %(name)s.")
                    % {"name": provider.name}
                ]
            }
        )
        self.provider = provider


def _code_for(name: str, org_number: str, municipality: OrgUnit) -> str:
    base = f"org-{org_number.replace('-', '')}" if org_number else ""
    if not base:
        base = f"{municipality.code}-{slugify(name)[:28] or 'utforare'}"
    code, n = base, 2
    while Provider.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def _clean(
    errors: Errors, *, name: str, kind: str, org_number: str, exclude_pk: int | None = None
) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        errors.add("name", _("A name is required."))
    if kind not in Provider.Kind.values:
        errors.add("kind", _("Choose own or external."))
    number = ""
    if (org_number or "").strip():
        try:
            number = normalise_org_number(org_number)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("org_number", message)
    if number and kind == Provider.Kind.EXTERNAL:
        existing = Provider.objects.filter(kind=Provider.Kind.EXTERNAL, org_number=number)
        found = (existing.exclude(pk=exclude_pk) if exclude_pk else existing).first()
        if found is not None:
            raise DuplicateProvider(found)
    if kind == Provider.Kind.EXTERNAL and not (org_number or "").strip():
        errors.add("org_number", _("An external provider needs its organisation number."))
    return name, number


@transaction.atomic
def provider_create(
    *,
    actor: ActorT,
    municipality: OrgUnit,
    name: str,
    kind: str,
    org_number: str = "",
    intervention_types: Iterable[InterventionType] = (),
    code: str = "",
) -> Provider:
    """Register a provider. An own provider belongs to `municipality`; an external one is
    shared, and `municipality` becomes the one that maintains its record."""
    ensure_in_scope(actor, Action.DESIGN, municipality.path)
    if municipality.kind != OrgUnit.Kind.MUNICIPALITY:
        raise ValidationError(_("Providers are registered by a municipality."))
    errors = Errors()
    name, number = _clean(errors, name=name, kind=kind, org_number=org_number)
    code = (code or "").strip()
    if code and Provider.objects.filter(code=code).exists():
        errors.add("code", _("The code %(code)s is already used.") % {"code": code})
    errors.raise_if_any()
    provider = Provider.objects.create(
        code=code
        or _code_for(name, number if kind == Provider.Kind.EXTERNAL else "", municipality),
        name=name,
        kind=kind,
        org_number=number,
        municipality=municipality if kind == Provider.Kind.OWN else None,
        registered_by=municipality,
    )
    provider.intervention_types.set(list(intervention_types))
    record_change(actor=actor, action="create", obj=provider)
    return provider


@transaction.atomic
def provider_update(
    *,
    actor: ActorT,
    provider: Provider,
    name: str,
    org_number: str,
    active: bool,
    intervention_types: Iterable[InterventionType],
) -> Provider:
    """Only the municipality that registered a provider edits it; shipped providers are edited
    in the system administration."""
    if provider.registered_by is None:
        raise ValidationError(_("This provider is maintained centrally."))
    ensure_in_scope(actor, Action.DESIGN, provider.registered_by.path)
    errors = Errors()
    name, number = _clean(
        errors, name=name, kind=provider.kind, org_number=org_number, exclude_pk=provider.pk
    )
    errors.raise_if_any()
    save_changed(
        actor=actor,
        obj=provider,
        values={"name": name, "org_number": number, "active": active},
    )
    wanted = {t.pk for t in intervention_types}
    current = set(provider.intervention_types.values_list("pk", flat=True))
    if wanted != current:
        provider.intervention_types.set(list(wanted))
        record_change(
            actor=actor,
            action="update",
            obj=provider,
            before={"intervention_types": sorted(current)},
            after={"intervention_types": sorted(wanted)},
        )
    return provider
