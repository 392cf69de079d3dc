from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


def root_units(user: User | AnonymousUser, action: Action) -> QuerySet[OrgUnit]:
    """The top of each subtree where the user holds `action`."""
    return OrgUnit.objects.filter(path__in=granted_paths(user, action)).order_by("path")


def units_for(user: User | AnonymousUser, action: Action = Action.VIEW_ORG) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.restrict(user, action)
