from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "insyn.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from insyn.core.navigation import NavGroup, NavItem, register_nav, register_nav_group
        from insyn.core.roles import Action

        register_nav(NavItem("home", _("Start"), "core:home", Action.VIEW_ORG, order=0))
        register_nav(NavItem("audit", _("Audit trail"), "core:audit", Action.VIEW_AUDIT, order=900))
        # The menu's grouping is layout, kept here in one place (a key no app registers is
        # ignored): a manager's fourteen entries fit one line at 1366 px.
        register_nav_group(
            NavGroup(
                "results",
                _("Results"),
                ("followup_completion", "dashboard", "analysis", "surveys-results", "reports"),
            )
        )
        register_nav_group(
            NavGroup(
                "manage",
                _("Manage"),
                (
                    "followup_programmes",
                    "surveys-design",
                    "indicators_manage",
                    "providers",
                    "imports",
                ),
            )
        )
