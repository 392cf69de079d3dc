"""Demo data of the clients app (a step of `insyn demo`)."""

from __future__ import annotations

from typing import TextIO


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    from insyn.clients import demo_casework

    return demo_casework.load(stdout)
