"""Single sign-on with OpenID Connect, configured from the environment (docs/sso.md).

Imported by settings.py. Without INSYN_OIDC_CLIENT_ID (and an issuer or explicit endpoints) SSO is
off: no backend is added and the SSO pages answer 404, so nothing changes for password logins.
Endpoints that are not given are read from the provider's discovery document at the first
login (cached), so the app starts even while the identity provider is unreachable.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "INSYN_OIDC_BACKENDS",
    "INSYN_OIDC_DISCOVERY_URL",
    "INSYN_OIDC_ENABLED",
    "INSYN_OIDC_GROUPS_CLAIM",
    "INSYN_OIDC_ISSUER",
    "INSYN_OIDC_LINK_BY_EMAIL",
    "INSYN_OIDC_PROVIDER_NAME",
    "INSYN_OIDC_USERNAME_CLAIM",
    "OIDC_AUTHENTICATION_CALLBACK_URL",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_RP_SCOPES",
    "OIDC_RP_SIGN_ALGO",
    "OIDC_TIMEOUT",
    "OIDC_USE_PKCE",
]


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def _bool(name: str, default: bool) -> bool:
    value = _env(name).lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


OIDC_RP_CLIENT_ID = _env("INSYN_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = _env("INSYN_OIDC_CLIENT_SECRET")
# The issuer is checked against every ID token's "iss"; discovery defaults to its well-known URL.
INSYN_OIDC_ISSUER = _env("INSYN_OIDC_ISSUER").rstrip("/")
INSYN_OIDC_DISCOVERY_URL = _env(
    "INSYN_OIDC_DISCOVERY_URL",
    f"{INSYN_OIDC_ISSUER}/.well-known/openid-configuration" if INSYN_OIDC_ISSUER else "",
)
# Explicit endpoints win over discovery (None: look them up).
OIDC_OP_AUTHORIZATION_ENDPOINT = _env("INSYN_OIDC_AUTHORIZATION_ENDPOINT") or None
OIDC_OP_TOKEN_ENDPOINT = _env("INSYN_OIDC_TOKEN_ENDPOINT") or None
OIDC_OP_USER_ENDPOINT = _env("INSYN_OIDC_USERINFO_ENDPOINT") or None
OIDC_OP_JWKS_ENDPOINT = _env("INSYN_OIDC_JWKS_ENDPOINT") or None
OIDC_RP_SCOPES = _env("INSYN_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = _env("INSYN_OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = _bool("INSYN_OIDC_USE_PKCE", True)
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
# The claim whose values the municipality's SSO rules match (a list, or one string).
INSYN_OIDC_GROUPS_CLAIM = _env("INSYN_OIDC_GROUPS_CLAIM", "groups")
INSYN_OIDC_USERNAME_CLAIM = _env("INSYN_OIDC_USERNAME_CLAIM", "preferred_username")
# First SSO login of someone who already has a local account: link it by e-mail address?
INSYN_OIDC_LINK_BY_EMAIL = _bool("INSYN_OIDC_LINK_BY_EMAIL", True)
INSYN_OIDC_PROVIDER_NAME = _env("INSYN_OIDC_PROVIDER_NAME", "")

_endpoints = (OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_JWKS_ENDPOINT)
INSYN_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID) and (bool(INSYN_OIDC_DISCOVERY_URL) or all(_endpoints))
if OIDC_RP_CLIENT_ID and not INSYN_OIDC_ENABLED:
    raise ImproperlyConfigured(
        "INSYN_OIDC_CLIENT_ID needs INSYN_OIDC_ISSUER (or INSYN_OIDC_DISCOVERY_URL, or the "
        "authorization, token and JWKS endpoints)"
    )
if INSYN_OIDC_ENABLED and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured("INSYN_OIDC_CLIENT_SECRET must be set with INSYN_OIDC_CLIENT_ID")
INSYN_OIDC_BACKENDS = ["insyn.accounts.oidc.SsoBackend"] if INSYN_OIDC_ENABLED else []
