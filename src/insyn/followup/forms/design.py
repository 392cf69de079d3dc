"""Forms of the design pages. They parse input into the shapes the design services take;
the rules themselves live in insyn.followup.spec, shared with the YAML import."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.clients.models import InterventionType
from insyn.core.validation import parse_int
from insyn.followup import selectors
from insyn.followup.models import Direction, Instrument, OptionSet, Programme, Stage, Variable
from insyn.followup.spec import (
    STAGE_FIELDS,
    OptionSetSpec,
    OptionSpec,
    StageSpec,
    VariableSpec,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'– ' * max(obj.depth - 2, 0)}{obj.name}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'– ' * max(obj.depth - 3, 0)}{obj.name}"


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    key = forms.CharField(
        label=_("Key"),
        max_length=60,
        help_text=_("Short and unique, lowercase, e.g. missbruk-vuxna. Used in files and exports."),
    )
    owner = UnitChoiceField(
        label=_("Owner"),
        queryset=None,
        help_text=_("The organisation that maintains the programme; units below it use it."),
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea, required=False)
    target_group = forms.CharField(label=_("Target group"), widget=forms.Textarea, required=False)
    intervention_types = forms.ModelMultipleChoiceField(
        label=_("Intervention types"),
        queryset=InterventionType.objects.filter(active=True).order_by("sort_order", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Clients are included when one of these starts. None ticked: any type."),
    )
    units = UnitMultipleChoiceField(
        label=_("Units"),
        queryset=None,
        required=False,
        help_text=_(
            "Only interventions in these units' cases. None chosen: every unit below the owner."
        ),
    )
    auto_enroll = forms.BooleanField(
        label=_("Enrol automatically when a matching intervention starts"),
        required=False,
        initial=True,
    )
    sampling = forms.ChoiceField(
        label=_("Sample"),
        choices=Programme.Sampling.choices,
        widget=forms.RadioSelect,
        initial=Programme.Sampling.ALL,
    )
    sampling_days = forms.CharField(
        label=_("Birth days"),
        required=False,
        initial="5, 15, 25",
        help_text=_("For the birth-day sample: days of the month, separated by commas."),
    )
    sampling_from = forms.DateField(label=_("Intake from"), required=False, widget=DATE)
    sampling_to = forms.DateField(label=_("Intake to"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.design_owners(user)  # type: ignore[attr-defined]
        self.fields["units"].queryset = selectors.inclusion_units(user)  # type: ignore[attr-defined]

    def clean_sampling_days(self) -> list[int]:
        raw = self.cleaned_data.get("sampling_days") or ""
        parts = [p for p in re.split(r"[\s,;]+", raw) if p]
        numbers = [parse_int(p, maximum=100_000) for p in parts]
        if any(n is None for n in numbers):
            raise forms.ValidationError(_("Write whole numbers separated by commas."))
        return [n for n in numbers if n is not None]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sampling") != Programme.Sampling.BIRTH_DAYS:
            data["sampling_days"] = []
        if data.get("sampling") != Programme.Sampling.PERIOD:
            data["sampling_from"] = data["sampling_to"] = None
        return data

    @staticmethod
    def initial_for(programme: Programme) -> dict[str, Any]:
        return {
            "name": programme.name,
            "key": programme.key,
            "owner": programme.owner_id,
            "purpose": programme.purpose,
            "target_group": programme.target_group,
            "intervention_types": list(programme.intervention_types.all()),
            "units": list(programme.units.all()),
            "auto_enroll": programme.auto_enroll,
            "sampling": programme.sampling,
            "sampling_days": ", ".join(str(d) for d in programme.sampling_days) or "5, 15, 25",
            "sampling_from": programme.sampling_from,
            "sampling_to": programme.sampling_to,
        }


class StageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    key = forms.CharField(
        label=_("Key"), max_length=40, help_text=_("Lowercase, e.g. before. Used in exports.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Stage.Kind.choices)
    anchor = forms.ChoiceField(label=_("Anchored to"), choices=Stage.Anchor.choices)
    offset_days = forms.IntegerField(
        label=_("Days after the anchor"),
        initial=0,
        help_text=_("Negative for before it, e.g. -7."),
    )
    window_before_days = forms.IntegerField(
        label=_("Window opens, days before"), min_value=0, initial=14
    )
    window_after_days = forms.IntegerField(
        label=_("Window closes, days after"), min_value=0, initial=30
    )
    sets_goals = forms.BooleanField(label=_("Goals are set here"), required=False)
    assesses_goals = forms.BooleanField(label=_("Goals are assessed here"), required=False)
    sort_order = forms.IntegerField(
        label=_("Order"), min_value=0, required=False, help_text=_("Lower numbers come first.")
    )

    def spec(self) -> StageSpec:
        d = self.cleaned_data
        return StageSpec(**{**{n: d[n] for n in STAGE_FIELDS}, "key": d["key"].strip()})

    @staticmethod
    def initial_for(stage: Stage) -> dict[str, Any]:
        return {n: getattr(stage, n) for n in (*STAGE_FIELDS, "sort_order")}


class VariableForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=200)
    key = forms.CharField(
        label=_("Key"), max_length=40, help_text=_("Lowercase, e.g. problem_days. Used in exports.")
    )
    type = forms.ChoiceField(label=_("Type"), choices=Variable.Type.choices)
    option_set = forms.ModelChoiceField(
        label=_("Option set"),
        queryset=OptionSet.objects.order_by("name"),
        to_field_name="key",
        required=False,
        help_text=_("For single and multiple choice."),
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.order_by("name"),
        to_field_name="key",
        required=False,
        help_text=_("For the instrument type."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    min_value = forms.FloatField(label=_("Lowest value"), required=False)
    max_value = forms.FloatField(label=_("Highest value"), required=False)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", _("Not applicable")), *Direction.choices],
        required=False,
    )
    is_main_measure = forms.BooleanField(
        label=_("Main problem measure (measured before and after)"), required=False
    )
    help_text = forms.CharField(
        label=_("Help text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, required=False)

    def spec(self) -> VariableSpec:
        d = self.cleaned_data
        return VariableSpec(
            key=d["key"].strip(),
            label=d["label"],
            type=d["type"],
            help_text=d["help_text"],
            option_set=d["option_set"].key if d["option_set"] else "",
            instrument=d["instrument"].key if d["instrument"] else "",
            unit=d["unit"],
            min_value=d["min_value"],
            max_value=d["max_value"],
            direction=d["direction"],
            is_main_measure=d["is_main_measure"],
        )

    @staticmethod
    def initial_for(variable: Variable) -> dict[str, Any]:
        names = ["label", "key", "type", "unit", "min_value", "max_value", "direction"]
        names += ["is_main_measure", "help_text", "sort_order"]
        initial = {n: getattr(variable, n) for n in names}
        initial["option_set"] = variable.option_set.key if variable.option_set else None
        initial["instrument"] = variable.instrument.key if variable.instrument else None
        return initial


OPTION_LINE = re.compile(r"\s*[;|]\s*")


class OptionSetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    key = forms.CharField(label=_("Key"), max_length=60, help_text=_("Lowercase, e.g. housing."))
    owner = UnitChoiceField(label=_("Owner"), queryset=None)
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One option per line: code; label; points (optional); English label (optional); "
            "write “missing” last for don't know / not applicable."
        ),
    )

    def __init__(
        self, *args: Any, user: User | AnonymousUser, with_owner: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if with_owner:
            self.fields["owner"].queryset = selectors.design_owners(user)  # type: ignore[attr-defined]
        else:
            del self.fields["owner"]

    def clean_options(self) -> list[OptionSpec]:
        options = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = OPTION_LINE.split(line.strip())
            missing = len(parts) > 2 and parts[-1].lower() in {"missing", "saknas", "vet ej"}
            if missing:
                parts = parts[:-1]
            parts += [""] * (4 - len(parts))
            if len(parts) > 4:
                raise forms.ValidationError(_("Line %(n)s has too many parts.") % {"n": number})
            code, label, points, label_en = parts
            value = None
            if points:
                try:
                    value = float(points.replace(",", "."))
                except ValueError as exc:
                    raise forms.ValidationError(
                        _("Line %(n)s: the points must be a number.") % {"n": number}
                    ) from exc
            options.append(OptionSpec(code, label, label_en, value, missing))
        return options

    def spec(self) -> OptionSetSpec:
        d = self.cleaned_data
        return OptionSetSpec(key=d["key"].strip(), name=d["name"], options=d["options"])

    @staticmethod
    def initial_for(option_set: OptionSet) -> dict[str, Any]:
        lines = []
        for o in option_set.options.all():
            parts = [o.code, o.label]
            if o.value is not None or o.label_en:
                parts.append("" if o.value is None else f"{o.value:g}")
            if o.label_en:
                parts.append(o.label_en)
            if o.is_missing:
                parts.append("missing")
            lines.append("; ".join(parts))
        return {
            "name": option_set.name,
            "key": option_set.key,
            "owner": option_set.owner_id,
            "options": "\n".join(lines),
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Programme file (YAML)"))
    owner = UnitChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        help_text=_("Leave empty to use the owner named in the file."),
    )
    new_version = forms.BooleanField(
        label=_("If this version exists and differs, import it as a new version"),
        required=False,
    )
    publish = forms.BooleanField(label=_("Publish after importing"), required=False)

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.design_owners(user)  # type: ignore[attr-defined]

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError(_("The file is too large (at most 1 MB)."))
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from exc


class StageVariablesForm(forms.Form):
    """One row per programme variable: collected at this stage? required?"""

    def __init__(self, *args: Any, stage: Stage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        links = {sv.variable_id: sv for sv in stage.stage_variables.all()}
        self.rows = []
        for v in stage.programme.variables.order_by("sort_order", "id"):
            link = links.get(v.pk)
            self.fields[f"collect_{v.pk}"] = forms.BooleanField(
                label=_("Collect %(label)s") % {"label": v.label},
                required=False,
                initial=link is not None,
            )
            self.fields[f"required_{v.pk}"] = forms.BooleanField(
                label=_("%(label)s is required") % {"label": v.label},
                required=False,
                initial=bool(link and link.required),
            )
            self.rows.append((v, self[f"collect_{v.pk}"], self[f"required_{v.pk}"]))

    def links(self) -> list[tuple[Variable, bool]]:
        return [
            (v, bool(self.cleaned_data[f"required_{v.pk}"]))
            for v, _c, _r in self.rows
            if self.cleaned_data[f"collect_{v.pk}"]
        ]
