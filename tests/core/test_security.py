"""Headers, CSP, health, and production settings that pass Django's deploy check."""

from __future__ import annotations

import os
import subprocess
import sys

from django.urls import reverse


def test_security_headers_on_pages(client, db):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert "camera=()" in response["Permissions-Policy"]
    assert len(response["X-Request-ID"]) == 32


def test_pages_have_no_inline_script_and_no_cdn(login, staff):
    html = login(staff.admin).get(reverse("core:home")).content.decode()
    assert "<script>" not in html and "https://" not in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html


def test_healthz_checks_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_healthz_reports_a_broken_database(client, db, monkeypatch):
    from insyn.core import views

    class Down:
        def cursor(self):
            raise RuntimeError("down")

    monkeypatch.setattr(views, "connection", Down())
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "INSYN_ENV": "production",
        "INSYN_SECRET_KEY": "x" * 30 + "a-long-random-production-secret-0123456789",
        "INSYN_PEPPER": "pepper-for-the-check-0123456789-abcdef",
        "INSYN_ALLOWED_HOSTS": "insyn.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "INSYN_VAR_DIR": str(tmp_path),
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "insyn.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secrets(tmp_path):
    env = {
        **os.environ,
        "INSYN_ENV": "production",
        "INSYN_ALLOWED_HOSTS": "x.se",
        "INSYN_VAR_DIR": str(tmp_path),
    }
    for name in ("INSYN_SECRET_KEY", "INSYN_PEPPER", "PYTEST_VERSION"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "insyn.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "INSYN_SECRET_KEY must be set" in result.stderr


def _production_env(tmp_path, **overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "INSYN_ENV": "production",
        "INSYN_SECRET_KEY": "x" * 30 + "a-long-random-production-secret-0123456789",
        "INSYN_PEPPER": "p" * 32,
        "INSYN_ALLOWED_HOSTS": "insyn.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "INSYN_VAR_DIR": str(tmp_path),
        **overrides,
    }
    for name in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE", "INSYN_DEBUG", "INSYN_REDIS_URL"):
        if name not in overrides:
            env.pop(name, None)
    return env


def test_production_checks_name_a_short_pepper_and_debug():
    from insyn.settings import production_problems

    assert production_problems(pepper="p" * 32, debug=False) == []
    short, debug = production_problems(pepper="å" * 15, debug=True)  # 30 bytes
    assert "INSYN_PEPPER must be at least 32 bytes" in short
    assert "INSYN_DEBUG must be off" in debug


def test_production_refuses_to_start_with_a_short_pepper_or_debug(tmp_path):
    for overrides, message in (
        ({"INSYN_PEPPER": "short-pepper"}, "INSYN_PEPPER must be at least 32 bytes"),
        ({"INSYN_DEBUG": "true"}, "INSYN_DEBUG must be off in production"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "insyn.cli", "check"],
            env=_production_env(tmp_path, **overrides),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
        assert message in result.stderr


PRODUCTION_SCHEMA_PROBE = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="insyn.example.se")
for url in ("/api/schema/", "/api/docs/"):
    print(url, client.get(url, secure=True).status_code)
"""


def test_schema_and_docs_need_login_in_production(tmp_path):
    env = _production_env(tmp_path)  # an anonymous call never reaches the (empty) database
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SCHEMA_PROBE],
        env={**env, "DJANGO_SETTINGS_MODULE": "insyn.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    codes = dict(line.split() for line in result.stdout.splitlines())
    assert codes == {"/api/schema/": "401", "/api/docs/": "401"}, result.stdout


def test_schema_is_open_outside_production(client, db):
    assert client.get("/api/schema/").status_code == 200
