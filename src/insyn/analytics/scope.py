"""Whose data an analysis or export covers. A module of its own, so the export path can use
it without loading the statistics stack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from insyn.core import context
from insyn.core.roles import Action
from insyn.core.scoping import granted_paths


@dataclass(frozen=True)
class Scope:
    """Whose data: org paths (subtrees), or None for the system itself (CLI, reports)."""

    paths: tuple[str, ...] | None

    @classmethod
    def system(cls) -> Scope:
        return cls(None)

    @classmethod
    def for_user(cls, user: Any, action: Action = Action.VIEW_AGGREGATE) -> Scope:
        return cls(tuple(granted_paths(user, action)))

    def municipality_ids(self) -> set[int] | None:
        if self.paths is None:
            return None
        from insyn.organisations.models import OrgUnit

        paths = self.paths

        def compute() -> set[int]:
            return {
                pk
                for pk, path in OrgUnit.objects.filter(kind=OrgUnit.Kind.MUNICIPALITY).values_list(
                    "pk", "path"
                )
                if any(path.startswith(p) or p.startswith(path) for p in paths)
            }

        # asked by every chart of a page: once per request
        return set(context.memoised(("analytics.scope_municipalities", paths), compute))
