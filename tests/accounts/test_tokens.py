"""API tokens: expiry, last use, lockout and deactivation, read-only, two-factor to create."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from insyn.accounts import services
from insyn.accounts.models import ApiToken, TwoFactorPolicy
from insyn.core.models import ChangeEntry


def _days(token: ApiToken) -> int:
    return round((token.expires_at - token.created_at).total_seconds() / 86400)


def _api(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")


def test_a_token_expires_after_the_chosen_days_and_is_then_refused(staff, english):
    key = services.api_token_renew(user=staff.case_worker, days=30)
    token = ApiToken.objects.get(user=staff.case_worker)
    assert _days(token) == 30
    assert _api(key).get("/api/me/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = _api(key).get("/api/me/")
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]


def test_default_expiry_is_ninety_days_and_at_most_a_year(staff):
    services.api_token_renew(user=staff.case_worker)
    token = ApiToken.objects.get(user=staff.case_worker)
    assert _days(token) == 90
    for days in (0, 366):
        with pytest.raises(ValidationError):
            services.api_token_renew(user=staff.case_worker, days=days)
    assert ApiToken.objects.get(user=staff.case_worker).pk == token.pk  # nothing changed


def test_last_use_is_written_at_most_once_a_minute(staff):
    key = services.api_token_renew(user=staff.case_worker)
    assert ApiToken.objects.get(user=staff.case_worker).last_used_at is None
    _api(key).get("/api/me/")
    first = ApiToken.objects.get(user=staff.case_worker).last_used_at
    assert first is not None
    _api(key).get("/api/me/")
    assert ApiToken.objects.get(user=staff.case_worker).last_used_at == first
    earlier = first - dt.timedelta(minutes=2)
    ApiToken.objects.filter(user=staff.case_worker).update(last_used_at=earlier)
    _api(key).get("/api/me/")
    assert ApiToken.objects.get(user=staff.case_worker).last_used_at > earlier


def test_a_locked_account_cannot_use_its_token(client, staff, settings, english):
    key = services.api_token_renew(user=staff.case_worker)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "cw", "password": "wrong-pw-12345"})
    refused = _api(key).get("/api/me/")
    assert refused.status_code == 401 and "locked" in refused.json()["detail"]
    other = services.api_token_renew(user=staff.unit_manager)
    assert _api(other).get("/api/me/").status_code == 200  # another account is not affected


def test_a_deactivated_account_cannot_use_its_token(staff, english):
    key = services.api_token_renew(user=staff.case_worker)
    staff.case_worker.is_active = False
    staff.case_worker.save()
    refused = _api(key).get("/api/me/")
    assert refused.status_code == 401 and "deactivated" in refused.json()["detail"]


def test_a_read_only_token_reads_but_never_writes(staff, tree, english):
    from insyn.clients.models import Client as ClientRecord

    key = services.api_token_renew(user=staff.case_worker, read_only=True)
    assert _api(key).get("/api/clients/").status_code == 200
    body = {"unit": tree.vux_unit.pk, "personnummer": "19121212-1212"}
    refused = _api(key).post("/api/clients/", body, content_type="application/json")
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert not ClientRecord.objects.exists()
    full = services.api_token_renew(user=staff.case_worker)
    bad = _api(full).post(
        "/api/clients/", {"unit": tree.vux_unit.pk}, content_type="application/json"
    )
    assert bad.status_code == 400  # a full token reaches the validation


def _require_two_factor(tree) -> None:
    services.two_factor_policy_set(
        actor=None, organisation=tree.vaxjo, role="case_worker", required=True
    )


def test_creating_a_token_needs_a_verified_second_factor_when_the_role_requires_it(
    tree, staff, english
):
    _require_two_factor(tree)
    with pytest.raises(ValidationError, match="two-factor"):
        services.api_token_renew(user=staff.case_worker)
    assert not ApiToken.objects.filter(user=staff.case_worker).exists()
    assert services.api_token_renew(user=staff.case_worker, second_factor_verified=True)
    # a role without the policy needs no second factor
    assert TwoFactorPolicy.objects.filter(role="unit_manager").count() == 0
    assert services.api_token_renew(user=staff.unit_manager)


def test_profile_page_creates_a_token_only_after_the_code(client, tree, staff, password):
    _require_two_factor(tree)
    device = TOTPDevice.objects.create(user=staff.case_worker, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "cw", "password": password})
    held = client.post(reverse("accounts:profile"), {"op": "renew_token", "days": "30"})
    assert held.status_code == 302 and held["Location"] == reverse("accounts:otp_verify")
    assert not ApiToken.objects.filter(user=staff.case_worker).exists()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    client.post(reverse("accounts:otp_verify"), {"token": code})
    client.post(reverse("accounts:profile"), {"op": "renew_token", "days": "30", "read_only": "on"})
    token = ApiToken.objects.get(user=staff.case_worker)
    assert token.read_only and _days(token) == 30
    entry = ChangeEntry.objects.get(action="renew_api_token", actor=staff.case_worker)
    assert entry.after["read_only"] is True


def test_profile_shows_expiry_last_use_and_access_in_swedish(login, staff):
    c = login(staff.case_worker)
    c.post(reverse("accounts:profile"), {"op": "renew_token", "days": "7", "read_only": "on"})
    html = c.get(reverse("accounts:profile")).content.decode()
    token = ApiToken.objects.get(user=staff.case_worker)
    expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
    assert "Upphör" in html and expires in html
    assert "Senast använd" in html and "Aldrig" in html
    assert "Endast läsning" in html


def test_profile_refuses_a_token_valid_over_a_year(login, staff):
    c = login(staff.case_worker)
    response = c.post(reverse("accounts:profile"), {"op": "renew_token", "days": "400"})
    assert response.status_code == 400 and response.context["token_form"].errors["days"]
    assert not ApiToken.objects.filter(user=staff.case_worker).exists()
