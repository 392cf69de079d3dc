"""`insyn demo`: non-executed decisions and their IVO reports, through the services."""

from __future__ import annotations

from typing import Any


def load(stdout: Any) -> list[tuple[str, str, str]]:
    """Create the demo data; return extra demo logins (username, password, role text)."""
    return []
