"""Forms of the deviation pages. The report form is the minute's form: few required fields,
the reporter's unit preselected, today as the date. Forms only parse input; the rules live in
services/deviations.py, whose errors are put back next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from insyn.clients.forms import date_field
from insyn.core.concurrency import VersionedForm
from insyn.quality.models import Deviation, DeviationCategory, RootCause


def _label(obj: Any) -> str:
    return str(getattr(obj, "label", obj))


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def text(label: Any, *, required: bool = True, rows: int = 3, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=10000,
        widget=forms.Textarea({"rows": rows}),
        **kw,
    )


class DeviationReportForm(forms.Form):
    description = text(_("What happened?"), rows=4)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=DeviationCategory.objects.none()
    )
    occurred_on = date_field(_("When did it happen?"), today=True)
    occurred_at = forms.TimeField(label=_("Time (if known)"), required=False, widget=TimeInput())
    unit = forms.ModelChoiceField(
        label=_("Where (unit)"), queryset=DeviationCategory.objects.none()
    )
    immediate_measures = text(_("Immediate measures taken"), required=False, rows=2)
    link_ref = forms.CharField(
        label=_("Client or case reference (optional)"),
        required=False,
        max_length=40,
        help_text=_(
            "Only if the deviation concerns a particular client: it is then restricted and "
            "audited like the client's data."
        ),
    )

    def __init__(self, *args: Any, units: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["category"].queryset = DeviationCategory.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["category"].label_from_instance = _label  # type: ignore[attr-defined]


class StepForm(VersionedForm):
    """A workflow step on the detail page; its prefix is the step's name."""

    op = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.op)
        super().__init__(*args, **kwargs)


class ReceiveForm(StepForm):
    op = "receive"


class InvestigateForm(StepForm):
    op = "investigate"
    investigation_facts = text(_("What happened (investigation)"), rows=4)
    root_causes = forms.ModelMultipleChoiceField(
        label=_("Root causes"),
        queryset=RootCause.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cause_text = text(_("Why it happened"), required=False)
    consequences = text(_("Consequences"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["root_causes"].queryset = RootCause.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["root_causes"].label_from_instance = _label  # type: ignore[attr-defined]


class MeasuresForm(StepForm):
    op = "decide_measures"
    measures_text = text(
        _("Measures"),
        rows=4,
        help_text=_("Follow the measures up in an action plan linked to this deviation."),
    )


class CloseForm(StepForm):
    op = "close"
    feedback = text(_("Feedback to the reporter"), rows=4)


class DpaForm(StepForm):
    op = "dpa"
    dpa_notified_at = forms.DateTimeField(
        label=_("Notified to the data protection authority at"),
        required=False,
        widget=DateTimeInput(),
    )
    dpa_reference = forms.CharField(
        label=_("The authority's reference"), required=False, max_length=60
    )
    dpa_not_notified_reason = text(_("Or: why it was not notified"), required=False, rows=2)


STEP_FORMS: dict[str, type[StepForm]] = {
    f.op: f for f in (ReceiveForm, InvestigateForm, MeasuresForm, CloseForm, DpaForm)
}


def initial_for(deviation: Deviation, op: str) -> dict[str, Any]:
    """What a step form shows of the stored deviation (empty before the step was taken)."""
    if op == "investigate":
        return {
            "investigation_facts": deviation.investigation_facts,
            "root_causes": list(deviation.root_causes.all()),
            "cause_text": deviation.cause_text,
            "consequences": deviation.consequences,
        }
    if op == "decide_measures":
        return {"measures_text": deviation.measures_text}
    if op == "close":
        return {"feedback": deviation.feedback}
    if op == "dpa":
        return {
            "dpa_notified_at": deviation.dpa_notified_at,
            "dpa_reference": deviation.dpa_reference,
            "dpa_not_notified_reason": deviation.dpa_not_notified_reason,
        }
    return {}


class DeviationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *Deviation.State.choices]
    )
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=DeviationCategory.objects.none()
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=DeviationCategory.objects.none()
    )
    date_from = date_field(_("Occurred from"), required=False)
    date_to = date_field(_("Occurred until"), required=False)

    def __init__(self, *args: Any, units: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["category"].queryset = DeviationCategory.objects.all()  # type: ignore[attr-defined]
        self.fields["category"].label_from_instance = _label  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
