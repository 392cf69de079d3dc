"""The rule form: parses input only; the service validates (zero or negative periods,
events that do not fit the kind, birth days) and its messages land next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from insyn.organisations.models import OrgUnit
from insyn.retention.models import Event, Kind, PeriodUnit


class RuleForm(forms.Form):
    municipality = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Municipality"))
    kind = forms.ChoiceField(choices=Kind.choices, label=_("Kind of record"))
    event = forms.ChoiceField(
        choices=[("", _("The usual event for the kind")), *Event.choices],
        required=False,
        label=_("Counted from"),
    )
    # No minimum here: the service answers a zero or negative period with its own message.
    period = forms.IntegerField(label=_("Retention period"))
    unit = forms.ChoiceField(choices=PeriodUnit.choices, label=_("Unit"))
    keep_birth_days = forms.CharField(
        required=False,
        max_length=40,
        label=_("Keep persons born on these days of the month"),
        help_text=_("For research, e.g. 5,15,25. Empty: no exception."),
    )
    active = forms.BooleanField(required=False, initial=True, label=_("Active"))
    note = forms.CharField(required=False, max_length=300, label=_("Note"))

    def __init__(self, *args: Any, municipalities: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["municipality"]
        field.queryset = municipalities
        if municipalities.count() == 1:
            field.initial = municipalities.first()
