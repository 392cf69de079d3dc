"""`insyn demo` step for quality management in Växjö, through the real services.

Each area adds its part in demo_<area>.py and one line here.
"""

from __future__ import annotations

from typing import Any


def load(stdout: Any) -> list[tuple[str, str, str]]:
    from insyn.quality import demo_action_plans

    logins: list[tuple[str, str, str]] = []
    logins += demo_action_plans.load(stdout)
    return logins
