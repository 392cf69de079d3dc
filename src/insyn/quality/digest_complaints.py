"""The complaints section of the daily quality digest: who must answer which complaint soon.

Each handler is reminded of their complaints whose answer is due within DUE_SOON_DAYS days or
overdue; a complaint without a handler reminds the quality leads and unit managers of its
unit (and of the units above it, up to the municipality). A line names the receipt number,
the kind and the date: never the text or who wrote (e-mail leaves the system unencrypted).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.roles import Role
from insyn.organisations.models import Membership
from insyn.quality.digest import DigestLine, DigestSection, register_digest_section
from insyn.quality.models import Complaint
from insyn.quality.selectors.complaints import due_soon

if TYPE_CHECKING:
    from insyn.accounts.models import User

DUE_SOON_DAYS = 3
LEAD_ROLES = (Role.QUALITY_LEAD, Role.UNIT_MANAGER)


def _leads(complaint: Complaint, cache: dict[int, list[User]]) -> list[User]:
    """Quality leads and unit managers of the unit or above it, within the municipality."""
    if complaint.unit_id not in cache:
        unit, top = complaint.unit, complaint.municipality.path
        above = [unit.path[: i + 1] for i, ch in enumerate(unit.path) if ch == "/"]
        paths = [p for p in above if p.startswith(top)]
        memberships = Membership.objects.filter(
            role__in=LEAD_ROLES, org_unit__path__in=paths, user__is_active=True
        ).select_related("user")
        cache[complaint.unit_id] = list({m.user_id: m.user for m in memberships}.values())
    return cache[complaint.unit_id]


def complaint_lines(today: dt.date) -> dict[User, list[DigestLine]]:
    lines: dict[User, list[DigestLine]] = defaultdict(list)
    leads_cache: dict[int, list[User]] = {}
    for c in due_soon(today, DUE_SOON_DAYS).select_related("municipality"):
        overdue = c.answer_due_on < today
        text = (
            _("%(number)s (%(kind)s): the answer was due %(date)s")
            if overdue
            else _("%(number)s (%(kind)s): answer by %(date)s")
        ) % {
            "number": c.receipt_number,
            "kind": c.get_kind_display().lower(),
            "date": c.answer_due_on.isoformat(),
        }
        line = DigestLine(
            section="complaints",
            text=text,
            due_on=c.answer_due_on,
            overdue=overdue,
            path=reverse("quality:complaint_detail", args=[c.pk]),
        )
        users = [c.handler] if c.handler is not None and c.handler.is_active else []
        for user in users or _leads(c, leads_cache):
            lines[user].append(line)
    return dict(lines)


def register() -> None:
    """The digest section (the menu entry is in the quality sub-menu, registry.py)."""
    register_digest_section(
        DigestSection(
            key="complaints",
            title=gettext_lazy("Complaints to answer"),
            source=complaint_lines,
            order=30,
        )
    )
