"""`insyn demo` step for quality management in Växjö, through the real services.

Each area adds its part in demo_<area>.py and one line here. Action plans come last: they
link to the deviations and complaints the steps before created. Last year's plans and
annual cycle come after the cycle (demo_last_year.py).
"""

from __future__ import annotations

from typing import Any


def load(stdout: Any) -> list[tuple[str, str, str]]:
    from insyn.quality import (
        demo_action_plans,
        demo_complaints,
        demo_control,
        demo_cycle,
        demo_deviations,
        demo_last_year,
        demo_lex_sarah,
        demo_non_executed,
        demo_risks,
    )

    logins: list[tuple[str, str, str]] = []
    logins += demo_deviations.load(stdout)
    logins += demo_lex_sarah.load(stdout)
    logins += demo_complaints.load(stdout)
    logins += demo_action_plans.load(stdout)
    logins += demo_non_executed.load(stdout)
    logins += demo_control.load(stdout)
    logins += demo_risks.load(stdout)
    logins += demo_cycle.load(stdout)
    logins += demo_last_year.load(stdout)
    return logins
