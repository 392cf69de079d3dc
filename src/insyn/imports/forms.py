from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.organisations.models import OrgUnit


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the CSV files of an export, or one workbook)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    upload = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "The CSV files (clients.csv, cases.csv, interventions.csv, investigations.csv, "
            "appeals.csv, measurements.csv, goals.csv: any of them) or one XLSX workbook with "
            "those sheets."
        ),
    )

    def __init__(self, *args: Any, municipalities: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        field.queryset = OrgUnit.objects.filter(pk__in=[m.pk for m in municipalities])  # type: ignore[attr-defined]
        if len(municipalities) == 1:
            field.initial = municipalities[0]
