"""Single sign-on around the login: local passwords off per municipality, the administrator's
rules page, and SSO staying off (nothing changes) when the environment does not configure it."""

from __future__ import annotations

import importlib

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from insyn import settings_oidc
from insyn.accounts import sso
from insyn.accounts.models import LoginPolicy, SsoGroupRule
from insyn.core.models import ChangeEntry
from insyn.core.roles import Role
from tests.factories import UserFactory


def _post_login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def passwords_off(tree, staff):
    return sso.login_policy_set(actor=staff.admin, organisation=tree.vaxjo, local_passwords=False)


def test_password_login_is_refused_when_local_passwords_are_off(
    client, staff, password, passwords_off
):
    response = _post_login(client, "cw", password)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "enkel inloggning (SSO)" in errors
    assert client.get(reverse("core:home")).status_code == 302
    # a wrong password still gets the usual answer (the policy is told only to the right one)
    wrong = _post_login(Client(), "cw", "wrong-password-123")
    assert "SSO" not in " ".join(wrong.context["form"].non_field_errors())


def test_other_municipalities_and_superusers_keep_their_passwords(
    client, tree, staff, password, passwords_off
):
    assert _post_login(client, "cw_kalmar", password).status_code == 302
    UserFactory(username="breakglass", organisation=tree.vaxjo, is_superuser=True, is_staff=True)
    assert _post_login(Client(), "breakglass", password).status_code == 302


def test_the_system_admin_login_refuses_too(client, tree, staff, password, passwords_off):
    UserFactory(username="vaxjo_staff", organisation=tree.vaxjo, is_staff=True)
    response = client.post(
        reverse("admin:login"), {"username": "vaxjo_staff", "password": password}
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_no_password_reset_link_where_passwords_are_off(client, staff, passwords_off):
    client.post(reverse("accounts:password_reset"), {"email": staff.case_worker.email})
    client.post(reverse("accounts:password_reset"), {"email": staff.kalmar_case_worker.email})
    assert [m.to for m in mail.outbox] == [[staff.kalmar_case_worker.email]]


def test_passwords_back_on(client, tree, staff, password, passwords_off):
    sso.login_policy_set(actor=staff.admin, organisation=tree.vaxjo, local_passwords=True)
    assert _post_login(client, "cw", password).status_code == 302


def test_sso_is_off_without_its_environment(client, db, settings):
    assert settings.INSYN_OIDC_ENABLED is False
    assert "insyn.accounts.oidc.SsoBackend" not in settings.AUTHENTICATION_BACKENDS
    assert client.get(reverse("accounts:sso_start")).status_code == 404
    callback = client.get(reverse("accounts:sso_callback"), {"code": "x", "state": "y"})
    assert callback.status_code == 404
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:sso_start") not in page


def test_the_login_page_offers_sso_when_configured(client, db, settings):
    settings.INSYN_OIDC_ENABLED = True
    settings.INSYN_OIDC_PROVIDER_NAME = "Växjö kommun (Entra ID)"
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:sso_start") in page
    assert "Växjö kommun (Entra ID)" in page


def test_settings_read_from_the_environment(monkeypatch):
    try:
        monkeypatch.setenv("INSYN_OIDC_CLIENT_ID", "insyn")
        monkeypatch.setenv("INSYN_OIDC_CLIENT_SECRET", "s3cret")
        monkeypatch.setenv("INSYN_OIDC_ISSUER", "https://login.example.se/realms/vaxjo/")
        monkeypatch.setenv("INSYN_OIDC_GROUPS_CLAIM", "roles")
        module = importlib.reload(settings_oidc)
        assert module.INSYN_OIDC_ENABLED
        assert module.INSYN_OIDC_BACKENDS == ["insyn.accounts.oidc.SsoBackend"]
        assert module.INSYN_OIDC_DISCOVERY_URL == (
            "https://login.example.se/realms/vaxjo/.well-known/openid-configuration"
        )
        assert module.INSYN_OIDC_GROUPS_CLAIM == "roles"
        monkeypatch.delenv("INSYN_OIDC_CLIENT_SECRET")
        with pytest.raises(ImproperlyConfigured, match="INSYN_OIDC_CLIENT_SECRET"):
            importlib.reload(settings_oidc)
        monkeypatch.delenv("INSYN_OIDC_ISSUER")
        with pytest.raises(ImproperlyConfigured, match="INSYN_OIDC_ISSUER"):
            importlib.reload(settings_oidc)
    finally:
        for name in ("INSYN_OIDC_CLIENT_ID", "INSYN_OIDC_ISSUER", "INSYN_OIDC_GROUPS_CLAIM"):
            monkeypatch.delenv(name, raising=False)
        assert not importlib.reload(settings_oidc).INSYN_OIDC_ENABLED


# --- the administrator's page ------------------------------------------------------------------


def test_admin_adds_and_removes_a_rule_and_turns_passwords_off(login, tree, staff):
    client = login(staff.admin)
    url = reverse("accounts:sso_settings")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "organisation": tree.vaxjo.pk,
            "op": "add_rule",
            "value": "grp-1",
            "claim": "",
            "org_unit": tree.vux_unit.pk,
            "role": Role.CASE_WORKER,
        },
    )
    assert response.status_code == 302
    rule = SsoGroupRule.objects.get()
    assert (rule.municipality, rule.org_unit) == (tree.vaxjo, tree.vux_unit)
    assert rule.role == "case_worker"
    assert "grp-1" in client.get(url).content.decode()
    client.post(url, {"organisation": tree.vaxjo.pk, "op": "delete_rule", "rule": rule.pk})
    assert not SsoGroupRule.objects.exists()

    client.post(url, {"organisation": tree.vaxjo.pk, "op": "policy"})  # checkbox unticked
    assert LoginPolicy.objects.get(organisation=tree.vaxjo).local_passwords is False
    actions = set(
        ChangeEntry.objects.filter(actor=staff.admin).values_list("object_type", "action")
    )
    assert {
        ("accounts.ssogrouprule", "create"),
        ("accounts.ssogrouprule", "delete"),
        ("accounts.loginpolicy", "update"),
    } <= actions


def test_a_rule_must_stay_inside_the_municipality(tree, staff):
    with pytest.raises(ValidationError):
        sso.sso_rule_create(
            actor=None,
            municipality=tree.vaxjo,
            claim="",
            value="grp",
            org_unit=tree.kalmar_unit,
            role=Role.CASE_WORKER,
        )


def test_a_registrar_rule_names_the_municipality_itself(tree, staff):
    """As for a hand-granted membership: the access report covers the whole municipality."""
    with pytest.raises(ValidationError) as caught:
        sso.sso_rule_create(
            actor=None,
            municipality=tree.vaxjo,
            claim="",
            value="registry",
            org_unit=tree.vux_unit,
            role=Role.REGISTRAR,
        )
    assert "org_unit" in caught.value.message_dict
    assert not SsoGroupRule.objects.filter(value="registry").exists()
    rule = sso.sso_rule_create(
        actor=None,
        municipality=tree.vaxjo,
        claim="",
        value="registry",
        org_unit=tree.vaxjo,
        role=Role.REGISTRAR,
    )
    assert rule.org_unit == tree.vaxjo


def test_another_municipalitys_admin_cannot_touch_the_rules(login, tree, staff):
    rule = sso.sso_rule_create(
        actor=staff.admin,
        municipality=tree.vaxjo,
        claim="",
        value="grp",
        org_unit=tree.vux_unit,
        role=Role.CASE_WORKER,
    )
    client = login(staff.kalmar_admin)
    url = reverse("accounts:sso_settings")
    assert client.get(url, {"organisation": tree.vaxjo.pk}).status_code == 404
    assert (
        client.post(
            url, {"organisation": tree.kalmar.pk, "op": "delete_rule", "rule": rule.pk}
        ).status_code
        == 404
    )
    assert SsoGroupRule.objects.filter(pk=rule.pk).exists()
    with pytest.raises(Http404):
        sso.login_policy_set(
            actor=staff.kalmar_admin, organisation=tree.vaxjo, local_passwords=False
        )


def test_only_administrators_see_the_page(login, staff):
    assert login(staff.case_worker).get(reverse("accounts:sso_settings")).status_code == 404
