from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """Key figures: the indicator catalogue, values (computed, Kolada, manual), comparison
    groups and the Kolada import. Sits above quality in the layering (may import it)."""

    name = "insyn.indicators"
    label = "indicators"
    verbose_name = _("Indicators and comparisons")

    def ready(self) -> None:
        from insyn.indicators import registry

        registry.register_all()
