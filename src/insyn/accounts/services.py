"""Every write to accounts: creating users, password links, second factors, API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from insyn.accounts.authentication import hash_key
from insyn.accounts.models import ApiToken, TwoFactorPolicy, User
from insyn.accounts.selectors import DEVICE_CACHE, two_factor_required
from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_set", kwargs={"uidb64": uid, "token": token})
    return f"{settings.INSYN_BASE_URL}{path}"


def send_password_link(*, user: User, invitation: bool) -> None:
    """E-mail a one-time link: it stops working once a password is set (the hash changes)."""
    if not user.email:
        raise ValidationError({"email": _("The user has no e-mail address.")})
    context = {
        "user": user,
        "link": password_link(user),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "invitation": invitation,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your insyn account") if invitation else _("Reset your insyn password")
        body = render_to_string("accounts/email/password_link.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def user_create(
    *,
    actor: User | AnonymousUser | None,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    organisation: OrgUnit,
    send_invitation: bool = True,
) -> User:
    ensure_in_scope(actor, Action.MANAGE_USERS, organisation.path)
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("A username is required.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("That username is taken.")})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Another account already uses that e-mail address.")})
    user = User(
        username=username,
        email=email.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation,
    )
    user.set_unusable_password()
    user.save()
    record_change(actor=actor, action="create", obj=user)
    if send_invitation and user.email:
        transaction.on_commit(lambda: send_password_link(user=user, invitation=True))
    return user


@transaction.atomic
def user_update(
    *,
    actor: User | AnonymousUser | None,
    user: User,
    email: str,
    first_name: str,
    last_name: str,
    is_active: bool,
) -> User:
    if user.organisation is not None:
        ensure_in_scope(actor, Action.MANAGE_USERS, user.organisation.path)
    if actor is not None and actor.pk == user.pk and not is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": _("Another account already uses that e-mail address.")})
    before = snapshot(user)
    user.email, user.first_name, user.last_name = (
        email.strip(),
        first_name.strip(),
        last_name.strip(),
    )
    user.is_active = is_active
    user.save(update_fields=["email", "first_name", "last_name", "is_active"])
    record_change(actor=actor, action="update", obj=user, before=before)
    return user


@transaction.atomic
def user_reset_second_factor(*, actor: User | AnonymousUser | None, user: User) -> int:
    """For a lost phone: removes the user's devices so the next login sets up a new one."""
    if user.organisation is not None:
        ensure_in_scope(actor, Action.MANAGE_USERS, user.organisation.path)
    count, _ignored = TOTPDevice.objects.filter(user=user).delete()
    user.__dict__.pop(DEVICE_CACHE, None)
    record_change(actor=actor, action="reset_second_factor", obj=user, before={}, after={})
    return count


@transaction.atomic
def two_factor_policy_set(
    *, actor: User | AnonymousUser | None, organisation: OrgUnit, role: str, required: bool
) -> TwoFactorPolicy:
    ensure_in_scope(actor, Action.MANAGE_USERS, organisation.path)
    policy, _created = TwoFactorPolicy.objects.get_or_create(organisation=organisation, role=role)
    before = snapshot(policy)
    policy.required = required
    policy.save(update_fields=["required"])
    record_change(actor=actor, action="update", obj=policy, before=before)
    return policy


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device whose secret the user scans; replaces any earlier unconfirmed one.

    Recorded on the user (never the device, whose row holds the secret)."""
    replaced, _by_model = TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    record_change(
        actor=user,
        action="start_second_factor",
        obj=user,
        before={},
        after={"unconfirmed_devices_replaced": replaced},
    )
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    if device.user_id != user.pk or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user.__dict__.pop(DEVICE_CACHE, None)
    record_change(actor=user, action="confirm_second_factor", obj=user, before={}, after={})
    return True


@transaction.atomic
def api_token_renew(
    *,
    user: User,
    days: int = ApiToken.DEFAULT_DAYS,
    read_only: bool = False,
    second_factor_verified: bool = False,
) -> str:
    """A fresh API token valid for `days` (at most a year); the old one stops working.

    Needs a verified second factor when the user's roles require one (a token outlives the
    session). The key is shown once.
    """
    if two_factor_required(user) and not second_factor_verified:
        raise ValidationError(
            _(
                "Your role requires two-factor authentication: verify your code before creating "
                "an API token."
            ),
            code="second_factor_required",
        )
    if not 1 <= days <= ApiToken.MAX_DAYS:
        raise ValidationError(
            _("An API token is valid for 1 to %(max)d days.") % {"max": ApiToken.MAX_DAYS},
            code="invalid_days",
        )
    key = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user).delete()
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_key(key),
        prefix=key[:8],
        expires_at=timezone.now() + dt.timedelta(days=days),
        read_only=read_only,
    )
    record_change(
        actor=user,
        action="renew_api_token",
        obj=user,
        before={},
        after={"expires_at": token.expires_at.isoformat(), "read_only": read_only},
    )
    return key


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    if ApiToken.objects.filter(user=user).delete()[0]:
        record_change(actor=user, action="revoke_api_token", obj=user, before={}, after={})
