"""Demo data of the surveys app (a step of `insyn demo`)."""

from __future__ import annotations

from typing import TextIO


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    return []
