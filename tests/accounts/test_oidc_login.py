"""Single sign-on through a real (local) OpenID Connect provider: login, memberships from the
claims, their review at the next login, the no-access page, and refused callbacks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from insyn.accounts import sso
from insyn.accounts.models import ApiToken, SsoIdentity, TwoFactorPolicy, User
from insyn.core.models import ChangeEntry
from insyn.core.roles import Role
from insyn.organisations.models import Membership
from insyn.organisations.services import membership_grant
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

VUX_GROUP = "c0ffee00-vux-handlaggare"
BOF_GROUP = "c0ffee00-bof-chefer"


@pytest.fixture
def provider(settings, monkeypatch) -> Iterator[Provider]:
    """The local provider, and insyn configured for it as from the environment (discovery)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    with Provider() as running:
        settings.INSYN_OIDC_ENABLED = True
        settings.INSYN_OIDC_ISSUER = running.issuer
        settings.INSYN_OIDC_DISCOVERY_URL = f"{running.issuer}/.well-known/openid-configuration"
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "insyn.accounts.oidc.SsoBackend",
        ]
        yield running


@pytest.fixture
def rules(tree, staff):
    """Växjö's rules: one group gives case workers in VUX, another unit managers in BOF."""
    vux = sso.sso_rule_create(
        actor=staff.admin,
        municipality=tree.vaxjo,
        claim="",
        value=VUX_GROUP,
        org_unit=tree.vux_unit,
        role=Role.CASE_WORKER,
    )
    bof = sso.sso_rule_create(
        actor=staff.admin,
        municipality=tree.vaxjo,
        claim="",
        value=BOF_GROUP,
        org_unit=tree.bof,
        role=Role.UNIT_MANAGER,
    )
    return vux, bof


def claims(*groups: str, sub: str = "sub-anna-1", **extra: str) -> dict:
    return {
        "sub": sub,
        "preferred_username": "anna.andersson@vaxjo.se",
        "email": "anna.andersson@vaxjo.se",
        "given_name": "Anna",
        "family_name": "Andersson",
        "groups": list(groups),
        **extra,
    }


def start(client: Client, provider: Provider, user_claims: dict) -> str:
    """insyn's redirect to the provider, followed as a browser would: the callback address."""
    response = client.get(reverse("accounts:sso_start"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{provider.issuer}/authorize?")
    provider.claims = user_claims
    at_provider = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == reverse("accounts:sso_callback")
    return f"{back.path}?{back.query}"


def sso_login(client: Client, provider: Provider, user_claims: dict):
    return client.get(start(client, provider, user_claims))


def anna() -> User:
    return SsoIdentity.objects.get(subject="sub-anna-1").user


def held(user: User) -> set[tuple[str, str, str]]:
    return {
        (m.org_unit.code, m.role, m.source)
        for m in Membership.objects.filter(user=user).select_related("org_unit")
    }


def test_login_creates_the_session_and_memberships_from_the_claims(client, provider, rules, tree):
    response = sso_login(client, provider, claims(VUX_GROUP, BOF_GROUP, "some-other-group"))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    user = anna()
    assert user.username == "anna.andersson@vaxjo.se"
    assert (user.first_name, user.last_name) == ("Anna", "Andersson")
    assert user.organisation == tree.vaxjo
    assert not user.has_usable_password()
    assert held(user) == {("VUX-OPV", "case_worker", "sso"), ("BOF", "unit_manager", "sso")}
    # each grant is a change entry, like any other membership change
    grants = ChangeEntry.objects.filter(
        action="create", object_type="organisations.membership", actor=user
    )
    assert grants.count() == 2
    assert {e.after["source"] for e in grants} == {"sso"}
    # endpoints came from the provider's discovery document; PKCE and the JWKS were used
    assert "/.well-known/openid-configuration" in provider.requests
    assert {"/token", "/jwks", "/userinfo"} <= set(provider.requests)


def test_the_identity_provider_does_the_second_factor(client, provider, rules, tree, staff):
    TwoFactorPolicy.objects.create(organisation=tree.vaxjo, role=Role.CASE_WORKER, required=True)
    sso_login(client, provider, claims(VUX_GROUP))
    # a password login with this role would be sent to set up TOTP; the SSO session is not
    assert client.get(reverse("core:home")).status_code == 200
    # and counts as verified where a second factor is asked for (an API token)
    client.post(reverse("accounts:profile"), {"op": "renew_token", "days": 30})
    assert ApiToken.objects.filter(user=anna()).exists()


def test_a_removed_group_removes_the_membership_at_the_next_login(
    client, provider, rules, tree, staff
):
    sso_login(client, provider, claims(VUX_GROUP, BOF_GROUP))
    user = anna()
    # an administrator grants a role by hand, one the rules also give, and another
    membership_grant(actor=staff.admin, user=user, org_unit=tree.aov, role=Role.QUALITY_LEAD)
    client.post(reverse("accounts:logout"))

    sso_login(Client(), provider, claims(VUX_GROUP))

    assert held(user) == {("VUX-OPV", "case_worker", "sso"), ("AOV", "quality_lead", "manual")}
    removed = ChangeEntry.objects.get(action="delete", object_type="organisations.membership")
    assert removed.before["role"] == "unit_manager"
    assert removed.actor == user

    sso_login(Client(), provider, claims())  # every group gone: the hand-granted role stays
    assert held(user) == {("AOV", "quality_lead", "manual")}


def test_hand_granted_memberships_stay_even_when_a_rule_gives_the_same(
    client, provider, rules, tree, staff
):
    user = staff.case_worker  # holds case_worker in VUX-OPV, granted by hand
    SsoIdentity.objects.create(user=user, issuer=provider.issuer, subject="sub-cw")
    sso_login(client, provider, claims(VUX_GROUP, sub="sub-cw"))
    assert held(user) == {("VUX-OPV", "case_worker", "manual")}
    sso_login(Client(), provider, claims(sub="sub-cw"))
    assert held(user) == {("VUX-OPV", "case_worker", "manual")}


def test_an_existing_account_is_linked_by_email_at_its_first_sso_login(
    client, provider, rules, staff
):
    user = staff.other_case_worker
    sso_login(client, provider, claims(VUX_GROUP, sub="sub-bof", email=user.email))
    assert SsoIdentity.objects.get(subject="sub-bof").user == user
    assert held(user) == {("BOF-UTR", "case_worker", "manual"), ("VUX-OPV", "case_worker", "sso")}
    assert User.objects.filter(email__iexact=user.email).count() == 1


def test_a_rule_granted_role_becomes_manual_when_an_administrator_grants_it(
    client, provider, rules, tree, staff
):
    sso_login(client, provider, claims(VUX_GROUP))
    user = anna()
    membership_grant(actor=staff.admin, user=user, org_unit=tree.vux_unit, role=Role.CASE_WORKER)
    sso_login(Client(), provider, claims())
    assert held(user) == {("VUX-OPV", "case_worker", "manual")}


def test_claims_that_map_to_nothing_log_in_to_the_no_access_page(
    client, provider, rules, tree, caplog
):
    with caplog.at_level(logging.WARNING, logger="insyn.sso"):
        response = sso_login(client, provider, claims("not-a-mapped-group"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sso_no_access")
    page = client.get(reverse("accounts:sso_no_access"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "har ingen roll i insyn" in text  # the page speaks Swedish
    assert "not-a-mapped-group" in text
    user = anna()
    assert not Membership.objects.filter(user=user).exists()
    assert "matched no rule" in caplog.text
    assert ChangeEntry.objects.filter(action="sso_login_without_access", actor=user).exists()
    # logged in, but every organisation page is closed
    for name in ("accounts:users", "organisations:root", "accounts:sso_settings"):
        assert client.get(reverse(name)).status_code == 404, name


def test_no_groups_claim_at_all_is_no_access_too(client, provider, rules):
    no_groups = claims()
    del no_groups["groups"]
    response = sso_login(client, provider, no_groups)
    assert response["Location"] == reverse("accounts:sso_no_access")
    assert not Membership.objects.filter(user=anna()).exists()


def test_groups_from_the_userinfo_endpoint_count(client, provider, rules):
    """Keycloak and others may send groups only to userinfo; its answer wins over the token's."""
    provider.userinfo_extra = {"groups": [BOF_GROUP]}
    sso_login(client, provider, claims(VUX_GROUP))
    assert held(anna()) == {("BOF", "unit_manager", "sso")}


def test_a_rule_on_another_claim(client, provider, tree, staff):
    sso.sso_rule_create(
        actor=staff.admin,
        municipality=tree.vaxjo,
        claim="roles",
        value="insyn.analyst",
        org_unit=tree.vaxjo,
        role=Role.ANALYST,
    )
    sso_login(client, provider, {**claims(), "roles": ["insyn.analyst"]})
    assert held(anna()) == {("0780", "analyst", "sso")}


def _refused(client: Client, response) -> None:
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("core:home")).status_code == 302  # not logged in


def test_an_unknown_state_is_refused(client, provider, rules):
    callback = start(client, provider, claims(VUX_GROUP))
    forged = callback.replace("state=", "state=forged")
    _refused(client, client.get(forged))
    assert not SsoIdentity.objects.exists()
    assert not Membership.objects.filter(source="sso").exists()


def test_a_callback_without_a_started_login_is_refused(client, provider, rules):
    callback = start(Client(), provider, claims(VUX_GROUP))  # another browser started it
    _refused(client, client.get(callback))


def test_a_replayed_callback_is_refused(client, provider, rules):
    callback = start(client, provider, claims(VUX_GROUP))
    assert client.get(callback)["Location"] == reverse("core:home")
    client.post(reverse("accounts:logout"))
    _refused(client, client.get(callback))


def test_a_wrong_nonce_is_refused(client, provider, rules):
    provider.nonce_override = "nonce-of-another-login"
    _refused(client, sso_login(client, provider, claims(VUX_GROUP)))
    assert not SsoIdentity.objects.exists()


@pytest.mark.parametrize("knob", ["issuer_override", "audience_override"])
def test_a_token_for_another_issuer_or_client_is_refused(client, provider, rules, knob):
    setattr(provider, knob, "http://127.0.0.1:9/someone-else")
    _refused(client, sso_login(client, provider, claims(VUX_GROUP)))


def test_the_provider_reporting_an_error_is_refused(client, provider, rules):
    response = client.get(reverse("accounts:sso_start"))
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    answer = client.get(
        reverse("accounts:sso_callback"), {"error": "access_denied", "state": state}
    )
    _refused(client, answer)


def test_a_deactivated_account_cannot_log_in_through_sso(client, provider, rules):
    sso_login(client, provider, claims(VUX_GROUP))
    User.objects.filter(pk=anna().pk).update(is_active=False)
    fresh = Client()
    _refused(fresh, sso_login(fresh, provider, claims(VUX_GROUP)))
