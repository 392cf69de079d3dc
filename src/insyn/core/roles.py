"""Roles and what each may do: the permission matrix as data (documented in docs/permissions.md)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Case worker")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    QUALITY_LEAD = "quality_lead", _("Quality lead")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")
    # Receives and investigates lex Sarah reports; sees them in its subtree, unlike the unit
    # they concern (docs/quality.md).
    LEX_SARAH_OFFICER = "lex_sarah_officer", _("Lex Sarah officer")
    # Answers a person's request for their own data (registerutdrag, GDPR art. 15) across the
    # whole municipality; reads nothing else (docs/access-report.md).
    REGISTRAR = "registrar", _("Registrar")


class Action(StrEnum):
    """What a membership allows within its org unit's subtree."""

    VIEW_ORG = "view_org"  # see org units and colleagues
    VIEW_INDIVIDUAL = "view_individual"  # read one person's data (clients, occasions, answers)
    CHANGE_INDIVIDUAL = "change_individual"  # register and edit one person's data
    EXPORT_INDIVIDUAL = "export_individual"  # pseudonymised individual-level extracts
    VIEW_AGGREGATE = "view_aggregate"  # suppressed group tables, charts, dashboards
    VIEW_TEAM = "view_team"  # completion rates per case worker
    DESIGN = "design"  # programmes, questionnaires, catalogues
    VIEW_AUDIT = "view_audit"  # who looked at what
    MANAGE_ORG = "manage_org"  # create and rename org units
    MANAGE_USERS = "manage_users"  # create users, grant memberships, set 2FA policy
    # Quality management (docs/quality.md)
    REPORT_QUALITY = "report_quality"  # report a deviation or lex Sarah, register a complaint
    VIEW_QUALITY = "view_quality"  # deviations, complaints, action plans, quality dashboard
    HANDLE_QUALITY = "handle_quality"  # receive, investigate, answer, close; own action plans
    VIEW_LEX_SARAH = "view_lex_sarah"  # read lex Sarah reports of the subtree
    HANDLE_LEX_SARAH = "handle_lex_sarah"  # register, investigate, assess, notify IVO
    # A person's own access report (registerutdrag): everything about them in the municipality
    ACCESS_REPORT = "access_report"


PERMISSIONS: dict[str, frozenset[Action]] = {
    Role.CASE_WORKER: frozenset(
        {
            Action.VIEW_ORG,
            Action.VIEW_INDIVIDUAL,
            Action.CHANGE_INDIVIDUAL,
            Action.VIEW_AGGREGATE,
            Action.REPORT_QUALITY,
        }
    ),
    Role.UNIT_MANAGER: frozenset(
        {
            Action.VIEW_ORG,
            Action.VIEW_INDIVIDUAL,
            Action.CHANGE_INDIVIDUAL,
            Action.EXPORT_INDIVIDUAL,
            Action.VIEW_AGGREGATE,
            Action.VIEW_TEAM,
            Action.REPORT_QUALITY,
            Action.VIEW_QUALITY,
            Action.HANDLE_QUALITY,
        }
    ),
    Role.QUALITY_LEAD: frozenset(
        {
            Action.VIEW_ORG,
            Action.VIEW_INDIVIDUAL,
            Action.EXPORT_INDIVIDUAL,
            Action.VIEW_AGGREGATE,
            Action.VIEW_TEAM,
            Action.DESIGN,
            Action.VIEW_AUDIT,
            Action.REPORT_QUALITY,
            Action.VIEW_QUALITY,
            Action.HANDLE_QUALITY,
            # the committee's quality lead reads lex Sarah reports; the officer handles them
            Action.VIEW_LEX_SARAH,
        }
    ),
    # Analysts work with the pooled database: suppressed aggregates only, never an individual.
    Role.ANALYST: frozenset({Action.VIEW_ORG, Action.VIEW_AGGREGATE}),
    # Administrators run the system; they do not read clients' data.
    Role.ADMIN: frozenset(
        {
            Action.VIEW_ORG,
            Action.DESIGN,
            Action.VIEW_AUDIT,
            Action.MANAGE_ORG,
            Action.MANAGE_USERS,
        }
    ),
    # Lex Sarah officers read and handle the reports of their subtree, and report like anyone.
    Role.LEX_SARAH_OFFICER: frozenset(
        {
            Action.VIEW_ORG,
            Action.REPORT_QUALITY,
            Action.VIEW_LEX_SARAH,
            Action.HANDLE_LEX_SARAH,
        }
    ),
    # Registrars produce a person's access report for their municipality, and nothing else.
    Role.REGISTRAR: frozenset({Action.VIEW_ORG, Action.ACCESS_REPORT}),
}

INDIVIDUAL_ACTIONS = frozenset(
    {Action.VIEW_INDIVIDUAL, Action.CHANGE_INDIVIDUAL, Action.EXPORT_INDIVIDUAL}
)


def roles_allowing(action: Action | str) -> list[str]:
    return [role for role, actions in PERMISSIONS.items() if action in actions]
