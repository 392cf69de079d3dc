"""`insyn indicators` subcommands of one area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HANDLERS: dict[str, Callable[[Any, dict[str, Any]], None]] = {}


def add_parsers(sub: Any) -> None:
    """Add this area's subparsers."""
