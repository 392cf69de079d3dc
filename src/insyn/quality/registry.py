"""What quality management adds to the shared registries at start-up (navigation, start-page
panels, reminder sources). Each area adds its entries here, so apps.py stays one line."""

from __future__ import annotations


def register_all() -> None:
    """Called from QualityConfig.ready()."""
    from insyn.quality import digest_complaints, lex_sarah_digest
    from insyn.quality.views import action_plans_home, dashboard, deviations

    deviations.register()
    lex_sarah_digest.register()
    digest_complaints.register()
    action_plans_home.register()
    dashboard.register()
