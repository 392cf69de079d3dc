"""Subcommands of `insyn quality` as modules: each has `add_parsers(sub)` (argparse
subparsers) and `HANDLERS` ({subcommand: fn(command, options)}), so areas add commands without
editing management/commands/quality.py."""

from __future__ import annotations

from types import ModuleType


def modules() -> list[ModuleType]:
    from insyn.quality.cli import control, non_executed

    return [non_executed, control]
