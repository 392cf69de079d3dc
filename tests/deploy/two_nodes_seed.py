"""Seed the throwaway database of the two-node test (tests/deploy/test_two_nodes.py).

Run as its own process once the first node has migrated the database:
`DATABASE_URL=… python -m tests.deploy.two_nodes_seed`. It builds the minimum through the real
services and the test factories and prints what the test needs as one line of JSON:

- a municipality with one unit, a case worker (`cw`) and a second case worker for the lockout
  (`cw_lock`), both with the test password;
- the follow-up programme of tests.followup with six enrolled clients: five have their
  "before" occasion recorded, the sixth is left open for the test to record through a node;
- a placement programme whose end stage expects answers from the child and the guardian: the
  child gets a handed-over link (a known valid token), the guardian's response is left for the
  test to invite by e-mail through a node (a background task).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

BEFORE_DAYS = [2, 4, 6, 8, 10]  # problem days of the five recorded clients


def seed() -> dict[str, object]:
    from django.utils import timezone

    from insyn.core.roles import Role
    from insyn.followup import services as followup
    from insyn.organisations.models import OrgUnit
    from insyn.surveys.services.invitations import invitation_create
    from tests.factories import TEST_PASSWORD, org_unit, user_with_role
    from tests.followup.factories import catalogue_basics, intervention, programme
    from tests.surveys.factories import (
        PLACEMENT,
        load_templates,
        placement,
        placement_programme,
        response_for,
    )

    K = OrgUnit.Kind
    nation = org_unit(None, "0000", "Riket", K.NATION)
    region = org_unit(nation, "0007", "Region Kronoberg", K.REGION)
    municipality = org_unit(region, "0780", "Växjö", K.MUNICIPALITY)
    administration = org_unit(municipality, "AOV", "Arbete och välfärd", K.ADMINISTRATION)
    department = org_unit(administration, "VUX", "Vuxen/missbruk", K.DEPARTMENT)
    unit = org_unit(department, "VUX-OPV", "Missbruksbehandling", K.UNIT)
    cw = user_with_role(Role.CASE_WORKER, unit, username="cw")
    user_with_role(Role.CASE_WORKER, unit, username="cw_lock")

    today = timezone.localdate()
    design = programme(municipality)
    opv = catalogue_basics()["opv"]
    occasions = []
    for _ in range(len(BEFORE_DAYS) + 1):
        iv = intervention(unit, opv, started_on=today - dt.timedelta(days=3), case_worker=cw)  # type: ignore[arg-type]
        enrollment = followup.enrollment_create(actor=None, programme=design, intervention=iv)
        occasions.append(enrollment.occasions.get(stage__key="before"))
    for occasion, days in zip(occasions, BEFORE_DAYS, strict=False):
        followup.occasion_record(
            actor=cw,
            occasion=occasion,
            values={"audit": "5", "problem_days": str(days)},
            done_on=today,
        )

    questionnaires = load_templates(nation)
    end = placement(placement_programme(municipality, questionnaires[PLACEMENT]), unit)
    _invitation, token = invitation_create(
        actor=cw, response=response_for(end, "child"), channel="handed"
    )
    return {
        "username": "cw",
        "lock_username": "cw_lock",
        "password": TEST_PASSWORD,
        "programme": design.key,
        "before_days": BEFORE_DAYS,
        "open_occasion": occasions[-1].pk,
        "survey_occasion": end.pk,
        "guardian_response": response_for(end, "guardian").pk,
        "valid_token": token,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insyn.settings")
    import django

    django.setup()
    result = seed()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
