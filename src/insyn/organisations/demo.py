"""Demo organisation: Växjö's Arbete och välfärd with one user per role (deterministic)."""

from __future__ import annotations

from typing import Any, TextIO

from django.db import transaction

from insyn.accounts.models import User
from insyn.core.roles import Role
from insyn.organisations import services
from insyn.organisations.models import OrgUnit

DEMO_PASSWORD = "insyn-demo-2026"  # noqa: S105 - printed for the demo on purpose
MUNICIPALITY = "0780"  # Växjö
REGION = "0007"  # Region Kronoberg

# (code, name, kind, children)
TREE: tuple[Any, ...] = (
    "AOV",
    "Arbete och välfärd",
    OrgUnit.Kind.ADMINISTRATION,
    [
        (
            "BOF",
            "Barn och familj",
            OrgUnit.Kind.DEPARTMENT,
            [
                ("BOF-MOT", "Mottagning barn och unga", OrgUnit.Kind.UNIT, []),
                ("BOF-UTR", "Utredning barn och unga", OrgUnit.Kind.UNIT, []),
                ("BOF-FAM", "Familjebehandling", OrgUnit.Kind.UNIT, []),
            ],
        ),
        (
            "VUX",
            "Vuxen/missbruk",
            OrgUnit.Kind.DEPARTMENT,
            [
                ("VUX-MOT", "Mottagning vuxen", OrgUnit.Kind.UNIT, []),
                ("VUX-OPV", "Missbruksbehandling öppenvård", OrgUnit.Kind.UNIT, []),
            ],
        ),
        (
            "EKB",
            "Ekonomiskt bistånd",
            OrgUnit.Kind.DEPARTMENT,
            [("EKB-FS", "Försörjningsstöd", OrgUnit.Kind.UNIT, [])],
        ),
    ],
)

# username, first name, last name, role, where (a unit code below Växjö, or a reference code)
USERS = [
    ("handlaggare", "Hanna", "Handläggare", Role.CASE_WORKER, "VUX"),
    ("enhetschef", "Erik", "Enhetschef", Role.UNIT_MANAGER, "VUX"),
    ("kvalitet", "Karin", "Kvalitetsansvarig", Role.QUALITY_LEAD, "AOV"),
    ("analytiker", "Anders", "Analytiker", Role.ANALYST, REGION),
    ("admin", "Alva", "Administratör", Role.ADMIN, MUNICIPALITY),
]


def _ensure(parent: OrgUnit, spec: tuple[Any, ...]) -> None:
    code, name, kind, children = spec
    unit = OrgUnit.objects.filter(parent=parent, code=code).first()
    if unit is None:
        unit = services.org_unit_create(actor=None, parent=parent, code=code, name=name, kind=kind)
    for child in children:
        _ensure(unit, child)


def unit(code: str) -> OrgUnit:
    """A demo unit by code: reference codes are global, the rest are unique below Växjö."""
    municipality = OrgUnit.objects.get(code=MUNICIPALITY, kind=OrgUnit.Kind.MUNICIPALITY)
    found = OrgUnit.objects.filter(code=code, path__startswith=municipality.path).first()
    return found or OrgUnit.objects.get(code=code, kind__in=OrgUnit.REFERENCE_KINDS)


@transaction.atomic
def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    if not OrgUnit.objects.filter(kind=OrgUnit.Kind.NATION).exists():
        services.load_reference()
    vaxjo = OrgUnit.objects.get(code=MUNICIPALITY, kind=OrgUnit.Kind.MUNICIPALITY)
    _ensure(vaxjo, TREE)
    logins = []
    for username, first, last, role, where in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            organisation = unit(REGION) if role == Role.ANALYST else vaxjo
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@vaxjo.demo.insyn.local",
                organisation=organisation,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        services.membership_grant(actor=None, user=user, org_unit=unit(where), role=role)
        logins.append((str(Role(role).label), username, DEMO_PASSWORD))
    stdout.write("Demo organisation: Växjö kommun – Arbete och välfärd\n")
    return logins
