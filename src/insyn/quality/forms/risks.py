"""Forms of the risk pages. Scores are plain choice fields 1–4 here; the service checks them
again (the API and the demo reach it without a form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.accounts.models import User
from insyn.core.concurrency import VersionedForm
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.action_plans import PersonChoiceField
from insyn.quality.models import DeviationCategory, Risk, RiskAnalysis, Treatment
from insyn.quality.risk_matrix import level_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORE_CHOICES = [("", "–"), *[(str(n), str(n)) for n in (1, 2, 3, 4)]]
TREATMENTS = [("", _("Not decided")), *Treatment.choices]


def score_field(label: Any, help_text: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=SCORE_CHOICES, coerce=int, empty_value=None, help_text=help_text
    )


class RiskFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("All")
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All")), *level_choices()]
    )
    min_level = forms.ChoiceField(
        label=_("At or above level"), required=False, choices=[("", _("All")), *level_choices()]
    )
    treatment = forms.ChoiceField(
        label=_("Treatment"), required=False, choices=[("", _("All")), *Treatment.choices]
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), *Risk.State.choices],
        initial=Risk.State.ACTIVE,
    )
    due = forms.BooleanField(label=_("Only risks due for reassessment"), required=False)
    probability = forms.TypedChoiceField(
        label=_("Probability"),
        required=False,
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
    )
    severity = forms.TypedChoiceField(
        label=_("Consequence"),
        required=False,
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"state": Risk.State.ACTIVE}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class RiskForm(VersionedForm):
    """Register (with unit and first score) or edit (description, owner, dates)."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    process = forms.CharField(label=_("Process or activity"), max_length=200, required=False)
    title = forms.CharField(label=_("Risk"), max_length=200)
    cause = forms.CharField(label=_("Cause"), required=False, widget=forms.Textarea)
    consequence = forms.CharField(
        label=_("Consequence for the client"), required=False, widget=forms.Textarea
    )
    probability = score_field(_("Probability (1–4)"), _("1 unlikely … 4 very likely"))
    severity = score_field(_("Consequence (1–4)"), _("1 minor … 4 catastrophic"))
    treatment = forms.ChoiceField(label=_("Treatment"), required=False, choices=TREATMENTS)
    reassess_on = forms.DateField(label=_("Reassess on"), required=False, widget=DATE)
    deviation_category = forms.ModelChoiceField(
        label=_("Related deviation category"),
        required=False,
        queryset=DeviationCategory.objects.none(),
        help_text=_("Recurring deviations of this category in the unit are shown beside the risk."),
    )
    owner = PersonChoiceField(label=_("Owner"), required=False, queryset=User.objects.none())
    note = forms.CharField(
        label=_("Note on the assessment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any, owners: Any, creating: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["deviation_category"].queryset = DeviationCategory.objects.filter(  # type: ignore[attr-defined]
            active=True
        )
        if creating:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        else:
            for name in ("unit", "probability", "severity", "treatment", "note"):
                del self.fields[name]


class ReassessForm(VersionedForm):
    probability = score_field(_("Probability (1–4)"), _("1 unlikely … 4 very likely"))
    severity = score_field(_("Consequence (1–4)"), _("1 minor … 4 catastrophic"))
    treatment = forms.ChoiceField(label=_("Treatment"), required=False, choices=TREATMENTS)
    assessed_on = forms.DateField(
        label=_("Assessed on"), required=False, widget=DATE, help_text=_("Default: today.")
    )
    reassess_on = forms.DateField(label=_("Next reassessment on"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeasureForm(forms.Form):
    activity = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible = PersonChoiceField(label=_("Responsible"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]


class StateForm(VersionedForm):
    step = forms.CharField(widget=forms.HiddenInput)


class AnalysisForm(VersionedForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("What is analysed"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of change"), choices=RiskAnalysis.Kind.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    change_on = forms.DateField(label=_("Planned change date"), required=False, widget=DATE)
    participants = forms.CharField(
        label=_("Who took part"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        else:
            del self.fields["unit"]


class AddRiskForm(forms.Form):
    risk = forms.ModelChoiceField(label=_("Risk from the register"), queryset=Risk.objects.none())

    def __init__(self, *args: Any, risks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = risks  # type: ignore[attr-defined]
