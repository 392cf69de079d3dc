"""One area's part of the indicators demo step (through the real services)."""

from __future__ import annotations

from typing import TextIO


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    return []
