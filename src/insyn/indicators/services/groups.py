"""User-defined comparison groups: a set of Kolada municipalities a unit compares itself with
(key `user-<n>`, kind `user`, owner an OrgUnit). Written with `handle_quality` in the owner;
every write records a change entry placed at the owner. The group has no version column:
the last save wins (the lead may add `Versioned` to ComparisonGroup)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.indicators.models import ComparisonGroup, KoladaMunicipality
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    Actor = User | AnonymousUser | None

WRITE = Action.HANDLE_QUALITY
MAX_MEMBERS = 400


def _check(title: str, members: list[KoladaMunicipality]) -> str:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the group a name.")]
    elif len(title) > 200:
        errors["title"] = [_("At most 200 characters.")]
    if not members:
        errors["members"] = [_("Choose at least one municipality.")]
    elif len(members) > MAX_MEMBERS:
        errors["members"] = [_("At most %(n)s municipalities.") % {"n": MAX_MEMBERS}]
    if errors:
        raise ValidationError(errors)
    return title


def _members(members: Iterable[KoladaMunicipality]) -> list[KoladaMunicipality]:
    return list(dict.fromkeys(members))


def _after(group: ComparisonGroup) -> dict[str, object]:
    data = snapshot(group)
    data["members"] = sorted(group.members.values_list("pk", flat=True))
    return data


def _user_group(group: ComparisonGroup) -> OrgUnit:
    if group.kind != ComparisonGroup.Kind.USER or group.owner is None:
        raise Http404
    return group.owner


@transaction.atomic
def group_create(
    *, actor: Actor, owner: OrgUnit, title: str, members: Iterable[KoladaMunicipality]
) -> ComparisonGroup:
    ensure_in_scope(actor, WRITE, owner.path)
    chosen = _members(members)
    title = _check(title, chosen)
    group = ComparisonGroup.objects.create(
        key=f"user-new-{owner.pk}", title=title, kind=ComparisonGroup.Kind.USER, owner=owner
    )
    group.key = f"user-{group.pk}"
    group.save(update_fields=["key"])
    group.members.set(chosen)
    record_change(
        actor=actor, action="create", obj=group, after=_after(group), also_paths=[owner.path]
    )
    return group


@transaction.atomic
def group_update(
    *,
    actor: Actor,
    group: ComparisonGroup,
    title: str,
    members: Iterable[KoladaMunicipality],
) -> ComparisonGroup:
    owner = _user_group(group)
    ensure_in_scope(actor, WRITE, owner.path)
    chosen = _members(members)
    title = _check(title, chosen)
    before = _after(group)
    group.title = title
    group.save(update_fields=["title"])
    group.members.set(chosen)
    record_change(
        actor=actor,
        action="update",
        obj=group,
        before=before,
        after=_after(group),
        also_paths=[owner.path],
    )
    return group


@transaction.atomic
def group_delete(*, actor: Actor, group: ComparisonGroup) -> None:
    owner = _user_group(group)
    ensure_in_scope(actor, WRITE, owner.path)
    record_change(
        actor=actor, action="delete", obj=group, before=_after(group), also_paths=[owner.path]
    )
    group.delete()
