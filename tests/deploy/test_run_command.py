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


def _run(monkeypatch, tmp_path, settings, *args: str) -> tuple[list[str], list[list[str]], str]:
    """`insyn run` with the steps and the final exec recorded instead of done."""
    settings.VAR_DIR = tmp_path / "var"
    steps: list[str] = []
    monkeypatch.setattr(run, "call_command", lambda name, *a, **k: steps.append(name))
    calls: list[list[str]] = []
    monkeypatch.setattr(run.os, "execv", lambda path, argv: calls.append([path, *argv]))
    out = StringIO()
    call_command("run", "--port", "8123", *args, stdout=out)
    return steps, calls, out.getvalue()


def test_an_empty_database_is_migrated_given_the_demo_and_served(
    db, monkeypatch, tmp_path, settings
):
    monkeypatch.delenv("INSYN_DEBUG", raising=False)
    steps, calls, out = _run(monkeypatch, tmp_path, settings)
    assert steps == ["migrate", "catalogues", "demo", "collectstatic"]
    assert "loading the demo municipality" in out
    assert "insyn is serving on http://127.0.0.1:8123" in out
    assert settings.VAR_DIR.is_dir()
    ((path, *argv),) = calls
    assert path == run.sys.executable
    assert argv[1:4] == ["-m", "gunicorn", "insyn.wsgi:application"]
    assert run.os.environ["INSYN_DEBUG"] == "0"  # the demo server shows no debug pages


def test_a_database_with_users_is_not_given_the_demo_again(db, monkeypatch, tmp_path, settings):
    from insyn.organisations import demo
    from tests.factories import UserFactory

    monkeypatch.setenv("INSYN_DEBUG", "1")  # a developer who asked for debug pages keeps them
    UserFactory(username="handlaggare")
    steps, calls, out = _run(monkeypatch, tmp_path, settings)
    assert steps == ["migrate", "catalogues", "collectstatic"]
    assert "Demo logins" in out and f"handlaggare    {demo.DEMO_PASSWORD}" in out
    assert "kvalitet " not in out  # only demo users that exist are listed
    assert len(calls) == 1 and run.os.environ["INSYN_DEBUG"] == "1"
