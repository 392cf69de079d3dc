from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "insyn.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from insyn.core.navigation import NavItem, register_nav
        from insyn.core.roles import Action

        register_nav(
            NavItem("imports", _("Import"), "imports:upload", Action.CHANGE_INDIVIDUAL, order=75)
        )
