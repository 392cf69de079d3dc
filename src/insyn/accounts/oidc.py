"""OpenID Connect login (authorization code flow with PKCE) on mozilla-django-oidc.

What insyn adds to the library: endpoints from the provider's discovery document (read at the
first login, cached an hour), the ID token's issuer and audience checked, accounts found by
(issuer, subject) and memberships reviewed against the claims (accounts.sso), a session flag
that the identity provider did the second factor, and a refused login that says so instead of
an error page.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from insyn.accounts import sso

logger = logging.getLogger("insyn.sso")

SSO_SESSION_KEY = "insyn_sso"  # this session was opened by the identity provider
SSO_CLAIMS_KEY = "insyn_sso_claim_values"
DISCOVERY_TTL = 3600.0
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


def provider_metadata() -> dict[str, Any]:
    """The discovery document, fetched once an hour per process."""
    url = settings.INSYN_OIDC_DISCOVERY_URL
    if not url:
        return {}
    hit = _discovered.get(url)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    _discovered[url] = (time.monotonic() + DISCOVERY_TTL, document)
    return document


def endpoint(setting: str, key: str, *, required: bool = True) -> str | None:
    """An explicitly configured endpoint, else the discovery document's."""
    explicit: str | None = getattr(settings, setting, None)
    if explicit:
        return explicit
    value = provider_metadata().get(key)
    if not value and required:
        raise ImproperlyConfigured(f"The identity provider announces no {key}")
    return str(value) if value else None


def expected_issuer() -> str:
    issuer: str = settings.INSYN_OIDC_ISSUER or str(provider_metadata().get("issuer") or "")
    return issuer.rstrip("/")


class SsoBackend(OIDCAuthenticationBackend):
    """Endpoints are looked up only when a login needs them (the session's backend is built on
    every request, which must not depend on the identity provider being reachable)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str | None:
        return endpoint("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str | None:
        return endpoint("OIDC_OP_JWKS_ENDPOINT", "jwks_uri")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str | None:
        return endpoint("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint", required=False)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not settings.INSYN_OIDC_ENABLED or "nonce" not in kwargs:
            return None  # a password login asking every backend
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks signature, expiry and nonce; the issuer and audience are ours."""
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        if "nonce" not in kwargs:
            return payload  # a signed userinfo answer
        issuer = expected_issuer()
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation("ID token from another issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The ID token's claims, completed by the userinfo endpoint where there is one."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            extra = super().get_userinfo(access_token, id_token, payload)
            if str(extra.get("sub", payload.get("sub"))) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo for another subject")
            claims.update({k: v for k, v in extra.items() if k not in {"iss", "aud", "sub"}})
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        login = sso.sso_login(issuer=str(payload.get("iss", "")).rstrip("/"), claims=claims)
        if self.request is not None:
            self.request.insyn_sso_claim_values = login.claim_values
        return login.user


class StartView(OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider (state, nonce and PKCE kept in the session)."""

    personal_data = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.INSYN_OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint(
                "OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"
            )
        except (requests.RequestException, ValueError, ImproperlyConfigured) as exc:
            logger.error("SSO: the identity provider's discovery document failed: %s", exc)
            messages.error(request, _("The identity provider cannot be reached. Try again later."))
            return redirect("accounts:login")
        response: HttpResponse = super().get(request)
        return response


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the identity provider sends the browser back with a code."""

    personal_data = False

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.INSYN_OIDC_ENABLED:
            raise Http404
        if request.GET.get("error"):
            logger.warning(
                "SSO: the identity provider answered %s: %s",
                request.GET.get("error"),
                request.GET.get("error_description", ""),
            )
        try:
            response: HttpResponse = super().get(request)
        except (
            SuspiciousOperation,
            ImproperlyConfigured,
            requests.RequestException,
            ValueError,
            KeyError,
        ) as exc:
            logger.warning("SSO login refused: %s", exc)
            return self.login_failure()
        return response

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _("Single sign-on did not log you in. Try again, or contact your administrator."),
        )
        return redirect("accounts:login")

    def login_success(self) -> HttpResponse:
        super().login_success()
        session = self.request.session
        session[SSO_SESSION_KEY] = True
        session[SSO_CLAIMS_KEY] = getattr(self.request, "insyn_sso_claim_values", [])
        if not self.user.memberships.exists():
            return redirect("accounts:sso_no_access")
        return HttpResponseRedirect(self.success_url)
