"""The Analys page's question form (GET, so an analysis is a link) and the favourite form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.analytics import selectors
from insyn.analytics.aggregate import DEFAULT_AGE_BINS
from insyn.analytics.dimensions import DIMENSIONS
from insyn.analytics.specs import ProgrammeSpec, analysable
from insyn.core.roles import Action


def set_choices(field: forms.Field, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, field).choices = choices


class AnalysisForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"))
    variable = forms.MultipleChoiceField(
        label=_("Variables"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One table and chart per variable."),
    )
    mode = forms.ChoiceField(
        label=_("Compare"),
        choices=[("stage", _("One stage")), ("compare", _("Before and after (paired)"))],
        initial="stage",
        widget=forms.RadioSelect,
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    before = forms.ChoiceField(label=_("Before"), required=False)
    after = forms.ChoiceField(label=_("After"), required=False)
    by1 = forms.ChoiceField(label=_("Break down by"), required=False)
    by2 = forms.ChoiceField(label=_("and by"), required=False)
    by3 = forms.ChoiceField(label=_("and by"), required=False)
    age_groups = forms.CharField(
        label=_("Age groups"),
        required=False,
        initial=DEFAULT_AGE_BINS,
        max_length=200,
        help_text=_("Whole years, e.g. 0-12,13-17,18- (or pick a grouping below)."),
    )
    age_grouping = forms.ChoiceField(label=_("Saved age grouping"), required=False)
    date_from = forms.DateField(
        label=_("Started from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Started until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    unit = forms.MultipleChoiceField(
        label=_("Units"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("None chosen: everything you have access to."),
    )
    version = forms.MultipleChoiceField(
        label=_("Programme versions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, user: Any, spec: ProgrammeSpec | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        set_choices(self.fields["programme"], selectors.programmes_for(user))
        dims = [("", "—")] + [(k, str(d.label)) for k, d in DIMENSIONS.items()]
        for name in ("by1", "by2", "by3"):
            set_choices(self.fields[name], dims)
        groupings = [(g.bins, f"{g.label} ({g.bins})") for g in selectors.age_groupings()]
        set_choices(self.fields["age_grouping"], [("", "—"), *groupings])
        units = [
            (str(u.pk), f"{'  ' * max(u.depth - 2, 0)}{u.name}")
            for u in selectors.units_for(user, Action.VIEW_AGGREGATE)
        ]
        set_choices(self.fields["unit"], units)
        if spec is not None:
            variables = [(v.key, v.label) for v in analysable(spec.variables)]
            set_choices(self.fields["variable"], variables)
            stages = [("", "—")] + [(s.key, s.name) for s in spec.stages]
            for name in ("stage", "before", "after"):
                set_choices(self.fields[name], stages)
            versions = [(str(v), str(v)) for v in sorted(spec.versions.values())]
            set_choices(self.fields["version"], versions)

    def variable_label(self, key: str) -> str:
        """The variable's name as the form lists it (a heading never shows a raw key)."""
        variable = self.spec.variable(key) if self.spec is not None else None
        return variable.label if variable is not None else key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.data.get("show") and not data.get("variable") and "variable" not in self.errors:
            self.add_error("variable", _("Choose at least one variable."))
        if data.get("mode") == "compare" and self.spec is not None:
            # Forgiving default: the programme's first 'before' and first 'after' stage.
            befores = [s.key for s in self.spec.stages if s.kind == "before"]
            afters = [s.key for s in self.spec.stages if s.kind == "after"] or [
                s.key for s in self.spec.stages if s.kind == "later"
            ]
            data["before"] = data.get("before") or (befores[0] if befores else "")
            data["after"] = data.get("after") or (afters[0] if afters else "")
        if data.get("mode") == "compare" and not (data.get("before") and data.get("after")):
            self.add_error("before", _("Choose the two stages to compare."))
        elif data.get("mode") == "compare" and data["before"] == data["after"]:
            self.add_error("after", _("Choose two different stages."))
        return data

    def params(self, variable: str) -> dict[str, Any]:
        """Parameters of `request_from_params` for one variable."""
        d = self.cleaned_data
        out: dict[str, Any] = {
            "programme": d["programme"],
            "variable": variable,
            "by": [d[k] for k in ("by1", "by2", "by3") if d.get(k)],
            "age_groups": d.get("age_grouping") or d.get("age_groups") or DEFAULT_AGE_BINS,
            "from": d.get("date_from"),
            "to": d.get("date_to"),
            "unit": d.get("unit") or [],
            "version": d.get("version") or [],
        }
        if d.get("mode") == "compare":
            out["compare"] = f"{d['before']}:{d['after']}"
        elif d.get("stage"):
            out["stage"] = d["stage"]
        return out


class SavedAnalysisForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    shared = forms.BooleanField(
        label=_("Share with my organisation"),
        required=False,
        help_text=_("Colleagues see the result for their own access, never more."),
    )
    query = forms.CharField(widget=forms.HiddenInput, max_length=4000)
