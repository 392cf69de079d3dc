"""Forms of complaints: the public form (plain language, no login) and the staff forms
(register, and one per step). Checks that need the database or the rules live in
services/complaints.py; the forms only parse, so a message always comes from one place."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.accounts.models import User
from insyn.core.concurrency import VersionedForm
from insyn.core.validation import parse_int
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Complaint, ComplaintTheme
from insyn.quality.services.complaints import NAME_MAX, PHONE_MAX, STAFF_CHANNELS, TEXT_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def theme_choices() -> list[tuple[str, Any]]:
    return [("", _("Choose if you want"))] + [
        (str(t.pk), t.label) for t in ComplaintTheme.objects.filter(active=True)
    ]


class ThemeField(forms.ChoiceField):
    def to_python(self, value: Any) -> ComplaintTheme | None:
        if value in (None, ""):
            return None
        pk = parse_int(value)
        theme = ComplaintTheme.objects.filter(active=True, pk=pk).first() if pk else None
        if theme is None:
            raise forms.ValidationError(_("Choose a theme from the list."), code="invalid_choice")
        return theme

    def validate(self, value: Any) -> None:
        if self.required and value is None:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class PublicComplaintForm(forms.Form):
    """What a citizen, client or relative fills in. Short labels, one question at a time."""

    kind = forms.ChoiceField(
        label=_("What do you want to send?"),
        choices=[
            (Complaint.Kind.COMPLAINT, _("A complaint – something did not work as it should")),
            (Complaint.Kind.SUGGESTION, _("A suggestion – an idea to make things better")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose complaint or suggestion.")},
    )
    text = forms.CharField(
        label=_("Tell us what happened or what you suggest"),
        help_text=_("Write in your own words. Do not write anyone's personal identity number."),
        widget=forms.Textarea(attrs={"rows": 7}),
        strip=True,
        required=False,  # the service says what is missing, in one place
    )
    theme = ThemeField(label=_("What is it about? (optional)"), required=False)
    submitter = forms.ChoiceField(
        label=_("Who are you? (optional)"),
        required=False,
        choices=[("", _("Choose if you want"))]
        + [(v, label) for v, label in Complaint.Submitter.choices if v != "staff"],
    )
    anonymous = forms.BooleanField(
        label=_("I want to be anonymous"),
        required=False,
        help_text=_("Then we do not save your name or contact details, and we cannot answer you."),
    )
    wants_answer = forms.BooleanField(label=_("I want an answer"), required=False)
    contact_name = forms.CharField(
        label=_("Your name (optional)"), required=False, max_length=NAME_MAX * 2
    )
    contact_email = forms.CharField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=400,
        help_text=_("We send a receipt to this address."),
        widget=forms.EmailInput(),
    )
    contact_phone = forms.CharField(
        label=_("Phone (optional)"), required=False, max_length=PHONE_MAX * 2
    )
    # A honeypot: hidden from people (and screen readers), filled in by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = theme_choices()  # type: ignore[attr-defined]
        attrs = {
            "contact_name": {"autocomplete": "name"},
            "contact_email": {"autocomplete": "email", "inputmode": "email"},
            "contact_phone": {"autocomplete": "tel", "inputmode": "tel", "type": "tel"},
            "website": {"autocomplete": "off", "tabindex": "-1"},
            "text": {"maxlength": str(TEXT_MAX)},
        }
        for name, extra in attrs.items():
            self.fields[name].widget.attrs.update(extra)

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class RegisterForm(forms.Form):
    """Staff register one received by phone, letter, e-mail or in person."""

    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Unit"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Complaint.Kind.choices)
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    theme = ThemeField(label=_("Theme"), required=False)
    submitter = forms.ChoiceField(
        label=_("Who wrote"), required=False, choices=[("", "–"), *Complaint.Submitter.choices]
    )
    text = forms.CharField(
        label=_("What it is about"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    contact_name = forms.CharField(label=_("Name"), required=False)
    contact_email = forms.CharField(label=_("E-mail"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), required=False)
    wants_answer = forms.BooleanField(label=_("Wants an answer"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["theme"].choices = theme_choices()  # type: ignore[attr-defined]
        self.fields["received_on"].initial = timezone.localdate()


class AssignForm(VersionedForm):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Unit"))
    handler = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Handler"), required=False
    )
    assigned_on = forms.DateField(label=_("Assigned on"), widget=DATE, required=False)

    def __init__(self, *args: Any, units: Any, handlers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["handler"].queryset = handlers  # type: ignore[attr-defined]


class InvestigateForm(VersionedForm):
    investigation = forms.CharField(
        label=_("Investigation notes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    investigated_on = forms.DateField(
        label=_("Investigation started on"), widget=DATE, required=False
    )


class AnswerForm(VersionedForm):
    answer_text = forms.CharField(
        label=_("Answer given"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE, required=False)


class CloseForm(VersionedForm):
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE, required=False)


STEP_FORMS: dict[str, type[VersionedForm]] = {
    "assign": AssignForm,
    "investigate": InvestigateForm,
    "answer": AnswerForm,
    "close": CloseForm,
}
