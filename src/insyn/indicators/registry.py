"""What indicators add to the shared registries at start-up (navigation, panels, audit value
actions). Each area adds a `register()` in its views module."""

from __future__ import annotations


def register_all() -> None:
    """Called from IndicatorsConfig.ready()."""
    from insyn.indicators.views import manage, oj, overview, pages

    for module in (overview, pages, manage, oj):
        module.register()
