"""Forms of internal control: a round, reviewer assignment, a review, template upload, checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.accounts.models import User
from insyn.organisations.models import OrgUnit
from insyn.quality.forms.action_plans import DATE, owner_choices
from insyn.quality.models import ControlRound, ReviewAnswer, ReviewCriterion, ReviewTemplate


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    template = forms.ModelChoiceField(label=_("Template"), queryset=ReviewTemplate.objects.none())
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=OrgUnit.objects.none())
    units = UnitsField(
        label=_("Units reviewed"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cases of these units and the units below them."),
    )
    period_start = forms.DateField(label=_("Cases from"), widget=DATE)
    period_end = forms.DateField(label=_("Cases to"), widget=DATE)
    mode = forms.ChoiceField(
        label=_("Selection"), choices=ControlRound.Mode.choices, initial="sample"
    )
    sample_size = forms.IntegerField(label=_("Sample size"), required=False, min_value=1)
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        help_text=_("Leave empty and one is generated; the same seed draws the same cases."),
    )
    prevent_own_cases = forms.BooleanField(
        label=_("Reviewers may not review their own cases"), required=False, initial=True
    )
    second_review_share = forms.IntegerField(
        label=_("Share reviewed twice (%)"), min_value=0, max_value=100, initial=0
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)

    def __init__(self, *args: Any, templates: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    reviewers = PeopleField(
        label=_("Reviewers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cases are shared in turn; nobody gets a case they cannot read."),
    )

    def __init__(self, *args: Any, round_: ControlRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = owner_choices(round_.unit)  # type: ignore[attr-defined]


class CompleteForm(forms.Form):
    summary = forms.CharField(label=_("Conclusions"), required=False, widget=forms.Textarea)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Template (YAML)"))


class ChecksForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    period_start = forms.DateField(label=_("Cases from"), widget=DATE)
    period_end = forms.DateField(label=_("Cases to"), widget=DATE)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


def review_form_class(criteria: list[ReviewCriterion]) -> type[forms.Form]:
    """A form with an answer (radio) and a comment per criterion: c<id>, comment<id>."""
    fields: dict[str, forms.Field] = {}
    for c in criteria:
        choices = [
            (value, label)
            for value, label in ReviewAnswer.Answer.choices
            if c.allow_partly or value != ReviewAnswer.Answer.PARTLY
        ]
        fields[f"c{c.pk}"] = forms.ChoiceField(
            label=c.text, choices=choices, widget=forms.RadioSelect, help_text=c.help_text
        )
        fields[f"comment{c.pk}"] = forms.CharField(
            label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    return type("ReviewForm", (forms.Form,), fields)


def reviewer_label(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else "–"
