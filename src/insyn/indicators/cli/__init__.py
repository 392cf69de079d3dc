"""Subcommands of `insyn indicators` as modules: each has `add_parsers(sub)` and `HANDLERS`
({subcommand: fn(command, options)}), so areas add commands without editing the command."""

from __future__ import annotations

from types import ModuleType


def modules() -> list[ModuleType]:
    from insyn.indicators.cli import compute, show

    return [show, compute]
