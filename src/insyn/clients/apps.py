from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "insyn.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from insyn.clients.selectors import client_refs, keeps_provider_register
        from insyn.core.audit_display import register_client_refs
        from insyn.core.navigation import NavItem, register_nav
        from insyn.core.roles import Action

        register_nav(
            NavItem(
                "clients", _("Clients"), "clients:client_list", Action.VIEW_INDIVIDUAL, order=20
            )
        )
        register_nav(
            NavItem(
                "providers",
                _("Providers"),
                "clients:provider_list",
                Action.DESIGN,
                order=70,
                visible=keeps_provider_register,
            )
        )
        register_client_refs(client_refs)
