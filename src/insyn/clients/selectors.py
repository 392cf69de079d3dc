"""Every read of the clients domain, restricted to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from insyn.accounts.models import User
from insyn.clients.models import (
    Case,
    Client,
    Decision,
    Intervention,
    InterventionType,
    Provider,
)
from insyn.clients.services.interventions import providers_usable_in
from insyn.clients.timeline import CaseJourney, InterventionJourney, Journey, journey_contributors
from insyn.core.identity import parse_identity
from insyn.core.roles import PERMISSIONS, Action
from insyn.core.scoping import path_in_scope
from insyn.organisations.models import Membership, OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    UserT = User | AnonymousUser


def clients_for(user: UserT, *, q: str = "", action: Action = Action.VIEW_INDIVIDUAL) -> QuerySet:
    """Clients the user may see, optionally searched by client reference."""
    qs = Client.objects.restrict(user, action).select_related("unit")
    q = (q or "").strip()
    if q:
        qs = qs.filter(client_ref__icontains=q)
    return qs.order_by("client_ref")


def client_refs(
    user: UserT, ids: Iterable[int] | None = None, ref: str | None = None
) -> dict[int, str]:
    """{id: client reference} of the clients the user may read, among `ids` or with exactly
    the reference `ref` (any case). The audit trail names and finds clients through this, so
    an auditor who may not read a client gets neither its name nor a hint that it exists."""
    if ids is None and not (ref or "").strip():
        return {}
    qs = Client.objects.restrict(user, Action.VIEW_INDIVIDUAL)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if ref is not None:
        qs = qs.filter(client_ref__iexact=ref.strip())
    return dict(qs.values_list("pk", "client_ref"))


def client_visible(user: UserT, pk: int) -> Client | None:
    """The client, if the user may see it (a duplicate found on registering may be another
    unit's: the page then offers a case instead of a link)."""
    return clients_for(user).filter(pk=pk).first()


def client_changeable(user: UserT, client: Client) -> bool:
    return Client.objects.restrict(user, Action.CHANGE_INDIVIDUAL).filter(pk=client.pk).exists()


def changeable_case_ids(user: UserT, client: Client) -> set[int]:
    """The client's cases the user may record decisions and interventions in."""
    cases = Case.objects.restrict(user, Action.CHANGE_INDIVIDUAL).filter(client=client)
    return set(cases.values_list("pk", flat=True))


def journey_changes(user: UserT, journey: Journey) -> tuple[set[int], bool]:
    """`changeable_case_ids` and `client_changeable` for the client page, answered from the
    user's grants and the journey's cases instead of two more queries. The same test as
    `restrict(user, CHANGE_INDIVIDUAL)` (a case by its unit, a client by its unit or any of
    its cases), and no case is missed: every role that may change a person's data may also
    see it (tests/clients/test_client_page_rights.py), so the journey holds every such case."""
    cases = {
        c.case.pk
        for c in journey.cases
        if path_in_scope(user, Action.CHANGE_INDIVIDUAL, c.case.unit.path)
    }
    client = journey.client
    return cases, bool(cases) or path_in_scope(user, Action.CHANGE_INDIVIDUAL, client.unit.path)


def client_registered_elsewhere(user: UserT, person_key: str) -> Client | None:
    """The person is a client of one of the user's municipalities, in a unit the user cannot
    see: the identity search then offers to open a case (audited by the caller)."""
    municipalities = entry_units(user).values_list("municipality", flat=True)
    return (
        Client.objects.filter(municipality__in=municipalities, person_key=person_key)
        .exclude(pk__in=clients_for(user).values("pk"))
        .first()
    )


def client_offered(pk: object) -> Client | None:
    """The client a signed offer names (the caller has checked the signature and the user; the
    offer itself is the permission, so this read is deliberately not restricted)."""
    if not isinstance(pk, int):
        return None
    return Client.objects.select_related("municipality").filter(pk=pk).first()


def clients_by_identity(user: UserT, personnummer: str) -> QuerySet:
    """Clients with this personnummer/samordningsnummer among those the user may see.

    The number is hashed with the pepper and matched on person_key; it is never stored or
    logged. Raises ValidationError (without echoing the number) when it is not valid.
    """
    identity = parse_identity(personnummer)
    return clients_for(user).filter(person_key=identity.person_key)


def cases_for(
    user: UserT,
    *,
    action: Action = Action.VIEW_INDIVIDUAL,
    q: str = "",
    status: str = "",
    mine: bool = False,
) -> QuerySet:
    qs = Case.objects.restrict(user, action).select_related(
        "client", "unit", "source", "reason", "case_worker"
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(case_ref__icontains=q) | Q(client__client_ref__icontains=q))
    if status == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif status == "closed":
        qs = qs.filter(closed_on__isnull=False)
    if mine:
        qs = qs.filter(case_worker=user)  # type: ignore[misc]
    return qs


def entry_units(user: UserT) -> QuerySet[OrgUnit]:
    """Units where the user may register clients and open cases (below a municipality)."""
    return (
        OrgUnit.objects.restrict(user, Action.CHANGE_INDIVIDUAL)
        .filter(active=True)
        .exclude(kind__in=OrgUnit.REFERENCE_KINDS)
        .order_by("path")
    )


def default_unit(user: UserT) -> OrgUnit | None:
    """The unit a case worker works in: their deepest membership allowing data entry."""
    if not user.is_authenticated:
        return None
    roles = [role for role, actions in PERMISSIONS.items() if Action.CHANGE_INDIVIDUAL in actions]
    membership = (
        Membership.objects.filter(user=user, role__in=roles, org_unit__active=True)
        .exclude(org_unit__kind__in=OrgUnit.REFERENCE_KINDS)
        .select_related("org_unit")
        .order_by("-org_unit__depth")
        .first()
    )
    return membership.org_unit if membership else None


def case_workers_for(unit: OrgUnit) -> QuerySet[User]:
    """Active users who may change data in `unit` (a membership at the unit or above it)."""
    roles = [role for role, actions in PERMISSIONS.items() if Action.CHANGE_INDIVIDUAL in actions]
    return (
        User.objects.filter(
            is_active=True,
            memberships__role__in=roles,
            memberships__org_unit__pk__in=unit.ancestor_ids(),
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def usable_providers(municipality_id: int) -> QuerySet[Provider]:
    return Provider.objects.filter(providers_usable_in(municipality_id), active=True).order_by(
        "name"
    )


def design_municipalities(user: UserT) -> QuerySet[OrgUnit]:
    """Municipalities whose catalogues and provider register the user maintains."""
    return OrgUnit.objects.restrict(user, Action.DESIGN).filter(kind=OrgUnit.Kind.MUNICIPALITY)


def keeps_provider_register(user: UserT) -> bool:
    """Whether the user keeps some municipality's provider register: the page's own gate, and
    the menu's (a design role below a municipality has no register to keep)."""
    return design_municipalities(user).exists()


def providers_managed_by(user: UserT) -> QuerySet[Provider]:
    """Own providers of the user's municipalities and every external provider."""
    municipalities = list(design_municipalities(user).values_list("pk", flat=True))
    return (
        Provider.objects.filter(
            Q(municipality__in=municipalities)
            | Q(registered_by__in=municipalities)
            | Q(kind=Provider.Kind.EXTERNAL)
        )
        .select_related("registered_by", "municipality")
        .prefetch_related("intervention_types")
        .order_by("name")
    )


def can_edit_provider(user: UserT, provider: Provider) -> bool:
    return provider.registered_by is not None and path_in_scope(
        user, Action.DESIGN, provider.registered_by.path
    )


def active_intervention_types() -> QuerySet[InterventionType]:
    return (
        InterventionType.objects.filter(active=True, group__active=True)
        .select_related("group")
        .order_by("group__sort_order", "sort_order", "name")
    )


# --- The client's journey -------------------------------------------------------------------


def client_journey(user: UserT, client: Client) -> Journey:
    """Cases → decisions → interventions, as far as the user may see them (a case in another
    unit is left out), with what the apps above add (follow-up enrolments, occasions and goals)
    through the contributors they register (see insyn.clients.timeline)."""
    today = timezone.localdate()
    cases = list(
        Case.objects.restrict(user, Action.VIEW_INDIVIDUAL)
        .filter(client=client)
        .select_related("unit", "source", "reason", "case_worker")
        .order_by("opened_on", "pk")
    )
    parts = [contribute(user, client, today) for contribute in journey_contributors()]
    by_case = {c.pk: CaseJourney(case=c) for c in cases}
    decisions = Decision.objects.filter(case__in=cases).select_related(
        "intervention_type", "legal_basis"
    )
    for d in decisions.order_by("decided_on", "pk"):
        by_case[d.case_id].decisions.append(d)
    interventions = Intervention.objects.filter(case__in=cases).select_related(
        "intervention_type", "provider", "end_reason", "decision"
    )
    for i in interventions.order_by("started_on", "pk"):
        follow_ups = [row for part in parts for row in part.under_intervention.get(i.pk, [])]
        by_case[i.case_id].interventions.append(InterventionJourney(i, follow_ups))
    return Journey(client=client, cases=list(by_case.values()), today=today, parts=parts)


def identity_error(personnummer: str) -> str | None:
    try:
        parse_identity(personnummer)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None
