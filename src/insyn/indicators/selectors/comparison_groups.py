"""Which comparison group a request names: the municipality by its Kolada code, the groups a user
may compare against (Kolada's public groups and user groups within the user's organisation), and
`resolve_group` turning `similar|skr|county|riket|group:<key>` into a group for a year.
Split from selectors/comparison.py, which builds the comparison itself."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Q

from insyn.core import context
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths
from insyn.indicators.models import ComparisonGroup, KoladaMunicipality
from insyn.indicators.selectors import groups as group_selectors
from insyn.indicators.selectors.comparison_types import (
    GroupYearError,
    UnknownGroup,
    UnknownMunicipality,
)
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

    Viewer = User | AnonymousUser | None

AREA_ID = re.compile(r"\d{4}")
GROUP_KEY = re.compile(r"[A-Za-z0-9_.-]{1,40}")


def municipality(code: str) -> KoladaMunicipality:
    """Read once per request (the overview asks for each tile's comparisons); shared, so
    callers must not change it."""
    found = (
        context.memoised(
            ("indicators.municipality", code),
            lambda: KoladaMunicipality.objects.select_related("org_unit").filter(pk=code).first(),
        )
        if AREA_ID.fullmatch(code or "")
        else None
    )
    if found is None:
        raise UnknownMunicipality(f"Okänd kommun: {code} (ange Koladas kommunkod, t.ex. 0780).")
    return found


def visible_groups(user: Viewer) -> Q:
    """Kolada's groups (public) and user-defined groups within the user's organisation (the
    owner is in the user's scope, or the user works below the owner)."""
    q = Q(owner__isnull=True)
    for path in granted_paths(user, Action.VIEW_AGGREGATE):
        q |= Q(owner__path__startswith=path)
    owners = OrgUnit.objects.filter(path__in=_ancestor_paths(user)).values("pk")
    return q | Q(owner__in=owners)


def _ancestor_paths(user: Viewer) -> list[str]:
    out: list[str] = []
    for path in granted_paths(user, Action.VIEW_AGGREGATE):
        parts = [p for p in path.split("/") if p]
        out += ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    return out


def resolve_group(
    user: Viewer, area: KoladaMunicipality, against: str, year: int
) -> ComparisonGroup:
    """The group `against` names for this municipality and year (errors in Swedish)."""
    if against == "similar":
        try:
            return group_selectors.similar_group(area.pk, year)
        except group_selectors.NoGroupForYear as exc:
            raise GroupYearError(str(exc)) from exc
    if against == "skr":
        found = group_selectors.skr_group(area.pk)
    elif against == "county":
        found = group_selectors.county_group(area.pk)
    elif against == "riket":
        found = group_selectors.riket_group()
    elif against.startswith("group:"):
        key = against.removeprefix("group:")
        found = (
            ComparisonGroup.objects.filter(visible_groups(user), key=key).first()
            if GROUP_KEY.fullmatch(key)
            else None
        )
        if found is None:
            raise UnknownGroup(f"Okänd jämförelsegrupp: {key}.")
        if found.year is not None and found.year != year:
            raise GroupYearError(
                f"Gruppen {found.key} ({found.title}) gäller år {found.year}, inte {year}."
            )
        return found
    else:
        raise UnknownGroup(
            f"Okänd jämförelse: {against} (similar, skr, county, riket eller group:<nyckel>)."
        )
    if found is None:
        raise UnknownGroup(f"Det finns ingen jämförelsegrupp {against} för {area.title}.")
    return found
