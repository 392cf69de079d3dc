"""Single sign-on: who an identity provider's login is, and which memberships its claims give.

Reviewed at every SSO login: memberships granted by SSO rules (source "sso") are added and
removed to match the rules the current claims meet; memberships granted by hand are never
touched. Every change is a change entry, like any other membership change. Also the rules and
the per-organisation login policy that municipality administrators keep.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.accounts.models import LoginPolicy, SsoGroupRule, SsoIdentity, User
from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action, Role
from insyn.core.scoping import forget_grants
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import Membership, OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

logger = logging.getLogger("insyn.sso")

Claims = Mapping[str, Any]


@dataclass
class SsoLogin:
    user: User
    granted: list[Membership] = field(default_factory=list)
    revoked: list[tuple[int, str]] = field(default_factory=list)  # (org unit id, role)
    claim_values: list[str] = field(default_factory=list)


# --- reading claims ----------------------------------------------------------------------------


def claim_values(claims: Claims, name: str) -> set[str]:
    """A claim's values as strings: a list (Entra ID, Keycloak groups) or one string."""
    value = claims.get(name)
    if isinstance(value, str):
        return {value} if value else set()
    if isinstance(value, list | tuple):
        return {str(v) for v in value if isinstance(v, str | int) and str(v)}
    return set()


def matching_rules(claims: Claims) -> QuerySet[SsoGroupRule]:
    """Rules whose claim (blank: the configured group claim) holds one of the rule's values."""
    default = settings.INSYN_OIDC_GROUPS_CLAIM
    q = Q(pk__in=[])
    for name in set(SsoGroupRule.objects.values_list("claim", flat=True).distinct()):
        values = claim_values(claims, name or default)
        if values:
            q |= Q(claim=name, value__in=values)
    return SsoGroupRule.objects.filter(q).select_related("org_unit", "municipality")


def password_login_allowed(user: User) -> bool:
    """False when the user's municipality (or a region above it) turned local passwords off.

    Superusers are the break-glass accounts: they keep their password (docs/sso.md)."""
    if user.is_superuser or user.organisation_id is None:
        return True
    organisation: OrgUnit = user.organisation  # type: ignore[assignment]
    return not LoginPolicy.objects.filter(
        organisation_id__in=organisation.ancestor_ids(), local_passwords=False
    ).exists()


# --- the login ---------------------------------------------------------------------------------


def _free_username(wanted: str, subject: str) -> str:
    base = (wanted.strip() or f"sso-{hashlib.sha256(subject.encode()).hexdigest()[:12]}")[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _account_for(*, issuer: str, subject: str, claims: Claims) -> tuple[User, SsoIdentity]:
    """The linked account; else an existing one by e-mail (if allowed); else a new one."""
    identity = (
        SsoIdentity.objects.select_related("user", "user__organisation")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        return identity.user, identity
    email = str(claims.get("email") or "").strip()
    user: User | None = None
    if email and settings.INSYN_OIDC_LINK_BY_EMAIL:
        # Never a superuser: the break-glass accounts stay local.
        candidates = list(User.objects.filter(email__iexact=email, is_superuser=False)[:2])
        if len(candidates) == 1 and not candidates[0].sso_identities.filter(issuer=issuer):
            user = candidates[0]
    if user is None:
        user = User(
            username=_free_username(
                str(claims.get(settings.INSYN_OIDC_USERNAME_CLAIM) or email or ""), subject
            ),
            email=email,
        )
        user.set_unusable_password()
        user.save()
        record_change(actor=user, action="create", obj=user)
    identity = SsoIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    record_change(
        actor=user,
        action="link_sso_identity",
        obj=user,
        before={},
        after={"issuer": issuer, "subject": subject},
    )
    return user, identity


def _update_profile(user: User, claims: Claims, organisation: OrgUnit | None) -> None:
    """Names and e-mail follow the identity provider; the organisation is set once."""
    before = snapshot(user)
    changed = []
    for attr, claim in (("first_name", "given_name"), ("last_name", "family_name")):
        value = str(claims.get(claim) or "").strip()[:150]
        if value and getattr(user, attr) != value:
            setattr(user, attr, value)
            changed.append(attr)
    email = str(claims.get("email") or "").strip()
    if (
        email
        and user.email.lower() != email.lower()
        and not User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    ):
        user.email = email
        changed.append("email")
    if user.organisation_id is None and organisation is not None:
        user.organisation = organisation
        changed.append("organisation")
    if changed:
        user.save(update_fields=changed)
        record_change(actor=user, action="update", obj=user, before=before)


def sync_memberships(*, user: User, rules: Iterable[SsoGroupRule]) -> SsoLogin:
    """Make the user's SSO-granted memberships those of `rules`; hand-granted ones stay."""
    result = SsoLogin(user=user)
    wanted = {(r.org_unit_id, r.role) for r in rules if r.org_unit.active}
    held = {(m.org_unit_id, m.role): m for m in Membership.objects.filter(user=user)}
    for org_unit_id, role in sorted(wanted - held.keys()):
        membership = Membership.objects.create(
            user=user, org_unit_id=org_unit_id, role=role, source=Membership.Source.SSO
        )
        record_change(actor=user, action="create", obj=membership)
        result.granted.append(membership)
    for key, membership in sorted(held.items()):
        if key not in wanted and membership.source == Membership.Source.SSO:
            record_change(actor=user, action="delete", obj=membership, before=snapshot(membership))
            membership.delete()
            result.revoked.append(key)
    forget_grants(user)
    return result


@transaction.atomic
def sso_login(*, issuer: str, claims: Claims) -> SsoLogin:
    """The account an ID token's (issuer, subject) logs in to, with its memberships reviewed."""
    subject = str(claims.get("sub") or "")
    if not issuer or not subject:
        raise SuspiciousOperation("An ID token without issuer or subject")
    user, identity = _account_for(issuer=issuer, subject=subject, claims=claims)
    rules = list(matching_rules(claims))
    if not user.is_active:
        return SsoLogin(user=user)
    _update_profile(user, claims, rules[0].municipality if rules else None)
    result = sync_memberships(user=user, rules=rules)
    result.claim_values = sorted(claim_values(claims, settings.INSYN_OIDC_GROUPS_CLAIM))
    logger.info(
        "SSO login of %s: %d membership(s) granted, %d removed",
        user.get_username(),
        len(result.granted),
        len(result.revoked),
    )
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    if not user.memberships.exists():
        logger.warning(
            "SSO login of %s matched no rule and holds no membership (%s: %s)",
            user.get_username(),
            settings.INSYN_OIDC_GROUPS_CLAIM,
            ", ".join(result.claim_values) or "-",
        )
        record_change(
            actor=user,
            action="sso_login_without_access",
            obj=user,
            before={},
            after={"claim_values": result.claim_values},
        )
    return result


# --- what administrators keep ------------------------------------------------------------------


@transaction.atomic
def sso_rule_create(
    *,
    actor: User | AnonymousUser | None,
    municipality: OrgUnit,
    claim: str,
    value: str,
    org_unit: OrgUnit,
    role: str,
) -> SsoGroupRule:
    ensure_in_scope(actor, Action.MANAGE_USERS, org_unit.path)
    ensure_in_scope(actor, Action.MANAGE_USERS, municipality.path)
    claim, value = claim.strip(), value.strip()
    if not value:
        raise ValidationError({"value": _("A group or claim value is required.")})
    if not org_unit.path.startswith(municipality.path):
        raise ValidationError(
            {"org_unit": _("The unit must belong to %(name)s.") % {"name": municipality.name}}
        )
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.ANALYST and org_unit.kind not in OrgUnit.REFERENCE_KINDS:
        raise ValidationError(
            {"org_unit": _("Analysts work across a municipality, region or the nation.")}
        )
    if role == Role.REGISTRAR and org_unit.kind != OrgUnit.Kind.MUNICIPALITY:
        raise ValidationError(
            {
                "org_unit": _(
                    "A registrar answers for a whole municipality: choose the municipality."
                )
            }
        )
    if SsoGroupRule.objects.filter(claim=claim, value=value, org_unit=org_unit, role=role).exists():
        raise ValidationError(_("That rule already exists."))
    rule = SsoGroupRule.objects.create(
        municipality=municipality, claim=claim, value=value, org_unit=org_unit, role=role
    )
    record_change(actor=actor, action="create", obj=rule)
    return rule


@transaction.atomic
def sso_rule_delete(*, actor: User | AnonymousUser | None, rule: SsoGroupRule) -> None:
    """Memberships the rule granted go at each holder's next SSO login."""
    ensure_in_scope(actor, Action.MANAGE_USERS, rule.org_unit.path)
    record_change(actor=actor, action="delete", obj=rule, before=snapshot(rule))
    rule.delete()


@transaction.atomic
def login_policy_set(
    *, actor: User | AnonymousUser | None, organisation: OrgUnit, local_passwords: bool
) -> LoginPolicy:
    ensure_in_scope(actor, Action.MANAGE_USERS, organisation.path)
    policy, _created = LoginPolicy.objects.get_or_create(organisation=organisation)
    before = snapshot(policy)
    policy.local_passwords = local_passwords
    policy.save(update_fields=["local_passwords"])
    record_change(actor=actor, action="update", obj=policy, before=before)
    return policy
