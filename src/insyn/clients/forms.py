"""Forms for quick, forgiving data entry: today and the user's own unit as defaults, ISO dates
with the browser's date picker, and grouped choices.

Forms only parse input; the rules live in the services, whose errors are put back next to the
fields with `add_service_errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.accounts.models import User
from insyn.clients.models import (
    Case,
    CaseSource,
    Decision,
    EndReason,
    IntakeReason,
    InterventionType,
    LegalBasis,
    Provider,
    Sex,
)
from insyn.clients.services.interventions import INTERVENTION_FIELDS, SESSION_FIELDS
from insyn.clients.validators import contains_identity_number
from insyn.core.concurrency import VersionedForm
from insyn.organisations.models import OrgUnit

AREA_LABELS = {"adults": _("Adults"), "children": _("Children and young people")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = True, today: bool = False, **kw: Any) -> Any:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        initial=timezone.localdate if today else None,
        **kw,
    )


class IdentityNumberInput(forms.TextInput):
    """Never writes the number back into the page: a re-rendered form asks for it again."""

    def __init__(self) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false"})

    def format_value(self, value: Any) -> str | None:
        return None


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A select with <optgroup>s; set `queryset` in the form's __init__ (evaluated then)."""

    def __init__(self, *, group_by: Callable[[Any], Any], **kwargs: Any) -> None:
        self.group_by = group_by
        kwargs.setdefault("queryset", InterventionType.objects.none())
        super().__init__(**kwargs)

    def _grouped(self) -> list[Any]:
        choices: list[Any] = [("", self.empty_label)] if self.empty_label is not None else []
        groups: dict[str, list[tuple[Any, str]]] = {}
        for obj in self.queryset or ():
            label = str(self.group_by(obj))
            groups.setdefault(label, []).append(
                (self.prepare_value(obj), self.label_from_instance(obj))
            )
        return choices + list(groups.items())

    choices = property(_grouped, forms.ChoiceField.choices.fset)  # type: ignore[union-attr]


class NoEchoForm(forms.Form):
    """A re-rendered form never writes an identity number back into the page, whichever
    field it was typed into (the services refuse it in references and free text)."""

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and any(contains_identity_number(str(v)) for v in self.data.values()):
            data = self.data.copy()  # type: ignore[attr-defined]
            for key, value in self.data.items():
                if contains_identity_number(str(value)):
                    data[key] = ""
            self.data = data


def _label(obj: Model) -> str:
    return str(getattr(obj, "label", obj))


class ClientSearchForm(NoEchoForm):
    q = forms.CharField(label=_("Client reference"), required=False, max_length=40)


class IdentitySearchForm(NoEchoForm):
    """Posted, never sent in the address: addresses end up in logs and the access log."""

    personnummer = forms.CharField(
        label=_("Personal identity or coordination number"),
        max_length=20,
        widget=IdentityNumberInput(),
        help_text=_("YYYYMMDD-NNNN. The number is not saved."),
    )


class ClientRegisterForm(NoEchoForm):
    personnummer = forms.CharField(
        label=_("Personal identity or coordination number"),
        required=False,
        max_length=20,
        widget=IdentityNumberInput(),
        help_text=_("YYYYMMDD-NNNN. Birth date and sex are taken from the number."),
    )
    no_number = forms.BooleanField(
        label=_("The person has no personal identity or coordination number"), required=False
    )
    birth_date = date_field(
        _("Birth date"), required=False, help_text=_("Only without an identity number.")
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", "—"), *Sex.choices],
        help_text=_("Only without an identity number."),
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    client_ref = forms.CharField(
        label=_("Client reference"),
        required=False,
        max_length=40,
        help_text=_("Leave empty to get the next free reference."),
    )

    def __init__(self, *args: Any, units: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["personnummer"].widget.attrs["autofocus"] = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = (data.get("personnummer") or "").strip()
        if data.get("no_number"):
            if number:
                self.add_error(
                    "personnummer",
                    _("Leave the number empty when the person has none."),
                )
        elif not number:
            self.add_error(
                "personnummer",
                _("Enter the number, or tick that the person has none."),
            )
        else:
            data["birth_date"], data["sex"] = None, ""
        return data


class ClientEditForm(VersionedForm, NoEchoForm):
    client_ref = forms.CharField(label=_("Client reference"), max_length=40)
    personnummer = forms.CharField(
        label=_("Personal identity or coordination number"),
        required=False,
        max_length=20,
        widget=IdentityNumberInput(),
        help_text=_("Empty: keep the number the client has (if any)."),
    )
    birth_date = date_field(
        _("Birth date"), required=False, help_text=_("Only without an identity number.")
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])


class CaseOpenForm(NoEchoForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    opened_on = date_field(_("Opened"), today=True)
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=CaseSource.objects.none(), empty_label=None
    )
    reason = GroupedModelChoiceField(
        label=_("Reason for intake"),
        required=False,
        group_by=lambda r: AREA_LABELS.get(r.area, r.area or "–"),
    )
    case_worker = forms.ModelChoiceField(
        label=_("Responsible case worker"), queryset=User.objects.none(), required=False
    )
    case_ref = forms.CharField(
        label=_("Case reference"),
        required=False,
        max_length=40,
        help_text=_("Leave empty to get the next free reference."),
    )

    def __init__(self, *args: Any, units: QuerySet, case_workers: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["source"].queryset = CaseSource.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["reason"].queryset = IntakeReason.objects.filter(active=True).order_by(  # type: ignore[attr-defined]
            "area", "sort_order", "name"
        )
        self.fields["case_worker"].queryset = case_workers  # type: ignore[attr-defined]
        self.fields["case_worker"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.get_full_name() or u.username
        )
        self.fields["source"].label_from_instance = _label  # type: ignore[attr-defined]
        self.fields["reason"].label_from_instance = _label  # type: ignore[attr-defined]


class CaseEditForm(VersionedForm, CaseOpenForm):
    closed_on = date_field(_("Closed"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["case_ref"]


class CaseCloseForm(VersionedForm, NoEchoForm):
    """Close a case; versioned, so closing from a stale page changes nothing."""

    closed_on = date_field(_("Closed"), today=True)

    @staticmethod
    def initial_for(case: Case) -> dict[str, Any]:
        """An open case shows today's date; one closed meanwhile, the day it was closed."""
        return {"closed_on": case.closed_on} if case.closed_on is not None else {}


class DecisionForm(NoEchoForm):
    intervention_type = GroupedModelChoiceField(
        label=_("Intervention type"), group_by=lambda t: t.group.label
    )
    legal_basis = GroupedModelChoiceField(
        label=_("Legal basis"), group_by=lambda b: b.get_law_display()
    )
    decided_on = date_field(_("Decided"), today=True)
    executed_on = date_field(
        _("Executed"), required=False, help_text=_("When the decision was put into effect.")
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea({"rows": 3})
    )
    then_intervention = forms.BooleanField(
        label=_("Record the intervention next"), required=False, initial=True
    )

    def __init__(self, *args: Any, types: QuerySet, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # correcting a recorded decision: the intervention is already there
            del self.fields["then_intervention"]
        self.fields["intervention_type"].queryset = types  # type: ignore[attr-defined]
        self.fields["legal_basis"].queryset = LegalBasis.objects.filter(active=True).order_by(  # type: ignore[attr-defined]
            "law", "sort_order", "name"
        )
        for name in ("intervention_type", "legal_basis"):
            self.fields[name].label_from_instance = _label  # type: ignore[attr-defined]


class DecisionEditForm(VersionedForm, DecisionForm):
    """Correcting a recorded decision: a stale page is caught (see insyn.core.concurrency)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, editing=True, **kwargs)


class InterventionForm(NoEchoForm):
    """What is done for the client; the fields are the services' INTERVENTION_FIELDS."""

    field_order = INTERVENTION_FIELDS

    decision = forms.ModelChoiceField(
        label=_("Decision"), required=False, queryset=Decision.objects.none()
    )
    intervention_type = GroupedModelChoiceField(
        label=_("Intervention type"),
        required=False,
        group_by=lambda t: t.group.label,
        help_text=_("Empty: the type in the decision."),
    )
    provider = forms.ModelChoiceField(
        label=_("Provider"), required=False, queryset=Provider.objects.none()
    )
    started_on = date_field(_("Started"), required=False, today=True)
    ended_on = date_field(_("Ended"), required=False)
    end_reason = forms.ModelChoiceField(
        label=_("End reason"), required=False, queryset=EndReason.objects.none()
    )
    sessions_planned = forms.IntegerField(label=_("Sessions planned"), required=False, min_value=0)
    sessions_held = forms.IntegerField(label=_("Sessions held"), required=False, min_value=0)
    sessions_missed = forms.IntegerField(label=_("Sessions missed"), required=False, min_value=0)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("What was done, in a few words. No identity numbers."),
    )

    def __init__(
        self,
        *args: Any,
        decisions: QuerySet,
        types: QuerySet,
        providers: QuerySet,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions  # type: ignore[attr-defined]
        self.fields["intervention_type"].queryset = types  # type: ignore[attr-defined]
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["end_reason"].queryset = EndReason.objects.filter(active=True)  # type: ignore[attr-defined]
        for name in ("intervention_type", "end_reason"):
            self.fields[name].label_from_instance = _label  # type: ignore[attr-defined]
        self.fields["decision"].label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.decided_on.isoformat()} {d.intervention_type.label}"
        )
        for name in SESSION_FIELDS:
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("intervention_type") and not data.get("decision"):
            self.add_error("intervention_type", _("Choose the intervention type or a decision."))
        if data.get("ended_on") and not data.get("end_reason"):
            self.add_error("end_reason", _("Give the reason the intervention ended."))
        return data


class InterventionEditForm(VersionedForm, InterventionForm):
    """Correcting an intervention: a stale page is caught (see insyn.core.concurrency)."""


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Provider.Kind.choices)
    org_number = forms.CharField(
        label=_("Organisation number"),
        required=False,
        max_length=13,
        help_text=_("Required for external providers, e.g. 556016-0680."),
    )
    intervention_types = forms.ModelMultipleChoiceField(
        label=_("Intervention types"),
        required=False,
        queryset=InterventionType.objects.none(),
        widget=forms.SelectMultiple({"size": 8}),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, types: QuerySet, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intervention_types"].queryset = types  # type: ignore[attr-defined]
        self.fields["intervention_types"].label_from_instance = _label  # type: ignore[attr-defined]
        if editing:
            del self.fields["kind"]
        else:
            del self.fields["active"]
