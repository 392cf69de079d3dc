"""Block kinds: each turns one template block into document items for a municipality and year.

`KINDS` maps a kind to its resolver; a resolver never raises for missing or hidden data — it
returns a `Message` saying what is missing, so the report still builds (issue: bad input)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit
    from insyn.reports.document import Block


@dataclass
class BuildContext:
    """What every block is resolved for: whose permissions, which municipality and year."""

    user: User
    unit: OrgUnit  # what the report covers: the municipality or a unit in it
    municipality: OrgUnit
    year: int
    language: str = "sv"
    narratives: dict[str, str] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # per build: quality stats etc.


Resolver = Callable[[BuildContext, dict[str, Any]], "Block"]
KINDS: dict[str, Resolver] = {}


def register(kind: str) -> Callable[[Resolver], Resolver]:
    def wrap(fn: Resolver) -> Resolver:
        KINDS[kind] = fn
        return fn

    return wrap


def load_all() -> None:
    """Import the block modules so they register (called from the app's ready())."""
    from insyn.reports.blocks import (  # noqa: F401
        improvement,
        indicator_chart,
        key_figures,
        narrative,
        plain,
        providers,
        quality,
        saved_analysis,
        surveys,
    )
