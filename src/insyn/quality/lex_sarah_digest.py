"""What lex Sarah adds to the shared registries: the navigation entries and the daily digest
section ("lex_sarah") that reminds each officer of the deadlines due today or passed in the
reports of their subtree. Digest lines name the report and the unit, never a client: the
digest leaves by unencrypted e-mail."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.roles import PERMISSIONS, Action
from insyn.quality.digest import DigestLine, DigestSection, register_digest_section
from insyn.quality.models import LexSarahReport

if TYPE_CHECKING:
    from insyn.accounts.models import User

DEADLINE_TEXT = {
    "register": gettext_lazy("register the report"),
    "investigation": gettext_lazy("start the investigation"),
    "ivo": gettext_lazy("notify IVO"),
}


def lex_sarah_digest(today: dt.date) -> dict[User, list[DigestLine]]:
    """Per officer (`handle_lex_sarah` on the report's unit), the report deadlines due today
    or overdue."""
    from insyn.organisations.models import Membership
    from insyn.quality.selectors.lex_sarah import due_reports

    roles = [role for role, actions in PERMISSIONS.items() if Action.HANDLE_LEX_SARAH in actions]
    officers = list(
        Membership.objects.filter(
            role__in=roles, org_unit__active=True, user__is_active=True
        ).select_related("user", "org_unit")
    )
    if not officers:
        return {}
    found: dict[User, list[DigestLine]] = defaultdict(list)
    for due in due_reports(LexSarahReport.objects.select_related("unit"), today):
        report = due.report
        text = _("%(report)s (%(unit)s): %(what)s by %(date)s") % {
            "report": report.diary_number or _("lex Sarah report #%(pk)s") % {"pk": report.pk},
            "unit": report.unit.name,
            "what": DEADLINE_TEXT[due.deadline.key],
            "date": due.deadline.due_on.isoformat(),
        }
        line = DigestLine(
            section="lex_sarah",
            text=text,
            due_on=due.deadline.due_on,
            overdue=due.overdue,
            path=reverse("quality:lex_sarah_detail", args=[report.pk]),
        )
        users = {m.user for m in officers if report.unit.path.startswith(m.org_unit.path)}
        for user in users:
            found[user].append(line)
    return dict(found)


def register() -> None:
    """Called once from quality/registry.py."""
    from insyn.core.navigation import NavItem, register_nav

    register_nav(
        NavItem(
            "lex_sarah_report",
            gettext_lazy("Report lex Sarah"),
            "quality:lex_sarah_create",
            Action.REPORT_QUALITY,
            order=20,
            placement="header",
        )
    )
    register_nav(
        NavItem(
            "lex_sarah_list",
            gettext_lazy("Lex Sarah"),
            "quality:lex_sarah_list",
            Action.VIEW_LEX_SARAH,
            order=86,
            hide_with=Action.VIEW_QUALITY,  # quality leads find it in the quality sub-menu
        )
    )
    register_digest_section(
        DigestSection(
            key="lex_sarah",
            title=gettext_lazy("Lex Sarah deadlines"),
            source=lex_sarah_digest,
            order=20,
        )
    )
