from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """Quality management (SOSFS 2011:9): deviations, lex Sarah, complaints, action plans."""

    name = "insyn.quality"
    label = "quality"
    verbose_name = _("Quality management")

    def ready(self) -> None:
        from insyn.quality import registry

        registry.register_all()
