"""Org scoping: `restrict(user, action)` is the only door to org-scoped rows.

A membership grants its role's actions in its org unit's whole subtree; the subtree is a prefix
of the materialised path, so scoping is one indexed `LIKE 'path%'` per granted unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, Self

from django.db import models
from django.db.models import Q

from insyn.core.roles import PERMISSIONS, Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


GRANTS_CACHE = "_insyn_granted_paths"  # on the user object: {action: paths, _MEMBERSHIPS: rows}
_MEMBERSHIPS = "\0memberships"  # a key no action can have


class Member(Protocol):
    """What scoping needs of a user: accounts' User is one. Said here, in core, so core does
    not import the accounts app above it (which builds its models on this module)."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def memberships(self) -> Any:
        """Rows with `role` and `org_unit` (a related manager)."""


def granted_paths(user: Member | AnonymousUser | None, action: Action | str) -> list[str]:
    """The minimal set of subtree roots where `user` may perform `action`.

    The user's memberships are read once per user object (one query), then every action is
    answered from them: a page asks for 10–20 actions (menu, panels, selectors, the audit).
    The cache lives on the user object, which the authentication middleware loads afresh for
    every request, so it never outlives a request or passes to another user; a service that
    changes memberships drops it (`forget_grants`)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cache: dict[str, Any] = user.__dict__.setdefault(GRANTS_CACHE, {})
    if action in cache:
        return list(cache[action])
    held = held_memberships(user)
    paths = sorted(
        {
            path
            for role, path, active in held
            if active and action in PERMISSIONS.get(role, frozenset())
        }
    )
    minimal: list[str] = []
    for path in paths:  # sorted, so an ancestor always comes before its descendants
        if not any(path.startswith(root) for root in minimal):
            minimal.append(path)
    cache[str(action)] = tuple(minimal)
    return minimal


def held_memberships(user: Any) -> list[tuple[str, str, bool]]:
    """(role, org path, whether the unit is active) of each of `user`'s memberships, read once
    per user object (the grants and the second-factor policy both need them)."""
    cache: dict[str, Any] = user.__dict__.setdefault(GRANTS_CACHE, {})
    held: list[tuple[str, str, bool]] | None = cache.get(_MEMBERSHIPS)
    if held is None:
        held = list(user.memberships.values_list("role", "org_unit__path", "org_unit__active"))
        cache[_MEMBERSHIPS] = held
    return held


def forget_grants(user: Any) -> None:
    """Drop the cached grants after a change to `user`'s memberships (read again on next use)."""
    if user is not None:
        user.__dict__.pop(GRANTS_CACHE, None)


def has_action(user: Member | AnonymousUser | None, action: Action | str) -> bool:
    return bool(granted_paths(user, action))


def path_in_scope(user: Member | AnonymousUser | None, action: Action | str, path: str) -> bool:
    return any(path.startswith(root) for root in granted_paths(user, action))


def paths_q(lookup: str, paths: Iterable[str]) -> Q:
    q = Q()
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


class ScopedQuerySet(models.QuerySet):
    """Queryset base for every org-scoped model.

    The model says where its org path is with `scope_path_lookup` (e.g. "unit__path"), or
    overrides `scope_filter(paths)` when scope is more than one path (a client is seen through
    any of its cases).
    """

    def restrict(self, user: Member | AnonymousUser | None, action: Action | str) -> Self:
        paths = granted_paths(user, action)
        if not paths:
            return self.none()
        return self.filter(self.model.scope_filter(paths))  # type: ignore[attr-defined]


class ScopedModel(models.Model):
    scope_path_lookup: str = ""

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, paths: list[str]) -> Q:
        if not cls.scope_path_lookup:
            raise NotImplementedError(f"{cls.__name__} must set scope_path_lookup")
        return paths_q(cls.scope_path_lookup, paths)

    def scope_path(self) -> str:
        """This object's org path, for re-checking scope inside a write."""
        value: Any = self
        for part in self.scope_path_lookup.split("__"):
            value = getattr(value, part)
        return str(value)


def restrict(
    user: Member | AnonymousUser | None, action: Action | str, queryset: models.QuerySet
) -> models.QuerySet:
    """Functional spelling of `queryset.restrict(user, action)` for any scoped queryset."""
    return queryset.restrict(user, action)  # type: ignore[attr-defined]
