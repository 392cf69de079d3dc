"""The import circles issue 14 untied stay untied (ARCHITECTURE: which app may import which).

Read from the source with `ast`, so an import hidden in a function or under TYPE_CHECKING
counts as much as one at the top: a lower module must not name the higher one at all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "insyn"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("core/scoping.py", "insyn.accounts"),
        ("core/versioning.py", "insyn.followup"),
        ("core/versioning.py", "insyn.surveys"),
        ("analytics/frames/sources.py", "insyn.analytics.specs"),
        ("surveys/disclosure.py", "insyn.surveys.results"),
        ("surveys/tasks.py", "insyn.surveys.services.messaging"),
        ("surveys/services/delivery.py", "insyn.surveys.tasks"),
    ],
)
def test_a_lower_module_does_not_import_the_higher_one(lower, higher):
    named = {m for m in _imports(SRC / lower) if m == higher or m.startswith(higher + ".")}
    assert not named, f"{lower} imports {sorted(named)}"


def test_clients_services_never_call_up_into_followup():
    """Followup hears of interventions through the listener it registers at start-up."""
    offenders = {
        str(path.relative_to(SRC)): sorted(m for m in _imports(path) if m.startswith(up))
        for path in (SRC / "clients" / "services").glob("*.py")
        for up in ("insyn.followup", "insyn.surveys", "insyn.analytics")
        if any(m.startswith(up) for m in _imports(path))
    }
    assert offenders == {}


def test_followup_still_hears_of_interventions(db):
    from insyn.clients.services import interventions
    from insyn.followup.services.enrollment import intervention_changed

    assert intervention_changed in interventions._intervention_listeners
