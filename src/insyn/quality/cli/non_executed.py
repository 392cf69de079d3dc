"""`insyn quality` subcommands of this area (see cli/__init__.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand


def add_parsers(sub: Any) -> None:
    """Add this area's subparsers to `sub` (argparse's subparsers action)."""


HANDLERS: dict[str, Callable[[BaseCommand, dict[str, Any]], None]] = {}
