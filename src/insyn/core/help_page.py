"""The help page: the signed-in user's own tasks (their menu, described) and the few rules that
surprise a newcomer (idle logout, logged reads, links shown once, hidden small groups).

The descriptions are keyed by menu entry (`NavItem.key`), so the page lists exactly what the
menu offers this user, through the same permission check; an entry without a description is
still listed, with its label only.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insyn.core.navigation import nav_for
from insyn.core.viewmixins import InsynView

TASKS: dict[str, str | Promise] = {
    "home": _("Your start page: what is due and what needs your attention."),
    "followup_worklist": _(
        "Follow-up occasions that are due or overdue for your clients: record measurements, "
        "instruments and goals."
    ),
    "clients": _("Find or register a client; open cases, record decisions and interventions."),
    "surveys-occasions": _(
        "Questionnaires waiting for answers: send or hand over links (print them or show a QR "
        "code), enter dialog interviews, record non-response."
    ),
    "followup_completion": _("How many planned follow-ups were done, per unit and case worker."),
    "quality": _(
        "Deviations, complaints, action plans, self-inspection, risks and the annual cycle."
    ),
    "indicators": _("Key figures over time, compared with similar municipalities."),
    "oj": _("Open comparisons: the answers, quick and deep analysis."),
    "analysis": _("Group tables and before/after change for a programme; export to CSV or Excel."),
    "dashboard": _("A unit's follow-up at a glance, quarter by quarter."),
    "surveys-results": _("Questionnaire results per question and group; small groups hidden."),
    "followup_programmes": _("The follow-up programmes: what is measured, for whom and when."),
    "indicators_manage": _("Add key figures and enter their values."),
    "surveys-design": _("Questionnaires and their versions; export and import as YAML."),
    "providers": _("The register of providers, own and external."),
    "imports": _("Import clients, cases and measurements from the case system (CSV or Excel)."),
    "lex_sarah_list": _("The lex Sarah reports you handle."),
    "organisation": _("The organisation tree and who belongs where."),
    "users": _("User accounts, roles and two-factor authentication."),
    "audit": _("Who read or changed what, and when."),
    "deviation_report": _("Report something that went wrong, or could have."),
    "lex_sarah_report": _("Report a maladministration, or the risk of one (lex Sarah)."),
}


class HelpView(InsynView):
    """Any signed-in user; shows no one's data."""

    personal_data = False
    required_action = None

    def get(self, request: HttpRequest) -> HttpResponse:
        tasks = [
            {**item, "help": TASKS.get(item["key"], "")}
            for item in nav_for(request, "header") + nav_for(request)
        ]
        return render(
            request,
            "core/help.html",
            {
                "tasks": tasks,
                "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
                "min_cell": settings.INSYN_MIN_CELL,
            },
        )
