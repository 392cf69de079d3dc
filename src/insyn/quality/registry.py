"""What quality management adds to the shared registries at start-up (navigation, start-page
panels, reminder sources). Each area adds its entries here, so apps.py stays one line."""

from __future__ import annotations


def register_all() -> None:
    """Called from QualityConfig.ready()."""
    from insyn.quality.views import dashboard

    dashboard.register()
