"""Reads about users and their second factor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from insyn.accounts.models import TwoFactorPolicy, User
from insyn.core.roles import Action
from insyn.core.scoping import held_memberships

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest


DEVICE_CACHE = "_insyn_confirmed_device"


def two_factor_required(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    cached = user.__dict__.get("_insyn_2fa_required")
    if cached is None:
        held = [(role, path) for role, path, _active in held_memberships(user)]
        policies = TwoFactorPolicy.objects.filter(
            role__in={role for role, _path in held}, required=True
        ).values_list("role", "organisation__path")
        cached = any(
            role == p_role and path.startswith(p_path)
            for p_role, p_path in policies
            for role, path in held
        )
        user.__dict__["_insyn_2fa_required"] = cached
    return bool(cached)


def confirmed_device(user: User | AnonymousUser | Any) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    # asked by the middleware and again by the menu: once per user object (a request's);
    # the services that create or confirm a device drop it
    if DEVICE_CACHE not in user.__dict__:
        user.__dict__[DEVICE_CACHE] = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device: TOTPDevice | None = user.__dict__[DEVICE_CACHE]
    return device


def needs_second_factor(request: HttpRequest, user: Any) -> bool:
    """True when this session has not proved a second factor that the user owes."""
    if not user.is_authenticated:
        return False
    # An SSO session proved its second factor at the identity provider (docs/sso.md).
    if getattr(request, "session", {}).get("insyn_sso"):  # oidc.SSO_SESSION_KEY
        return False
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    return two_factor_required(user) or confirmed_device(user) is not None


def users_for(actor: User | AnonymousUser) -> QuerySet[User]:
    """Accounts the actor administers: those belonging to an organisation in the actor's scope."""
    return User.objects.restrict(actor, Action.MANAGE_USERS)
