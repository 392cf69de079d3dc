from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "insyn.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from insyn.core.navigation import NavItem, register_nav
        from insyn.core.roles import Action

        register_nav(NavItem("home", _("Start"), "core:home", Action.VIEW_ORG, order=0))
        register_nav(NavItem("audit", _("Audit trail"), "core:audit", Action.VIEW_AUDIT, order=900))
