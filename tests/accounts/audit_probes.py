"""Audit probes for staff accounts (personal data of the staff) and memberships."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from insyn.accounts.models import User
from tests.audit_probe import Visit, post


def _user_create_post(tree: Any, staff: Any) -> Visit:
    return Visit(
        staff.admin,
        reverse("accounts:user_create"),
        method="POST",
        data={
            "username": "nyanstalld",
            "first_name": "Nya",
            "last_name": "Anställd",
            "email": "nya@example.se",
            "organisation": tree.vaxjo.pk,
        },
        status=302,
        writes=[User],
    )


def _user_create_invalid(tree: Any, staff: Any) -> Visit:
    """A re-rendered form shows what was typed about the person: an access entry."""
    return Visit(
        staff.admin,
        reverse("accounts:user_create"),
        method="POST",
        data={"username": "x", "first_name": "Nya", "email": "not an address"},
        status=400,
        model=User,
    )


def _user_detail_post(tree: Any, staff: Any) -> Visit:
    target = staff.case_worker
    return Visit(
        staff.admin,
        reverse("accounts:user_detail", args=[target.pk]),
        method="POST",
        data={"op": "update", "first_name": "Jessica", "last_name": "Nytt", "email": "j@x.se"},
        status=302,
        shows=[target],
        writes=[target],
    )


def _user_detail_invalid(tree: Any, staff: Any) -> Visit:
    target = staff.case_worker
    return Visit(
        staff.admin,
        reverse("accounts:user_detail", args=[target.pk]),
        method="POST",
        data={"op": "update", "first_name": "", "email": "bad"},
        status=400,
        shows=[target],
    )


PROBES = {
    "accounts:users": lambda tree, staff: Visit(
        staff.admin, reverse("accounts:users"), shows=[staff.case_worker, staff.admin]
    ),
    "accounts:user_detail": lambda tree, staff: Visit(
        staff.admin,
        reverse("accounts:user_detail", args=[staff.case_worker.pk]),
        shows=[staff.case_worker],
    ),
    post("accounts:user_detail"): _user_detail_post,
    "accounts:user_create": lambda tree, staff: Visit(
        staff.admin, reverse("accounts:user_create"), model=User
    ),
    post("accounts:user_create"): _user_create_post,
    "membership-list": lambda tree, staff: Visit(
        staff.admin,
        reverse("membership-list"),
        shows=list(staff.case_worker.memberships.all()),
    ),
    "membership-detail": lambda tree, staff: Visit(
        staff.admin,
        reverse("membership-detail", args=[staff.case_worker.memberships.first().pk]),
        shows=[staff.case_worker.memberships.first()],
    ),
}

# Not gathered as route probes (one key per route and method) but run by the same test:
# the unhappy paths of the same routes.
EXTRA_PROBES = {
    "accounts:user_create (invalid form)": _user_create_invalid,
    "accounts:user_detail (invalid form)": _user_detail_invalid,
}
