"""Demo step: a registrar for Växjö, and one client with a number, so the access report can be
tried (docs/access-report.md): Tolvan, the Swedish tax agency's public test person
19121212-1212, with cases in two units. The other demo clients have no numbers."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.clients import services as clients
from insyn.clients.models import CaseSource, Client, IntakeReason
from insyn.core.identity import parse_identity
from insyn.core.roles import Role
from insyn.organisations import demo as org_demo
from insyn.organisations import services as org_services
from insyn.organisations.models import OrgUnit

REGISTRAR = ("registrator", "Rut", "Registrator")
TEST_NUMBER = "19121212-1212"  # Skatteverket's public test person ("Tolvan")


@transaction.atomic
def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    username, first, last = REGISTRAR
    vaxjo = org_demo.unit(org_demo.MUNICIPALITY)
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@vaxjo.demo.insyn.local",
            organisation=vaxjo,
        )
        user.set_password(org_demo.DEMO_PASSWORD)
        user.save()
    org_services.membership_grant(actor=None, user=user, org_unit=vaxjo, role=Role.REGISTRAR)
    _tolvan(vaxjo)
    stdout.write(f"Access reports: a registrar for Växjö; try the number {TEST_NUMBER}\n")
    return [(str(Role.REGISTRAR.label), username, org_demo.DEMO_PASSWORD)]


def _tolvan(vaxjo: OrgUnit) -> None:
    key = parse_identity(TEST_NUMBER).person_key
    if Client.objects.filter(municipality=vaxjo, person_key=key).exists():
        return
    client = clients.client_register(
        actor=None, unit=org_demo.unit("VUX-MOT"), personnummer=TEST_NUMBER, client_ref="TOLVAN"
    )
    today = timezone.localdate()
    for code, days in (("VUX-MOT", 90), ("BOF-FAM", 20)):
        clients.case_open(
            actor=None,
            client=client,
            unit=org_demo.unit(code),
            opened_on=today - dt.timedelta(days=days),
            source=CaseSource.objects.get(code="application"),
            reason=IntakeReason.objects.filter(active=True).order_by("pk").first(),
        )
