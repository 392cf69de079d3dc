"""`insyn run` (what `make run` starts) serves without Django's debug pages unless the
developer asks for them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import call_command

from insyn.core.management.commands import run
from insyn.core.management.commands.run import served_environment


def test_served_environment_turns_debug_off_by_default():
    assert served_environment({"PATH": "/bin"})["INSYN_DEBUG"] == "0"
    assert served_environment({"INSYN_DEBUG": ""})["INSYN_DEBUG"] == "0"
    assert served_environment({"INSYN_DEBUG": "1"})["INSYN_DEBUG"] == "1"


def _served_debug(env: dict[str, str], var_dir: str) -> str:
    """DEBUG as the served process's settings decide it, in the development environment."""
    env = {k: v for k, v in env.items() if k not in {"PYTEST_VERSION", "INSYN_ENV"}}
    env |= {"INSYN_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "insyn.settings"}
    code = "from django.conf import settings; print(settings.DEBUG)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.django_db
@pytest.mark.parametrize(("asked", "expected"), [(None, "False"), ("1", "True")])
def test_insyn_run_serves_gunicorn_with_debug_off_unless_asked(
    monkeypatch, tmp_path, asked, expected
):
    monkeypatch.delenv("INSYN_DEBUG", raising=False)
    if asked is not None:
        monkeypatch.setenv("INSYN_DEBUG", asked)
    commands: list[str] = []
    monkeypatch.setattr(run, "call_command", lambda name, *a, **k: commands.append(name))
    started: dict[str, Any] = {}

    def execv(path: str, argv: list[str]) -> None:
        started.update(path=path, argv=argv, env=dict(os.environ))

    monkeypatch.setattr(os, "execv", execv)
    call_command("run", "--no-demo", "--port", "8123", stdout=io.StringIO())
    assert commands == ["migrate", "catalogues", "collectstatic"]
    assert started["argv"][2:4] == ["gunicorn", "insyn.wsgi:application"]
    assert "127.0.0.1:8123" in started["argv"]
    assert _served_debug(started["env"], str(tmp_path)) == expected
