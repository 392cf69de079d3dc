"""`insyn run` serves with gunicorn in a way several app nodes can share a host."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from insyn.core.management.commands import run


@pytest.fixture
def served(db, monkeypatch, tmp_path, settings):
    """Run `insyn run` up to the point where it becomes gunicorn; return gunicorn's argv."""
    settings.VAR_DIR = tmp_path
    steps: list[str] = []
    monkeypatch.setattr(run, "call_command", lambda name, *a, **k: steps.append(name))
    calls: list[list[str]] = []
    monkeypatch.setattr(run.os, "execv", lambda path, argv: calls.append(list(argv)))
    call_command("run", "--no-demo", "--port", "8123", "--workers", "1", stdout=StringIO())
    assert steps == ["migrate", "catalogues", "collectstatic"]
    (argv,) = calls
    return argv


def test_it_binds_where_asked_with_the_workers_asked(served):
    assert served[served.index("--bind") + 1] == "127.0.0.1:8123"
    assert served[served.index("--workers") + 1] == "1"


def test_no_node_takes_over_another_nodes_control_socket(served):
    # gunicorn 25+ opens one control socket per user and host unless told not to (older ones
    # have neither the socket nor the option).
    assert ("--no-control-socket" in served) == (run._gunicorn_version() >= (25, 0))
