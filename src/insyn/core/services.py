"""Helpers every app's services share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

Actor = "User | AnonymousUser | None"


def ensure_in_scope(actor: User | AnonymousUser | None, action: Action, path: str) -> None:
    """Re-check scope inside a write. `actor=None` is the system itself (CLI, imports, tasks).

    Out of scope raises Http404, so a caller cannot tell "not allowed" from "not there".
    """
    if actor is None:
        return
    if not path_in_scope(actor, action, path):
        raise Http404
