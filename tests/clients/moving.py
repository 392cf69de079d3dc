"""Moving cases between units through the real service, for the scope-follows-the-case tests."""

from __future__ import annotations

from typing import Any

from insyn.clients import services
from insyn.clients.models import Case
from insyn.core.roles import Role
from tests.factories import member, user_with_role


def mover(from_unit: Any, to_unit: Any) -> Any:
    """A case worker of both units: the only kind of user the service lets move a case."""
    user = user_with_role(Role.CASE_WORKER, from_unit, username=f"mover{from_unit.pk}{to_unit.pk}")
    member(user, to_unit, Role.CASE_WORKER)
    return user


def move(case: Case, to_unit: Any, *, actor: Any = None, case_worker: Any = None) -> Case:
    case.refresh_from_db()
    return services.case_update(
        actor=actor if actor is not None else mover(case.unit, to_unit),
        case=case,
        unit=to_unit,
        opened_on=case.opened_on,
        source=case.source,
        reason=case.reason,
        case_worker=case_worker,
        closed_on=case.closed_on,
    )


def move_all(from_unit: Any, to_unit: Any, *, case_worker: Any = None) -> list[Case]:
    """Move every case of `from_unit`; returns the moved cases."""
    actor = mover(from_unit, to_unit)
    cases = list(Case.objects.filter(unit=from_unit))
    for case in cases:
        move(case, to_unit, actor=actor, case_worker=case_worker)
    return cases
