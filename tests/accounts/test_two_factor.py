"""A role can require TOTP; until the session proves it, nothing but the 2FA pages opens."""

from __future__ import annotations

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from insyn.accounts import services
from insyn.accounts.models import TwoFactorPolicy


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _unthrottle(device: TOTPDevice) -> None:
    """A wrong code throttles the device for a second; tests do not wait for it."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def _require(tree, role: str) -> None:
    services.two_factor_policy_set(actor=None, organisation=tree.vaxjo, role=role, required=True)


def test_required_role_is_held_at_setup_until_a_device_is_confirmed(client, tree, staff, password):
    _require(tree, "admin")
    client.post(reverse("accounts:login"), {"username": "admin", "password": password})
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_setup")
    # the API does not accept the half-authenticated session either
    assert client.get("/api/me/").status_code in (401, 403)

    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=staff.admin, confirmed=False)
    bad = client.post(
        reverse("accounts:otp_setup"),
        {"token": "000000" if _code(device) != "000000" else "111111"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    _unthrottle(device)
    ok = client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    assert ok.status_code == 302
    assert client.get(reverse("accounts:users")).status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_next_login_asks_for_the_code(client, tree, staff, password):
    _require(tree, "admin")
    device = TOTPDevice.objects.create(user=staff.admin, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "admin", "password": password})
    held = client.get(reverse("core:home"))
    assert held["Location"] == reverse("accounts:otp_verify")
    wrong = client.post(
        reverse("accounts:otp_verify"),
        {"token": "123456" if _code(device) != "123456" else "654321"},
    )
    assert wrong.status_code == 200
    assert client.get(reverse("core:home")).status_code == 302
    _unthrottle(device)
    assert client.post(reverse("accounts:otp_verify"), {"token": _code(device)}).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_policy_applies_only_to_that_role_and_organisation(client, tree, staff, password):
    _require(tree, "admin")
    client.post(reverse("accounts:login"), {"username": "cw", "password": password})
    assert client.get(reverse("core:home")).status_code == 200
    other = client.__class__()
    other.post(reverse("accounts:login"), {"username": "admin_kalmar", "password": password})
    assert other.get(reverse("core:home")).status_code == 200


def test_admin_sets_policy_in_the_ui(login, tree, staff):
    c = login(staff.admin)
    page = c.get(reverse("accounts:two_factor_policy"))
    assert page.status_code == 200
    c.post(
        reverse("accounts:two_factor_policy"),
        {"organisation": tree.vaxjo.pk, "case_worker": "on", "unit_manager": "on"},
    )
    required = set(
        TwoFactorPolicy.objects.filter(organisation=tree.vaxjo, required=True).values_list(
            "role", flat=True
        )
    )
    assert required == {"case_worker", "unit_manager"}


def test_admin_cannot_set_policy_for_another_municipality(login, tree, staff):
    c = login(staff.admin)
    response = c.post(
        reverse("accounts:two_factor_policy"), {"organisation": tree.kalmar.pk, "admin": "on"}
    )
    assert response.status_code == 404
    assert not TwoFactorPolicy.objects.filter(organisation=tree.kalmar).exists()


def test_admin_resets_a_lost_device(login, tree, staff):
    TOTPDevice.objects.create(user=staff.case_worker, name="phone", confirmed=True)
    login(staff.admin).post(
        reverse("accounts:user_detail", args=[staff.case_worker.pk]), {"op": "reset_2fa"}
    )
    assert not TOTPDevice.objects.filter(user=staff.case_worker).exists()


def test_starting_a_device_is_recorded_on_the_user_without_the_secret(
    client, tree, staff, password
):
    from insyn.core.models import ChangeEntry

    _require(tree, "admin")
    client.post(reverse("accounts:login"), {"username": "admin", "password": password})
    last = ChangeEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    client.get(reverse("accounts:otp_setup"))
    client.get(reverse("accounts:otp_setup"))  # the same unconfirmed device: no new start
    device = TOTPDevice.objects.get(user=staff.admin, confirmed=False)
    entries = ChangeEntry.objects.filter(id__gt=last)
    assert [(e.action, e.object_type, e.object_id, e.actor_id) for e in entries] == [
        ("start_second_factor", "accounts.user", str(staff.admin.pk), staff.admin.pk)
    ]
    assert device.key not in str(entries.get().after) and device.key not in str(
        entries.get().before
    )
    # Starting again (a new session) replaces the unconfirmed device and says so.
    services.totp_device_start(user=staff.admin)
    assert ChangeEntry.objects.latest("id").after == {"unconfirmed_devices_replaced": 1}
