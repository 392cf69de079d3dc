"""Users, and which roles must prove a second factor."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from insyn.core.roles import Role
from insyn.core.scoping import ScopedModel, ScopedQuerySet


class UserQuerySet(ScopedQuerySet):
    pass


class InsynUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(ScopedModel, AbstractUser):
    """A member of staff. Deactivated, never deleted, so the audit trail keeps its actors."""

    organisation = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("The municipality or region whose administrators manage this account."),
    )

    objects: ClassVar[InsynUserManager] = InsynUserManager()
    scope_path_lookup = "organisation__path"
    AUDIT_EXCLUDE = ("password",)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def audit_org_path(self) -> str:
        return self.organisation.path if self.organisation_id else ""  # type: ignore[union-attr]

    def role_set(self) -> set[str]:
        return set(self.memberships.values_list("role", flat=True))


class TwoFactorPolicy(ScopedModel):
    """Must holders of `role` within `organisation`'s subtree prove a second factor?

    Per organisation, so one municipality's choice does not bind another on a shared install.
    """

    organisation = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.CASCADE,
        related_name="two_factor_policies",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    required = models.BooleanField(_("two-factor required"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "organisation__path"

    class Meta:
        verbose_name = _("two-factor policy")
        verbose_name_plural = _("two-factor policies")
        ordering = ["organisation__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "role"], name="twofactor_policy_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_role_display()} {self.required}"


class ApiToken(models.Model):
    """An API key kept only as its SHA-256 hash; the key itself is shown once at creation."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="api_token", verbose_name=_("user")
    )
    DEFAULT_DAYS = 90
    MAX_DAYS = 365

    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    # Updated at most once a minute (authentication.LAST_USED_RESOLUTION), to spare writes.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("Only reading calls (GET, HEAD, OPTIONS).")
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginPolicy(ScopedModel):
    """How the staff of one municipality (or region) log in.

    With local passwords off, the password login refuses the organisation's accounts and points
    them to single sign-on; superusers are exempt (the break-glass accounts, docs/sso.md).
    """

    organisation = models.OneToOneField(
        "organisations.OrgUnit",
        on_delete=models.CASCADE,
        related_name="login_policy",
        verbose_name=_("organisation"),
    )
    local_passwords = models.BooleanField(
        _("local passwords allowed"),
        default=True,
        help_text=_("Off: staff log in through the identity provider (single sign-on) only."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "organisation__path"

    class Meta:
        verbose_name = _("login policy")
        verbose_name_plural = _("login policies")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.local_passwords}"


class SsoGroupRule(ScopedModel):
    """A claim value from the identity provider that grants a role on an org unit.

    Kept by the municipality's administrators; at every SSO login the user's rule-granted
    memberships are made to match the rules their claims meet (accounts.sso).
    """

    municipality = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("municipality"),
    )
    claim = models.CharField(
        _("claim"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the group claim configured for the installation."),
    )
    value = models.CharField(
        _("group or claim value"),
        max_length=255,
        help_text=_("E.g. the group's object id in Entra ID or the group name in Keycloak."),
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.CASCADE,
        related_name="sso_rules",
        verbose_name=_("organisation unit"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "org_unit__path"

    class Meta:
        verbose_name = _("single sign-on rule")
        verbose_name_plural = _("single sign-on rules")
        ordering = ["municipality__path", "claim", "value", "org_unit__path", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "value", "org_unit", "role"], name="sso_group_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim or 'groups'}={self.value} → {self.get_role_display()} {self.org_unit}"


class SsoIdentity(models.Model):
    """Which account an identity provider's subject logs in to (never matched by name)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sso_identities", verbose_name=_("user")
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(_("last SSO login"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject} → {self.user}"

    def audit_org_path(self) -> str:
        return self.user.audit_org_path()
