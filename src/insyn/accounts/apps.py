from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "insyn.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from insyn.accounts import schema  # noqa: F401  (registers OpenAPI extensions)
        from insyn.core.navigation import NavItem, register_nav
        from insyn.core.roles import Action

        register_nav(NavItem("users", _("Users"), "accounts:users", Action.MANAGE_USERS, order=810))
