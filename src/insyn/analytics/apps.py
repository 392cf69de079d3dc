from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "insyn.analytics"
    label = "analytics"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from insyn.analytics.dashboard import home_panel
        from insyn.core.navigation import HomePanel, NavItem, register_nav, register_panel
        from insyn.core.roles import Action

        register_nav(
            NavItem("analysis", _("Analysis"), "analytics:index", Action.VIEW_AGGREGATE, 50)
        )
        register_nav(
            NavItem(
                "dashboard", _("Unit overview"), "analytics:dashboard", Action.VIEW_AGGREGATE, 51
            )
        )
        register_panel(
            HomePanel(
                "analysis",
                "analytics/panel.html",
                Action.VIEW_TEAM,
                order=50,
                context=home_panel,
            )
        )
