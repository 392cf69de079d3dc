from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "insyn.surveys"
    label = "surveys"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        from insyn.core.navigation import HomePanel, NavItem, register_nav, register_panel
        from insyn.core.roles import Action

        register_nav(
            NavItem(
                "surveys-occasions",
                _("Questionnaires"),
                "surveys:occasions",
                Action.VIEW_INDIVIDUAL,
                30,
            )
        )
        register_nav(
            NavItem(
                "surveys-design",
                _("Questionnaire versions"),
                "surveys:questionnaires",
                Action.DESIGN,
                65,
            )
        )
        register_nav(
            NavItem(
                "surveys-results", _("Survey results"), "surveys:results", Action.VIEW_AGGREGATE, 55
            )
        )
        register_panel(
            HomePanel(
                "surveys-waiting", "surveys/panel.html", Action.CHANGE_INDIVIDUAL, 40, _waiting
            )
        )
        from insyn.surveys.frame_source import register as register_frame_source

        register_frame_source()  # answers as analysis-frame variables, once analytics has it
        from insyn.clients.services.cases import on_case_moved
        from insyn.surveys.services.moves import responses_follow_case

        # After followup's listener: responses take their enrolment's (new) unit.
        on_case_moved(responses_follow_case)


def _waiting(request: Any) -> dict[str, Any]:
    """How many expected questionnaire responses wait in the user's units (a count only)."""
    from insyn.core.roles import Action
    from insyn.surveys.models import Response

    waiting = (
        Response.objects.restrict(request.user, Action.CHANGE_INDIVIDUAL)
        .filter(status=Response.Status.EXPECTED, occasion__isnull=False)
        .count()
    )
    return {"surveys_waiting": waiting}
