"""Explicit state machines for quality workflows (ARCHITECTURE: allowed transitions as a
table; an illegal one raises a ValidationError with a message and changes nothing).

Each service module declares its machine once:

    DEVIATION_FLOW = Workflow(
        _("the deviation"),
        {
            "receive": Transition(("reported",), "received", _("Receive")),
            ...
        },
        dict(Deviation.State.choices),
    )

and calls `DEVIATION_FLOW.check(obj.state, "receive")` inside its transaction, before any
write. Views and templates ask `DEVIATION_FLOW.available(obj.state)` which buttons to show,
so the page never offers a step the service would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    label: str | Promise


@dataclass(frozen=True)
class Workflow:
    name: str | Promise  # "the deviation", as the message names it
    transitions: dict[str, Transition]
    state_labels: dict[str, Any] = field(default_factory=dict)  # e.g. dict(Deviation.State.choices)

    def check(self, state: str, action: str) -> str:
        """The target state of `action` from `state`, or a ValidationError saying why not."""
        transition = self.transitions.get(action)
        if transition is None:
            raise ValidationError(_("Unknown step: %(action)s.") % {"action": action})
        if state not in transition.sources:
            raise ValidationError(
                _("“%(step)s” cannot be done now: %(what)s is “%(state)s”.")
                % {
                    "step": transition.label,
                    "what": self.name,
                    "state": self.state_labels.get(state, state),
                },
                code="illegal_transition",
            )
        return transition.target

    def available(self, state: str) -> list[str]:
        return [a for a, t in self.transitions.items() if state in t.sources]

    def states(self) -> set[str]:
        found: set[str] = set()
        for t in self.transitions.values():
            found.update(t.sources)
            found.add(t.target)
        return found

    def pairs(self) -> Iterable[tuple[str, str]]:
        """Every (state, action) pair the table allows — what tests enumerate."""
        for action, t in self.transitions.items():
            for state in t.sources:
                yield state, action
