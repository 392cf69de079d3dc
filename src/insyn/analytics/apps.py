from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _home_panel(request: HttpRequest) -> dict[str, Any]:
    # Imported when the start page asks: SciPy, Altair and DuckDB stay out of every
    # process that never shows it (workers, the CLI).
    from insyn.analytics.dashboard import home_panel

    return home_panel(request)


class AnalyticsConfig(AppConfig):
    name = "insyn.analytics"
    label = "analytics"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from insyn.analytics.bumps import bump_for_changes
        from insyn.analytics.cache import bump_for_change
        from insyn.core.audit import add_change_listener
        from insyn.core.navigation import HomePanel, NavItem, register_nav, register_panel
        from insyn.core.roles import Action

        add_change_listener(bump_for_change, bulk=bump_for_changes)

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
                context=_home_panel,
            )
        )
