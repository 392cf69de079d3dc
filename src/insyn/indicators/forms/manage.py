"""Forms of the manage pages (manual values, local indicators, import, targets, groups). The
services check everything again: the API and the demo reach them without a form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import VersionedForm
from insyn.indicators.models import Indicator, IndicatorTarget, IndicatorValue, KoladaMunicipality
from insyn.indicators.services.manual_import import parse_number
from insyn.indicators.services.stamps import stamp_of
from insyn.organisations.models import OrgUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class NumberField(forms.CharField):
    """A number as people write it in Sweden (`12,5`, `1 234`) or in English (`12.5`)."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        number = parse_number(text)
        if number is None:
            raise forms.ValidationError(_("Enter a number."))
        return number


def track(form: VersionedForm, obj: Any) -> None:
    """`VersionedForm.track` for rows whose version is their `updated_at` stamp."""
    obj.version = stamp_of(obj)
    form.track(obj)


class ManualValueForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    org_unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    period_kind = forms.ChoiceField(
        label=_("Period"), choices=IndicatorValue.PeriodKind.choices, initial="year"
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=9999)
    period_end = forms.DateField(
        label=_("Last day of the twelve months"),
        required=False,
        widget=DATE,
        help_text=_("Only for rolling twelve months."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=IndicatorValue.Sex.choices, initial="T")
    value = NumberField(label=_("Value"), help_text=_("A decimal comma is fine, e.g. 12,5."))

    def __init__(self, *args: Any, indicators: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class ValueEditForm(VersionedForm):
    value = NumberField(label=_("Value"), help_text=_("A decimal comma is fine, e.g. 12,5."))


class DeleteForm(VersionedForm):
    """Only the version: a delete of something changed since it was shown is refused."""


class IndicatorForm(forms.Form):
    key = forms.CharField(
        label=_("Key"),
        max_length=60,
        help_text=_(
            "A short stable name: lower-case letters, digits and hyphens, e.g. sick-leave."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    unit = forms.ChoiceField(label=_("Unit of measure"), choices=Indicator.Unit.choices)
    direction = forms.ChoiceField(
        label=_("Which way is better"), choices=Indicator.Direction.choices, initial="none"
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", "–"), *Indicator.Type.choices], required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("Columns: indicator, unit, year, sex, value. See the example in the guide."),
    )


class TargetForm(VersionedForm):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    org_unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1900,
        max_value=9999,
        help_text=_("Leave empty for a standing target."),
    )
    value = NumberField(label=_("Target value"))
    comparison = forms.ChoiceField(
        label=_("Met when the figure is"),
        choices=[("", _("As the indicator's direction says")), *IndicatorTarget.Comparison.choices],
        required=False,
    )
    decision = forms.CharField(
        label=_("Decided by"),
        max_length=200,
        required=False,
        help_text=_("E.g. “Socialnämnden 2026-02-12 § 14”."),
    )

    def __init__(
        self, *args: Any, indicators: Any, units: Any, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        if editing:  # the indicator and unit of a target stay; make a new one for others
            del self.fields["indicator"]
            del self.fields["org_unit"]


class GroupForm(forms.Form):
    owner = UnitChoiceField(label=_("Belongs to"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Name"), max_length=200)
    members = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=KoladaMunicipality.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )

    def __init__(self, *args: Any, units: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = units  # type: ignore[attr-defined]
        self.fields["members"].queryset = KoladaMunicipality.objects.filter(  # type: ignore[attr-defined]
            type=KoladaMunicipality.Type.MUNICIPALITY
        ).order_by("title")
        if editing:
            del self.fields["owner"]
