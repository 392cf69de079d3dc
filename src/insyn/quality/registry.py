"""What quality management adds to the shared registries at start-up (navigation, start-page
panels, reminder sources). Each area adds its entries here, so apps.py stays one line."""

from __future__ import annotations


def register_all() -> None:
    """Called from QualityConfig.ready()."""
    from insyn.quality import digest_complaints, frame_casework, lex_sarah_digest
    from insyn.quality.views import (
        action_plans_home,
        control,
        cycle,
        dashboard,
        deviations,
        non_executed,
        risks,
    )

    deviations.register()
    lex_sarah_digest.register()
    digest_complaints.register()
    action_plans_home.register()
    dashboard.register()
    non_executed.register()
    control.register()
    risks.register()
    cycle.register()
    frame_casework.register()
    _register_subnav()
    _register_audit_values()


def _register_audit_values() -> None:
    """Who may read the values of these objects' change entries in the audit trail: the same
    action that reads the object itself (an administrator sees that a report changed, not
    what it says)."""
    from insyn.core.audit_values import register_value_action
    from insyn.core.roles import Action

    register_value_action("quality.lexsarahreport", Action.VIEW_LEX_SARAH)
    for object_type in (
        "quality.deviation",
        "quality.complaint",
        "quality.controlround",
        "quality.risk",
        "quality.riskanalysis",
        "quality.cycleactivity",
        "quality.cycletask",
    ):
        register_value_action(object_type, Action.VIEW_QUALITY)


def _register_subnav() -> None:
    """The quality area's own menu ({% quality_subnav %}); areas add their entries with
    placement="quality" (deviations, action plans) and these complete it."""
    from django.utils.translation import gettext_lazy as _

    from insyn.core.navigation import NavItem, register_nav
    from insyn.core.roles import Action

    for item in (
        NavItem("quality_overview", _("Overview"), "quality:dashboard", Action.VIEW_QUALITY, 10),
        NavItem(
            "quality_complaints", _("Complaints"), "quality:complaint_list", Action.VIEW_QUALITY, 30
        ),
        NavItem(
            "quality_lex_sarah", _("Lex Sarah"), "quality:lex_sarah_list", Action.VIEW_LEX_SARAH, 50
        ),
    ):
        register_nav(
            NavItem(item.key, item.label, item.url_name, item.action, item.order, "quality")
        )
