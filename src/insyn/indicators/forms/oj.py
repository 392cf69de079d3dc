"""Forms of the Open Comparisons workflow. Each carries the publication's version (hidden), so
a stale submit changes nothing and says so."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.indicators.models import Indicator, OjPriority, OjPublication, OjResult
from insyn.indicators.models.oj import Answer, Level
from insyn.organisations.models import OrgUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
ANSWERS = forms.RadioSelect
LEVELS = [("", "–"), *Level.choices]


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def data_without_version(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class PublicationCreateForm(forms.Form):
    title = forms.CharField(label=_("Publication"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2007, max_value=2100)
    area = forms.CharField(label=_("Area"), max_length=120)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class TransitionForm(_Versioned):
    action = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("Decided on"), required=False, widget=DATE)
    decided_by = forms.ModelChoiceField(
        label=_("Decided by"), queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = people  # type: ignore[attr-defined]


class DataCheckForm(_Versioned):
    area = forms.CharField(label=_("Area"), max_length=120)
    collection_clear = forms.ChoiceField(
        label=_("Is the collection clear?"), choices=Answer.choices, widget=ANSWERS
    )
    collector = forms.CharField(label=_("Who collects the data"), max_length=200, required=False)
    all_units_included = forms.ChoiceField(
        label=_("Are all units included?"), choices=Answer.choices, widget=ANSWERS
    )
    shared_understanding = forms.ChoiceField(
        label=_("Shared understanding of each indicator?"), choices=Answer.choices, widget=ANSWERS
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=TEXT)


class ReceptionForm(_Versioned):
    receivers = forms.CharField(label=_("Who receives the results"), max_length=300, required=False)
    press_answers = forms.CharField(
        label=_("Prepared answers for the press"), required=False, widget=TEXT
    )


class ResultForm(_Versioned):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    value = forms.FloatField(label=_("Value"), required=False, localize=True)
    colour = forms.ChoiceField(label=_("Colour as published"), choices=OjResult.Colour.choices)
    source = forms.CharField(
        label=_("Source"), max_length=200, help_text=_("e.g. “Källa: Kolada”.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(  # type: ignore[attr-defined]
            active=True, in_catalogue=True
        )


class QuickAnalysisForm(_Versioned):
    important = forms.ChoiceField(
        label=_("Important to us?"), choices=Answer.choices, widget=ANSWERS
    )
    reliable = forms.ChoiceField(label=_("Reliable?"), choices=Answer.choices, widget=ANSWERS)
    ongoing_work = forms.ChoiceField(
        label=_("Ongoing improvement work?"), choices=Answer.choices, widget=ANSWERS
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=TEXT)


class MatrixRowForm(forms.Form):
    goal_relation = forms.CharField(
        label=_("Relation to overall goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ongoing_efforts = forms.CharField(
        label=_("Ongoing efforts"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deficit_cost = forms.ChoiceField(
        label=_("Cost of the quality deficit"), choices=LEVELS, required=False
    )
    change_cost = forms.ChoiceField(label=_("Cost of the change"), choices=LEVELS, required=False)
    inhabitants = forms.ChoiceField(label=_("Inhabitants affected"), choices=LEVELS, required=False)
    indicator_type = forms.ChoiceField(
        label=_("Indicator type, our assessment"),
        choices=[("", "–"), *OjPriority._meta.get_field("indicator_type").choices],  # type: ignore[misc]
        required=False,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", "–"), ("1", "1"), ("2", "2"), ("3", "3")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    decision = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeepAnalysisForm(_Versioned):
    current_state = forms.CharField(label=_("Current state"), widget=TEXT)
    root_causes = forms.CharField(label=_("Root causes"), widget=TEXT)
    influence = forms.ChoiceField(
        label=_("Influence of our own organisation"), choices=Level.choices, widget=ANSWERS
    )
    improvement_area = forms.CharField(label=_("Proposed improvement area"), max_length=200)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=[("1", "1"), ("2", "2"), ("3", "3")], coerce=int
    )
    decision = forms.CharField(label=_("Decision"), required=False, widget=TEXT)


class ProposalForm(_Versioned):
    title = forms.CharField(label=_("Improvement proposal"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=TEXT)
    deep_analysis = forms.ModelChoiceField(
        label=_("From the deep analysis"), queryset=OrgUnit.objects.none(), required=False
    )
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DATE)

    def __init__(self, *args: Any, publication: OjPublication, **kwargs: Any) -> None:
        from insyn.indicators.models import OjDeepAnalysis

        super().__init__(*args, **kwargs)
        self.fields["deep_analysis"].queryset = OjDeepAnalysis.objects.filter(  # type: ignore[attr-defined]
            result__publication=publication
        )


class DecideForm(_Versioned):
    owner = forms.ModelChoiceField(
        label=_("Owner of the action plan"), queryset=OrgUnit.objects.none()
    )
    goal = forms.CharField(label=_("Goal"), required=False, widget=TEXT)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]


class SummaryForm(_Versioned):
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DATE)
    a3_current_state = forms.CharField(label=_("Current state"), required=False, widget=TEXT)
    a3_target_state = forms.CharField(label=_("Target state"), required=False, widget=TEXT)
    a3_causes = forms.CharField(label=_("Causes"), required=False, widget=TEXT)
    a3_actions = forms.CharField(label=_("Actions"), required=False, widget=TEXT)
    a3_follow_up = forms.CharField(label=_("Follow-up"), required=False, widget=TEXT)
    a3_results = forms.CharField(label=_("Results"), required=False, widget=TEXT)
