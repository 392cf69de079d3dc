"""Persistent PostgreSQL connections really apply (dj_database_url.parse sets CONN_MAX_AGE=0,
which a setdefault never overrode: every request opened a new connection)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _settings_with(env: dict[str, str]) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='insyn.settings';"
        "from django.conf import settings;"
        "d=settings.DATABASES['default'];"
        "print(d['ENGINE'], d.get('CONN_MAX_AGE'), d.get('CONN_HEALTH_CHECKS'),"
        " d.get('DISABLE_SERVER_SIDE_CURSORS', '-'))"
    )
    result = subprocess.run(  # a fresh process: settings are read once per process
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_postgresql_connections_persist_60_seconds_by_default():
    out = _settings_with(
        {"DATABASE_URL": "postgresql://u@127.0.0.1:5432/x", "INSYN_DB_CONN_MAX_AGE": ""}
    )
    assert out == "django.db.backends.postgresql 60 True False"


def test_connection_age_is_configurable():
    out = _settings_with(
        {"DATABASE_URL": "postgresql://u@127.0.0.1:5432/x", "INSYN_DB_CONN_MAX_AGE": "5"}
    )
    assert out == "django.db.backends.postgresql 5 True False"


def test_behind_pgbouncer_connections_close_and_server_side_cursors_are_off():
    out = _settings_with(
        {
            "DATABASE_URL": "postgresql://u@127.0.0.1:6432/x",
            "INSYN_DB_CONN_MAX_AGE": "0",
            "INSYN_DB_DISABLE_SERVER_SIDE_CURSORS": "true",
        }
    )
    assert out == "django.db.backends.postgresql 0 True True"


def test_sqlite_opens_a_connection_per_request_unless_told_otherwise():
    sqlite = {"DATABASE_URL": "sqlite:///var/x.sqlite3", "INSYN_DB_CONN_MAX_AGE": ""}
    assert _settings_with(sqlite) == "django.db.backends.sqlite3 0 True False"
    assert _settings_with({**sqlite, "INSYN_DB_CONN_MAX_AGE": "30"}).split()[1] == "30"


def test_a_connection_age_that_is_no_number_is_refused():
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _settings_with(
            {"DATABASE_URL": "postgresql://u@127.0.0.1:5432/x", "INSYN_DB_CONN_MAX_AGE": "soon"}
        )
    assert "INSYN_DB_CONN_MAX_AGE must be an integer" in failed.value.stderr
