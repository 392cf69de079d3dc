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


# The apps above clients in ARCHITECTURE's layering.
ABOVE_CLIENTS = (
    "insyn.followup",
    "insyn.imports",
    "insyn.analytics",
    "insyn.surveys",
    "insyn.quality",
    "insyn.indicators",
    "insyn.reports",
)


def test_clients_never_imports_an_app_above_it():
    """All of clients (services, selectors, views, API, ...), not only its services: followup
    hears of interventions through the listener it registers at start-up and adds its part of
    the client's journey through the contributor it registers (insyn.clients.timeline)."""
    offenders = {
        str(path.relative_to(SRC)): sorted(
            m
            for m in _imports(path)
            if any(m == up or m.startswith(up + ".") for up in ABOVE_CLIENTS)
        )
        for path in (SRC / "clients").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_followup_still_hears_of_interventions(db):
    from insyn.clients.services import interventions
    from insyn.followup.services.enrollment import intervention_changed

    assert intervention_changed in interventions._intervention_listeners


def test_followup_still_adds_its_part_of_the_client_journey(db):
    from insyn.clients.timeline import journey_contributors
    from insyn.followup.journey import followup_journey

    assert followup_journey in journey_contributors()
