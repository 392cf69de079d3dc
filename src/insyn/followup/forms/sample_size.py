"""The sample-size planner's form: the plan's inputs, each optional but the intake."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.followup.sample_size import MEASURE_CHANGE, MEASURE_SHARE, planning_problems


class PlanningForm(forms.Form):
    intake_per_year = forms.FloatField(
        localize=True,
        label=_("Expected clients per year"),
        help_text=_("Clients who start the intervention in a year, before the sampling rule."),
    )
    measure = forms.ChoiceField(
        label=_("Main measure"),
        choices=[
            (MEASURE_SHARE, _("A share (e.g. share with no relapse)")),
            (MEASURE_CHANGE, _("A change from before to after (e.g. AUDIT points)")),
        ],
        initial=MEASURE_SHARE,
    )
    variable = forms.ChoiceField(label=_("Variable"), required=False)
    share_percent = forms.FloatField(
        localize=True,
        label=_("Expected share, percent"),
        required=False,
        min_value=0,
        max_value=100,
    )
    sd = forms.FloatField(
        localize=True,
        label=_("Expected standard deviation of the change"),
        required=False,
        help_text=_("In the measure's own units; from earlier years or the instrument's manual."),
    )
    completion_percent = forms.FloatField(
        localize=True,
        label=_("Share with a complete after-measure, percent"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Clients lost before the after-measure do not count. Empty means all."),
    )
    precision = forms.FloatField(
        localize=True,
        label=_("Wanted precision (half the width of the 95% interval)"),
        required=False,
        help_text=_("Percentage points for a share, the measure's units for a change."),
    )

    def __init__(self, *args: Any, variables: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["variable"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "–"), *variables]
        self.variable_keys = {key for key, _label in variables}

    def clean(self) -> dict[str, Any]:
        """The same rules as the YAML import, so both say the same about the same plan."""
        cleaned = super().clean() or {}
        plan = {k: v for k, v in cleaned.items() if v not in (None, "")}
        for name, messages in planning_problems(plan, self.variable_keys).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, messages)
        return cleaned

    def planning(self) -> dict[str, Any]:
        """The cleaned plan in the stored shape (empty fields left out)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
