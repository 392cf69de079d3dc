"""API authentication: session (with CSRF) and hashed tokens."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from insyn.accounts import services
from insyn.accounts.models import ApiToken


def test_me_shows_roles_and_actions(login, staff):
    data = login(staff.case_worker).get("/api/me/").json()
    assert data["username"] == "cw"
    assert data["memberships"][0]["role"] == "case_worker"
    assert "view_individual" in data["memberships"][0]["actions"]


def test_anonymous_api_is_refused(client, db):
    assert client.get("/api/me/").status_code in (401, 403)


def test_token_is_stored_hashed_and_authenticates(staff):
    key = services.api_token_renew(user=staff.case_worker)
    stored = ApiToken.objects.get(user=staff.case_worker)
    assert key not in stored.key_hash and stored.prefix == key[:8]
    c = Client()
    assert c.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").json()["username"] == "cw"
    assert c.get("/api/me/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_renewing_the_token_revokes_the_old_one(staff):
    old = services.api_token_renew(user=staff.case_worker)
    services.api_token_renew(user=staff.case_worker)
    assert Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401


def test_deactivated_user_token_stops_working(staff):
    key = services.api_token_renew(user=staff.case_worker)
    staff.case_worker.is_active = False
    staff.case_worker.save()
    assert Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_profile_page_creates_token_shown_once(login, staff):
    c = login(staff.case_worker)
    c.post(reverse("accounts:profile"), {"op": "renew_token"})
    first = c.get(reverse("accounts:profile")).context["new_key"]
    assert first and c.get(reverse("accounts:profile")).context["new_key"] is None


def test_session_api_write_needs_csrf(staff):
    c = Client(enforce_csrf_checks=True)
    c.force_login(staff.admin, backend="django.contrib.auth.backends.ModelBackend")
    assert c.post("/api/org-units/", {}).status_code == 403


def test_schema_and_docs_are_served_without_cdn(login, staff):
    c = login(staff.case_worker)
    schema = c.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi" in schema.content
    docs = c.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs
