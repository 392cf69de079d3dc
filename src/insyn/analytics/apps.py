from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _home_panel(request: HttpRequest) -> dict[str, Any]:
    # Imported when the start page asks: SciPy, Altair and DuckDB stay out of every
    # process that never shows it (workers, the CLI).
    from insyn.analytics.dashboard import home_panel

    return home_panel(request)


def _catalogue_changed(sender: object, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures (loaddata) carry no frames to invalidate
        from insyn.analytics.cache import bump_everything

        bump_everything()


def _watch_catalogues() -> None:
    """The frame copies these catalogues' codes into every row, and they are edited in
    Django's admin, outside the services: any change marks every partition stale."""
    from django.db.models.signals import post_delete, post_save

    from insyn.clients.models import (
        EndReason,
        InterventionGroup,
        InterventionType,
        LegalBasis,
        Provider,
    )
    from insyn.followup.models import NonResponseReason

    catalogues = (EndReason, InterventionGroup, InterventionType, LegalBasis, Provider)
    for model in (*catalogues, NonResponseReason):
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"frames-{model}")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"frames-d-{model}")


class AnalyticsConfig(AppConfig):
    name = "insyn.analytics"
    label = "analytics"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from insyn.analytics import spec_cache
        from insyn.analytics.bumps import bump_for_changes
        from insyn.analytics.cache import bump_for_change
        from insyn.core.audit import add_change_listener
        from insyn.core.navigation import HomePanel, NavItem, register_nav, register_panel
        from insyn.core.roles import Action

        add_change_listener(bump_for_change, bulk=bump_for_changes)
        spec_cache.connect_signals()
        _watch_catalogues()

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
