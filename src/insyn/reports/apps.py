from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The quality report (kvalitetsberättelse): templates as data, a resolved document built
    from every other app's figures, and its HTML, PDF and DOCX renderings. The top floor of
    the layering: it reads everything, nothing imports it."""

    name = "insyn.reports"
    label = "reports"
    verbose_name = _("Quality reports")

    def ready(self) -> None:
        from insyn.reports import registry

        registry.register_all()
