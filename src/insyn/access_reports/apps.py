from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessReportsConfig(AppConfig):
    name = "insyn.access_reports"
    label = "access_reports"
    verbose_name = _("Access reports")

    def ready(self) -> None:
        from insyn.core.navigation import NavItem, register_nav
        from insyn.core.roles import Action

        register_nav(
            NavItem(
                "access_report",
                _("Access report"),
                "access_reports:produce",
                Action.ACCESS_REPORT,
                order=880,
            )
        )
