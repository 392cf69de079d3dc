"""Logging in: the real login page, lockout, idle timeout, language, CSRF."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone


def _post_login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_swedish_by_default(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="sv">' in response.content.decode()


def test_login_with_correct_password(client, staff, password):
    response = _post_login(client, "cw", password)
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_wrong_password_is_refused_without_saying_which_part(client, staff):
    response = _post_login(client, "cw", "wrong-password-123")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get(reverse("core:home")).status_code == 302


def test_lockout_after_repeated_failures(client, staff, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "cw", "wrong-password-123")
    locked = _post_login(client, "cw", password)
    assert locked.status_code == 429
    assert client.get(reverse("core:home")).status_code == 302
    # another account is not affected
    assert _post_login(Client(), "manager", password).status_code == 302


def test_lockout_lapses_after_cooloff(client, staff, password, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "cw", "wrong-password-123")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(hours=1))
    assert _post_login(client, "cw", password).status_code == 302


def test_idle_session_times_out(client, staff, password, settings):
    _post_login(client, "cw", password)
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_activity_renews_the_session(client, staff, password):
    from django.contrib.sessions.models import Session

    _post_login(client, "cw", password)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )
    client.get(reverse("core:home"))
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + dt.timedelta(minutes=29)


def test_language_switch_to_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page and "Log in to insyn" in page
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="sv">' in page and "Logga in i insyn" in page


def test_login_requires_csrf_token(staff, password):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:login"), {"username": "cw", "password": password})
    assert response.status_code == 403


def test_state_changing_post_requires_csrf_token(staff):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff.admin, backend="django.contrib.auth.backends.ModelBackend")
    response = strict.post(reverse("accounts:user_create"), {"username": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("url_name", ["core:home", "accounts:users", "core:audit"])
def test_anonymous_is_sent_to_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_is_post_only_and_ends_session(client, staff, password):
    _post_login(client, "cw", password)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_passwords_are_hashed_with_argon2_outside_tests():
    """The product's own settings (tests put a fast hasher first): a password set in production
    is an Argon2 hash. Run in a fresh interpreter so the production settings are what is read."""
    code = (
        "import django; django.setup();"
        "from django.contrib.auth.hashers import make_password;"
        "print(make_password('a-long-password-1'))"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "PYTEST_XDIST_WORKER"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "insyn.settings",
        "INSYN_ENV": "production",
        "INSYN_SECRET_KEY": "x" * 50,
        "INSYN_PEPPER": "y" * 50,
        "INSYN_ALLOWED_HOSTS": "localhost",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().startswith("argon2$"), out.stdout + out.stderr
