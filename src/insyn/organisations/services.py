"""Every write to the organisation tree and to memberships."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action, Role
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import Membership, OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

NATION_CODE = "0000"


def _place(unit: OrgUnit) -> None:
    """Set path, depth and municipality from the parent (the unit must have its id)."""
    parent = unit.parent
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    if unit.kind == OrgUnit.Kind.MUNICIPALITY:
        unit.municipality_id = unit.pk
    elif parent is not None:
        unit.municipality_id = parent.municipality_id
    unit.save(update_fields=["path", "depth", "municipality"])


@transaction.atomic
def org_unit_create(
    *,
    actor: User | AnonymousUser | None,
    parent: OrgUnit | None,
    code: str,
    name: str,
    kind: str,
) -> OrgUnit:
    code, name = code.strip(), name.strip()
    if parent is None:
        if kind != OrgUnit.Kind.NATION or actor is not None:
            raise ValidationError(_("Only the nation sits at the root of the tree."))
    else:
        ensure_in_scope(actor, Action.MANAGE_ORG, parent.path)
        if kind not in OrgUnit.CHILD_KINDS[parent.kind]:
            raise ValidationError(
                _("A %(kind)s cannot be placed under a %(parent)s.")
                % {
                    "kind": OrgUnit.Kind(kind).label.lower(),
                    "parent": OrgUnit.Kind(parent.kind).label.lower(),
                }
            )
    if not code:
        raise ValidationError({"code": _("A code is required.")})
    if not name:
        raise ValidationError({"name": _("A name is required.")})
    if OrgUnit.objects.filter(parent=parent, code=code).exists():
        raise ValidationError(
            {"code": _("The code %(code)s is already used here.") % {"code": code}}
        )
    unit = OrgUnit.objects.create(parent=parent, code=code, name=name, kind=kind, path="")
    _place(unit)
    record_change(actor=actor, action="create", obj=unit)
    return unit


@transaction.atomic
def org_unit_update(
    *,
    actor: User | AnonymousUser | None,
    org_unit: OrgUnit,
    name: str,
    code: str,
    active: bool,
) -> OrgUnit:
    ensure_in_scope(actor, Action.MANAGE_ORG, org_unit.path)
    if org_unit.kind in OrgUnit.REFERENCE_KINDS and code != org_unit.code:
        raise ValidationError({"code": _("Reference codes cannot be changed.")})
    code, name = code.strip(), name.strip()
    if not name:
        raise ValidationError({"name": _("A name is required.")})
    clash = OrgUnit.objects.filter(parent=org_unit.parent, code=code).exclude(pk=org_unit.pk)
    if not code or clash.exists():
        raise ValidationError(
            {"code": _("The code %(code)s is already used here.") % {"code": code}}
        )
    before = snapshot(org_unit)
    org_unit.name, org_unit.code, org_unit.active = name, code, active
    org_unit.save(update_fields=["name", "code", "active", "updated_at"])
    record_change(actor=actor, action="update", obj=org_unit, before=before)
    return org_unit


@dataclass
class ReferenceLoad:
    created: int
    updated: int
    unchanged: int


def _region_code_for(municipality_code: str) -> str:
    """A municipality's first two digits are its county, and county NN is region 00NN."""
    return f"00{municipality_code[:2]}"


@transaction.atomic
def load_reference() -> ReferenceLoad:
    """Riket, the 21 regions and the 290 municipalities from the shipped Kolada copy.

    Idempotent: re-running renames what changed and creates what is missing.
    """
    raw = resources.files("insyn.organisations").joinpath("reference/municipality.json")
    rows = json.loads(raw.read_text(encoding="utf-8"))["values"]
    result = ReferenceLoad(0, 0, 0)

    def upsert(code: str, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
        unit = OrgUnit.objects.filter(code=code, kind=kind).first()
        if unit is None:
            unit = OrgUnit.objects.create(code=code, name=name, kind=kind, parent=parent, path="")
            _place(unit)
            result.created += 1
        elif unit.name != name:
            unit.name = name
            unit.save(update_fields=["name", "updated_at"])
            result.updated += 1
        else:
            result.unchanged += 1
        return unit

    by_code = {row["id"]: row for row in rows}
    nation = upsert(NATION_CODE, by_code[NATION_CODE]["title"], OrgUnit.Kind.NATION, None)
    regions = {
        row["id"]: upsert(row["id"], row["title"], OrgUnit.Kind.REGION, nation)
        for row in rows
        if row["type"] == "L" and row["id"] != NATION_CODE
    }
    for row in rows:
        if row["type"] == "K":
            upsert(
                row["id"],
                row["title"],
                OrgUnit.Kind.MUNICIPALITY,
                regions[_region_code_for(row["id"])],
            )
    return result


@transaction.atomic
def membership_grant(
    *,
    actor: User | AnonymousUser | None,
    user: User,
    org_unit: OrgUnit,
    role: str,
) -> Membership:
    ensure_in_scope(actor, Action.MANAGE_USERS, org_unit.path)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.ANALYST and org_unit.kind not in OrgUnit.REFERENCE_KINDS:
        raise ValidationError(
            {"org_unit": _("Analysts work across a municipality, region or the nation.")}
        )
    if role == Role.REGISTRAR and org_unit.kind != OrgUnit.Kind.MUNICIPALITY:
        raise ValidationError(
            {
                "org_unit": _(
                    "A registrar answers for a whole municipality: choose the municipality."
                )
            }
        )
    existing = Membership.objects.filter(user=user, org_unit=org_unit, role=role).first()
    if existing:
        if existing.source != Membership.Source.MANUAL:
            # Granted by hand now: it no longer follows the identity provider's claims.
            before = snapshot(existing)
            existing.source = Membership.Source.MANUAL
            existing.save(update_fields=["source"])
            record_change(actor=actor, action="update", obj=existing, before=before)
        return existing
    membership = Membership.objects.create(user=user, org_unit=org_unit, role=role)
    record_change(actor=actor, action="create", obj=membership)
    user.__dict__.pop("_insyn_granted_paths", None)
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | AnonymousUser | None, membership: Membership) -> None:
    ensure_in_scope(actor, Action.MANAGE_USERS, membership.org_unit.path)
    before = snapshot(membership)
    record_change(actor=actor, action="delete", obj=membership, before=before)
    membership.delete()
