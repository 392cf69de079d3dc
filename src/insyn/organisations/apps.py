from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "insyn.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from insyn.core.navigation import NavItem, register_nav
        from insyn.core.roles import Action

        register_nav(
            NavItem(
                "organisation",
                _("Organisation"),
                "organisations:root",
                Action.MANAGE_ORG,
                order=800,
            )
        )
