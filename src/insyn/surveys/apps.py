from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "insyn.surveys"
    label = "surveys"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        from insyn.core.navigation import NavItem, register_nav
        from insyn.core.roles import Action

        register_nav(
            NavItem(
                "surveys-occasions",
                _("Questionnaires"),
                "surveys:occasions",
                Action.VIEW_INDIVIDUAL,
                40,
            )
        )
        register_nav(
            NavItem(
                "surveys-design",
                _("Questionnaire versions"),
                "surveys:questionnaires",
                Action.DESIGN,
                70,
            )
        )
        register_nav(
            NavItem(
                "surveys-results", _("Survey results"), "surveys:results", Action.VIEW_AGGREGATE, 60
            )
        )
