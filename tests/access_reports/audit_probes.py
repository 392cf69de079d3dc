"""Audit probes for the access report (gathered by tests/core/test_audit_completeness.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from insyn.core.roles import Role
from tests.audit_probe import Probe, Visit, post
from tests.clients import factories as cf
from tests.factories import user_with_role


def _download(tree: Any, staff: Any) -> Visit:
    """The report names the person's client row in its export entry."""
    number = cf.personnummer(dt.date(1984, 4, 4))
    client = cf.client(tree.vux_unit, number=number)
    registrar = user_with_role(Role.REGISTRAR, tree.vaxjo, username="probe_registrar")
    return Visit(
        registrar,
        reverse("access_reports:download"),
        method="POST",
        data={"personnummer": number, "municipality": tree.vaxjo.pk, "format": "json"},
        shows=[client],
    )


PROBES: dict[str, Probe] = {post("access_reports:download"): _download}
