"""Forms of the lex Sarah pages. They only parse; the services decide (dates in the future,
steps out of order, IVO without a seriousness decision) and their messages are put back on
the fields with `add_service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.accounts.models import User
from insyn.core.concurrency import VersionedForm
from insyn.organisations.models import OrgUnit
from insyn.quality.models import LexSarahReport


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = True, today: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        initial=timezone.localdate if today else None,
    )


def text_field(label: Any, *, required: bool = True, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class ReportForm(forms.Form):
    """A lex Sarah report: what happened, where, and what was done at once."""

    kind = forms.ChoiceField(
        label=_("What do you report?"),
        choices=LexSarahReport.Kind.choices,
        widget=forms.RadioSelect,
    )
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Unit concerned"), queryset=OrgUnit.objects.none()
    )
    occurred_on = date_field(_("When did it happen?"), required=False, today=False)
    description = text_field(_("What happened?"), rows=6)
    client_ref = forms.CharField(
        label=_("Client reference (optional)"),
        required=False,
        max_length=40,
        help_text=_("Only a reference of a client you work with; never an identity number."),
    )
    immediate_action = text_field(_("Immediate protective action taken"), required=False)
    immediate_action_on = date_field(_("Action taken on"), required=False, today=False)

    def __init__(self, *args: Any, units: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ProtectForm(VersionedForm):
    immediate_action = text_field(_("Immediate protective action"))
    immediate_action_on = date_field(_("Action taken on"))


class RegisterForm(VersionedForm):
    registered_on = date_field(_("Registered on"))


class StartInvestigationForm(VersionedForm):
    investigation_started_on = date_field(_("Investigation started on"))


class InvestigationForm(VersionedForm):
    investigation_what = text_field(_("What happened?"), required=False)
    investigation_why = text_field(_("Why did it happen?"), required=False)
    investigation_prevention = text_field(
        _("How is it prevented from happening again?"), required=False
    )
    consequences = text_field(_("Consequences for the person(s) concerned"), required=False)
    investigation_done_on = date_field(
        _("Investigation finished on (leave empty for a draft)"), required=False, today=False
    )


class MeasuresForm(VersionedForm):
    measures_text = text_field(_("Measures"))
    measures_on = date_field(_("Measures decided on"))


SERIOUS_CHOICES = [("yes", _("Yes, serious")), ("no", _("No, not serious"))]


class AssessForm(VersionedForm):
    serious = forms.TypedChoiceField(
        label=_("Is the maladministration serious?"),
        choices=SERIOUS_CHOICES,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    seriousness_reasons = text_field(_("Reasons for the assessment"))
    seriousness_decided_on = date_field(_("Decided on"))
    investigation_continuation = text_field(_("How the investigation goes on"), required=False)


class NotifyIvoForm(VersionedForm):
    ivo_notified_on = date_field(_("Notification sent to IVO on"))
    ivo_reference = forms.CharField(label=_("IVO's reference"), required=False, max_length=60)


class InformedForm(VersionedForm):
    affected_informed_on = date_field(
        _("Person concerned informed on"), required=False, today=False
    )
    affected_views = text_field(_("Views of the person concerned"), required=False, rows=3)
    relatives_informed_on = date_field(_("Relatives informed on"), required=False, today=False)
    relatives_views = text_field(_("Views of relatives"), required=False, rows=3)


class CloseForm(VersionedForm):
    closed_on = date_field(_("Closed on"))


class NonCaseForm(VersionedForm):
    non_case_position = text_field(_("Position: why this is not a maladministration"))
    closed_on = date_field(_("Closed on"))


STEP_FORMS: dict[str, type[VersionedForm]] = {
    "protect": ProtectForm,
    "register": RegisterForm,
    "start_investigation": StartInvestigationForm,
    "record_investigation": InvestigationForm,
    "decide_measures": MeasuresForm,
    "assess": AssessForm,
    "notify_ivo": NotifyIvoForm,
    "record_informed": InformedForm,
    "close": CloseForm,
    "close_non_case": NonCaseForm,
}

# which report fields a step's form shows as its starting values
STEP_INITIAL: dict[str, tuple[str, ...]] = {
    "protect": ("immediate_action", "immediate_action_on"),
    "record_investigation": (
        "investigation_what",
        "investigation_why",
        "investigation_prevention",
        "consequences",
        "investigation_done_on",
    ),
    "decide_measures": ("measures_text", "measures_on"),
    "record_informed": (
        "affected_informed_on",
        "affected_views",
        "relatives_informed_on",
        "relatives_views",
    ),
}


class GrantForm(forms.Form):
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Give read access to"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.get_full_name() or u.username} ({u.username})"
        )
