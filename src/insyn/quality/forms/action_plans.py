"""Forms of the action-plan pages. Edit forms are VersionedForms, so a stale page is re-shown
with what changed instead of overwriting someone else's save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.accounts.models import User
from insyn.core.concurrency import VersionedForm
from insyn.organisations.models import OrgUnit
from insyn.quality.models import ActionItem, ActionPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SOURCE_KINDS = [
    ("", _("Any source")),
    ("none", _("No source")),
    ("deviation", _("Deviation")),
    ("complaint", _("Complaint")),
    ("lex_sarah_report", _("Lex Sarah report")),
]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


def owner_choices(unit: OrgUnit) -> Any:
    """Active users with a membership in the unit's municipality."""
    municipality = unit.municipality or unit
    return (
        User.objects.filter(
            is_active=True,
            memberships__org_unit__path__startswith=municipality.path,
            memberships__org_unit__active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def responsible_choices(unit: OrgUnit) -> Any:
    """Active users with a membership on the unit or above it (it covers the unit)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__org_unit_id__in=unit.ancestor_ids(),
            memberships__org_unit__active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class ActionPlanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ActionPlan.Status.choices]
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=OrgUnit.objects.none(), empty_label=_("All")
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=SOURCE_KINDS)
    overdue = forms.BooleanField(label=_("Only plans with overdue items"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ActionPlanForm(VersionedForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Improvement area"), max_length=200)
    problem = forms.CharField(label=_("Problem or improvement area"), widget=forms.Textarea)
    goal = forms.CharField(label=_("Goal"), required=False, widget=forms.Textarea)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=DATE,
        help_text=_("When someone checks that the plan worked."),
    )

    def __init__(self, *args: Any, units: Any, owners: Any, with_unit: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        else:
            del self.fields["unit"]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class ActionItemForm(VersionedForm):
    activity = forms.CharField(label=_("Activity"), widget=forms.Textarea)
    responsible = PersonChoiceField(label=_("Responsible"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people  # type: ignore[attr-defined]


class ItemStatusForm(VersionedForm):
    step = forms.ChoiceField(label=_("Step"))
    result = forms.CharField(
        label=_("Result"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done and what came of it; when cancelling, the reason."),
    )
    done_on = forms.DateField(
        label=_("Done on"), required=False, widget=DATE, help_text=_("Default: today.")
    )

    def __init__(self, *args: Any, steps: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = steps  # type: ignore[attr-defined]


class FollowUpForm(VersionedForm):
    followed_up_on = forms.DateField(label=_("Followed up on"), widget=DATE)
    outcome = forms.ChoiceField(label=_("Did it work?"), choices=ActionPlan.Outcome.choices)
    outcome_text = forms.CharField(label=_("What the follow-up found"), widget=forms.Textarea)


class CloseForm(VersionedForm):
    """Only the version: closing is one button."""


ITEM_STATUS_LABELS = dict(ActionItem.Status.choices)
