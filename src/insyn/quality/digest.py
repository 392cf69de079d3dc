"""The daily quality digest's sections as a registry: each area (action items, lex Sarah
deadlines, complaints awaiting an answer) registers a function that returns, per user, the
lines that user should be reminded of today. `insyn remind` sends one quality digest a day per
person with every section's lines (services/reminders.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from insyn.accounts.models import User


@dataclass(frozen=True)
class DigestLine:
    """One reminder. `text` names no client: e-mail leaves the system unencrypted."""

    section: str  # the registering area's key, e.g. "action_items"
    text: str
    due_on: dt.date | None
    overdue: bool
    path: str  # reverse(...) of the page; the sender adds INSYN_BASE_URL


SectionSource = Callable[[dt.date], dict["User", list[DigestLine]]]


@dataclass(frozen=True)
class DigestSection:
    key: str
    title: str | Promise
    source: SectionSource
    order: int = 100


_SECTIONS: dict[str, DigestSection] = {}


def register_digest_section(section: DigestSection) -> None:
    _SECTIONS[section.key] = section


def digest_sections() -> list[DigestSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
