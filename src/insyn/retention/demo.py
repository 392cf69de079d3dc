"""`insyn demo` step for retention: Växjö's administrator installs a few rules through the
services (the shipped client rule with its research exception, a short one for invitations
and one for uploaded files), so a newcomer finds them on the retention page. Nothing is
removed: the demo never runs the job. Re-running adds nothing."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from insyn.accounts.models import User
from insyn.organisations.demo import MUNICIPALITY
from insyn.organisations.models import OrgUnit
from insyn.retention.models import RetentionRule
from insyn.retention.services.rules import default_rules, rule_save

ADMIN = "admin"
DEMO_KINDS = ("client", "response", "invitation", "upload")


@transaction.atomic
def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    admin = User.objects.filter(username=ADMIN).first()
    vaxjo = OrgUnit.objects.filter(code=MUNICIPALITY, kind=OrgUnit.Kind.MUNICIPALITY).first()
    if admin is None or vaxjo is None:
        stdout.write("Retention: no demo administrator (run the organisations step first)\n")
        return []
    have = set(RetentionRule.objects.filter(municipality=vaxjo).values_list("kind", flat=True))
    added = 0
    for row in default_rules():
        if row["kind"] in DEMO_KINDS and row["kind"] not in have:
            rule_save(actor=admin, municipality=vaxjo, **row)
            added += 1
    stdout.write(f"Retention: {added} rule(s) for {vaxjo.name} (none run)\n")
    return []
