"""Persistent PostgreSQL connections really apply (dj_database_url.parse sets CONN_MAX_AGE=0,
which a setdefault never overrode: every request opened a new connection)."""

from __future__ import annotations

import os
import subprocess
import sys


def _settings_with(env: dict[str, str]) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='insyn.settings';"
        "from django.conf import settings;"
        "d=settings.DATABASES['default'];"
        "print(d['ENGINE'], d.get('CONN_MAX_AGE'), d.get('CONN_HEALTH_CHECKS'))"
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
    assert out == "django.db.backends.postgresql 60 True"


def test_connection_age_is_configurable():
    out = _settings_with(
        {"DATABASE_URL": "postgresql://u@127.0.0.1:5432/x", "INSYN_DB_CONN_MAX_AGE": "5"}
    )
    assert out == "django.db.backends.postgresql 5 True"
