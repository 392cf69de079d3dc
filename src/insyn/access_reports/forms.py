"""The access report form: whose report (a number), for which municipality, in which format."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insyn.access_reports.services import FORMATS
from insyn.core.identity import parse_identity
from insyn.organisations.models import OrgUnit


class NumberInput(forms.TextInput):
    """Never writes the number back into the page (a refused form shows an empty field)."""

    def format_value(self, value: Any) -> str | None:
        return None


class AccessReportForm(forms.Form):
    personnummer = forms.CharField(
        label=_("Personal identity number or coordination number"),
        max_length=20,
        help_text=_("12 digits, e.g. 19800517-1234. The number is neither stored nor logged."),
        widget=NumberInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("pdf", _("PDF (to hand to the person)")), ("json", _("JSON (machine-readable)"))],
        initial="pdf",
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities
        if municipalities.count() == 1:
            field.initial = municipalities.first()
            field.widget = forms.HiddenInput()

    def clean_personnummer(self) -> str:
        raw = self.cleaned_data["personnummer"]
        parse_identity(raw)  # the message never echoes the number
        return str(raw)

    def clean_format(self) -> str:
        fmt = str(self.cleaned_data["format"])
        if fmt not in FORMATS:
            raise ValidationError(_("Choose PDF or JSON."))
        return fmt
