"""Forms of the annual-cycle pages. The rules (month 1–12, day 1–31, first year of an
every-other-year activity) live in services/cycle.py; the forms only parse, so a message
comes from one place whether the input came from the web or the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.accounts.models import User
from insyn.core.concurrency import VersionedForm
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.action_plans import DATE, PersonChoiceField, responsible_choices
from insyn.quality.models import CycleActivity, CycleTask
from insyn.quality.services.cycle import TASK_FLOW

REPORTED_TO_FILTER = [
    ("", _("All")),
    *CycleActivity.ReportedTo.choices,
    ("none", _("Nobody named")),
]


class ActivityForm(VersionedForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Activity"), max_length=200)
    code = forms.CharField(
        label=_("Code"), max_length=60, help_text=_("Lower-case letters, digits and hyphens.")
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    reported_to = forms.ChoiceField(
        label=_("Reported to"),
        required=False,
        choices=[("", _("Nobody named")), *CycleActivity.ReportedTo.choices],
    )
    frequency = forms.ChoiceField(label=_("How often"), choices=CycleActivity.Frequency.choices)
    month = forms.IntegerField(
        label=_("Month"),
        required=False,
        help_text=_(
            "Every year or every other year: the month (1–12). Every quarter: the month within "
            "the quarter (1–3). Every month: leave empty."
        ),
    )
    day = forms.IntegerField(
        label=_("Day of month"),
        initial=28,
        help_text=_("A day past the month's end means its last day."),
    )
    first_year = forms.IntegerField(
        label=_("First year"), required=False, help_text=_("For every-other-year activities.")
    )
    method = forms.CharField(label=_("Method"), max_length=200, required=False)
    responsible_role = forms.CharField(label=_("Responsible role"), max_length=40, required=False)
    responsible = PersonChoiceField(
        label=_("Responsible person"), required=False, queryset=User.objects.none()
    )
    linked = forms.ChoiceField(
        label=_("Linked to"), required=False, choices=CycleActivity.Linked.choices
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, initial=100)

    def __init__(
        self, *args: Any, units: Any, people: Any, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]
        if editing:
            del self.fields["unit"]


def people_for(unit: OrgUnit | None) -> Any:
    return responsible_choices(unit) if unit is not None else User.objects.none()


class TaskFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CycleTask.Status.choices]
    )
    responsible = PersonChoiceField(
        label=_("Responsible"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("All"),
    )
    reported_to = forms.ChoiceField(
        label=_("Reported to"), required=False, choices=REPORTED_TO_FILTER
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]


class TaskStatusForm(VersionedForm):
    step = forms.ChoiceField(label=_("Step"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)

    def __init__(self, *args: Any, steps: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = TASK_FLOW.transitions
        self.fields["step"].choices = [  # type: ignore[attr-defined]
            ("", _("Only save the note")),
            *[(s, labels[s].label) for s in steps],
        ]


class TaskEditForm(VersionedForm):
    responsible = PersonChoiceField(
        label=_("Responsible"), required=False, queryset=User.objects.none()
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]


class GenerateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class InstallForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        help_text=_("Usually the social services administration."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
