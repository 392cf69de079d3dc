"""Token authentication against hashed keys (a leaked database does not leak usable tokens).

A token works until it expires, only while its account is active and not locked out (axes),
and a read-only token only for reading calls.
"""

from __future__ import annotations

import hashlib
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from insyn.accounts.models import ApiToken

LAST_USED_RESOLUTION = 60  # seconds: last_used_at is written at most once a minute


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if AxesProxyHandler.is_locked(request._request, get_credentials(user.get_username())):
            raise exceptions.AuthenticationFailed(
                _("The account is locked after too many failed logins. Try again later.")
            )
        if token.read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                _("This API token is read-only: it may only read (GET, HEAD, OPTIONS).")
            )
        return user, token

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account is deactivated."))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                _("The API token has expired. Create a new one on your account page.")
            )
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() >= LAST_USED_RESOLUTION
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token


class VerifiedSessionAuthentication(SessionAuthentication):
    """A session that still owes its second factor does not authenticate API calls."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        from insyn.accounts.selectors import needs_second_factor

        if needs_second_factor(request._request, result[0]):
            return None
        return result
