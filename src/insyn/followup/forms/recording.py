"""The occasion form, generated from the stage's variables.

Fields only collect what was typed; what counts as a valid value is decided by
insyn.followup.values.parse_values (inside occasion_record), the same rules the API and the
import use. Value fields are named "v-<variable key>" and "v-<variable key>.<item key>", so
the service's error keys map straight back to the fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.clients.models import EndReason
from insyn.core.concurrency import VersionedForm
from insyn.followup.models import (
    Direction,
    Goal,
    NonResponseReason,
    Occasion,
    Programme,
    StageVariable,
    Variable,
)
from insyn.followup.scoring import ITEMS_PREFETCH, RunningScore, items_of, running_score

PREFIX = "v-"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def field_name(key: str) -> str:
    return f"{PREFIX}{key}"


def _bounds(variable: Variable) -> dict[str, Any]:
    low, high = variable.min_value, variable.max_value
    if variable.instrument is not None:
        low = low if low is not None else variable.instrument.min_total
        high = high if high is not None else variable.instrument.max_total
    attrs: dict[str, Any] = {}
    if low is not None:
        attrs["min"] = f"{low:g}"
    if high is not None:
        attrs["max"] = f"{high:g}"
    return attrs


@dataclass
class FieldBlock:
    link: StageVariable
    field: forms.BoundField
    is_instrument = False


@dataclass
class InstrumentBlock:
    """An instrument's fields, rendered as one fieldset with a live total."""

    variable: Variable
    link: StageVariable
    items: list[forms.BoundField]
    total: forms.BoundField
    is_instrument = True
    score: RunningScore | None = None

    def compute_score(self, sex: str) -> None:
        """The total and band of what the form holds (typed, or recorded before), so the page
        shows them without JavaScript too."""
        instrument = self.variable.instrument
        if instrument is None:
            return
        skip = len(PREFIX) + len(self.variable.key) + 1
        codes = {item.name[skip:]: item.value() for item in self.items}
        self.score = running_score(instrument, codes, sex, self.total.value())


class OccasionForm(VersionedForm):
    done_on = forms.DateField(label=_("Date of the follow-up"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, occasion: Occasion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.occasion = occasion
        self.stage = occasion.stage
        self.fields["done_on"].initial = timezone.localdate()
        self.blocks: list[FieldBlock | InstrumentBlock] = []
        links = (
            self.stage.stage_variables.select_related(
                "variable", "variable__option_set", "variable__instrument"
            )
            .prefetch_related("variable__option_set__options", *ITEMS_PREFETCH)
            .order_by("sort_order", "id")
        )
        for link in links:
            self._add_variable(link)
        self.goals: list[Goal] = []
        if self.stage.assesses_goals:
            self.goals = list(occasion.enrollment.goals.select_related("variable").order_by("id"))
            for goal in self.goals:
                self.fields[f"outcome-{goal.pk}"] = forms.ChoiceField(
                    label=_("Assessment of the goal: %(text)s") % {"text": goal.text[:80]},
                    choices=[("", _("Not assessed yet")), *Goal.Outcome.choices],
                    required=False,
                    initial=goal.outcome,
                )

    def _add_variable(self, link: StageVariable) -> None:
        v = link.variable
        name = field_name(v.key)
        required_attrs = {"aria-required": "true"} if link.required else {}
        help_text = v.help_text
        if v.type == Variable.Type.INSTRUMENT and v.instrument is not None:
            items = items_of(v.instrument)
            bound_items = []
            for item in items:
                item_name = field_name(f"{v.key}.{item.key}")
                choices = [("", "–")] + [(o.code, o.display) for o in item.option_set.options.all()]
                # The interviewer reads the item as published; the short label is for tables.
                self.fields[item_name] = forms.Field(
                    label=f"{item.number}. {item.text or item.label}",
                    required=False,
                    widget=forms.Select(choices=choices),
                )
                bound_items.append(self[item_name])
            total_label = _("Total (only if the items were not answered)") if items else v.label
            self.fields[name] = forms.Field(
                label=total_label,
                required=False,
                widget=forms.NumberInput(
                    attrs={"step": "1", "inputmode": "numeric", **_bounds(v), **required_attrs}
                ),
                help_text=help_text if not items else "",
            )
            self.blocks.append(InstrumentBlock(v, link, bound_items, self[name]))
            return
        widget: forms.Widget
        if v.type in (Variable.Type.INTEGER, Variable.Type.DECIMAL):
            step = "1" if v.type == Variable.Type.INTEGER else "any"
            mode = "numeric" if v.type == Variable.Type.INTEGER else "decimal"
            widget = forms.NumberInput(
                attrs={"step": step, "inputmode": mode, **_bounds(v), **required_attrs}
            )
        elif v.type == Variable.Type.BOOLEAN:
            widget = forms.RadioSelect(choices=[("1", _("Yes")), ("0", _("No"))])
        elif v.type == Variable.Type.DATE:
            widget = forms.DateInput(attrs={"type": "date", **required_attrs})
        elif v.type == Variable.Type.TEXT:
            widget = forms.Textarea(attrs={"rows": 3, **required_attrs})
        else:
            options = list(v.option_set.options.all()) if v.option_set else []
            choices = [(o.code, o.display) for o in options]
            if v.type == Variable.Type.MULTIPLE:
                widget = forms.CheckboxSelectMultiple(choices=choices)
            elif len(choices) <= 6:
                widget = forms.RadioSelect(choices=choices)
            else:
                widget = forms.Select(choices=[("", "–"), *choices], attrs=required_attrs)
        label = f"{v.label} ({v.unit})" if v.unit else v.label
        self.fields[name] = forms.Field(
            label=label, required=False, widget=widget, help_text=help_text
        )
        self.fields[name].is_required_value = link.required  # type: ignore[attr-defined]
        self.blocks.append(FieldBlock(link, self[name]))

    # --- reading what was typed ---------------------------------------------------------------

    def values(self) -> dict[str, object]:
        """{variable key or "<key>.<item>": raw input} for parse_values."""
        raw: dict[str, object] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(PREFIX) and value not in (None, "", []):
                raw[name[len(PREFIX) :]] = value
        return raw

    def assessments(self) -> list[tuple[Goal, str]]:
        return [
            (goal, self.cleaned_data[f"outcome-{goal.pk}"])
            for goal in self.goals
            if self.cleaned_data.get(f"outcome-{goal.pk}")
        ]

    @staticmethod
    def initial_for(occasion: Occasion) -> dict[str, Any]:
        """Recorded values as initial data, so a done occasion can be corrected."""
        initial: dict[str, Any] = {"note": occasion.note}
        if occasion.done_on:
            initial["done_on"] = occasion.done_on
        for value in occasion.values.select_related("variable", "item", "option"):
            key = value.variable.key + (f".{value.item.key}" if value.item else "")
            name = field_name(key)
            if value.option is not None:
                shown: Any = value.option.code
            elif value.date is not None:
                shown = value.date.isoformat()
            elif value.number is not None:
                if value.variable.type == Variable.Type.BOOLEAN:
                    shown = "1" if value.number else "0"
                else:
                    shown = f"{value.number:g}"
            else:
                shown = value.text
            if value.variable.type == Variable.Type.MULTIPLE:
                initial.setdefault(name, []).append(shown)
            elif value.variable.type == Variable.Type.INSTRUMENT and value.item is None:
                has_items = occasion.values.filter(variable=value.variable, item__isnull=False)
                if not has_items.exists():
                    initial[name] = shown
            else:
                initial[name] = shown
        return initial


class GoalForm(forms.Form):
    """A concrete goal in the same measure as the main problem (the baseline is filled in
    from the value measured where goals are set)."""

    text = forms.CharField(
        label=_("Goal"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Concrete and measurable, e.g. “At most 4 problem days a month”."),
    )
    variable = forms.ModelChoiceField(
        label=_("Measure"), queryset=Variable.objects.none(), required=False
    )
    target = forms.CharField(
        label=_("Target value"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", _("As the measure")), *Direction.choices],
        required=False,
    )

    def __init__(
        self, *args: Any, occasion: Occasion, optional: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "goal")
        super().__init__(*args, **kwargs)
        self.fields["text"].required = not optional
        measures = occasion.enrollment.programme.variables.filter(
            type__in=Variable.NUMERIC_TYPES
        ).exclude(type=Variable.Type.BOOLEAN)
        self.fields["variable"].queryset = measures  # type: ignore[attr-defined]
        main = measures.filter(is_main_measure=True).first()
        if main is not None:
            self.fields["variable"].initial = main.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and data.get("target") is not None:
            self.add_error("text", _("Describe the goal."))
        return data

    def clean_target(self) -> float | None:
        raw = (self.cleaned_data.get("target") or "").strip().replace(" ", "").replace(",", ".")
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("Enter a number.")) from exc


class MissedForm(VersionedForm):
    """Non-response (bortfall): the follow-up could not be done, and why. Versioned: a stale
    page (someone recorded or changed the occasion meanwhile) is re-shown, nothing removed."""

    reason = forms.ModelChoiceField(
        label=_("Reason"),
        queryset=NonResponseReason.objects.filter(active=True),
        empty_label="–",
    )
    on = forms.DateField(label=_("Date"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "missed")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    @staticmethod
    def initial_for(occasion: Occasion) -> dict[str, Any]:
        """The stored non-response, for a form on an occasion already marked as not done."""
        if occasion.status != Occasion.Status.MISSED:
            return {}
        return {"reason": occasion.non_response_reason, "note": occasion.note}


class ExtentForm(forms.Form):
    """What was actually done (step 3): extent and end reason, recorded at the after stage."""

    sessions_planned = forms.IntegerField(label=_("Sessions planned"), min_value=0, required=False)
    sessions_held = forms.IntegerField(label=_("Sessions held"), min_value=0, required=False)
    sessions_missed = forms.IntegerField(label=_("Sessions missed"), min_value=0, required=False)
    ended_on = forms.DateField(label=_("Intervention ended"), widget=DATE, required=False)
    end_reason = forms.ModelChoiceField(
        label=_("End reason"),
        queryset=EndReason.objects.filter(active=True),
        required=False,
        empty_label="–",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "extent")
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(intervention: Any) -> dict[str, Any]:
        return {
            "sessions_planned": intervention.sessions_planned,
            "sessions_held": intervention.sessions_held,
            "sessions_missed": intervention.sessions_missed,
            "ended_on": intervention.ended_on,
            "end_reason": intervention.end_reason_id,
        }


class EnrolForm(forms.Form):
    programme: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label="–"
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]


def today() -> dt.date:
    return timezone.localdate()
