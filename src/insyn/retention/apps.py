from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """Retention (gallring): rules as data, legal holds, and the nightly job that reduces or
    removes personal data once its period has run. Sits above reports in the layering: it
    reads and reduces every other app's records, nothing imports it."""

    name = "insyn.retention"
    label = "retention"
    verbose_name = _("Retention")

    def ready(self) -> None:
        from insyn.core.navigation import NavItem, register_nav
        from insyn.core.roles import Action

        register_nav(
            NavItem("retention", _("Retention"), "retention:index", Action.VIEW_AUDIT, order=910)
        )
