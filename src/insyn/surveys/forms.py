"""Forms of the staff pages; they parse input, the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.core.validation import parse_int
from insyn.followup.models import NonResponseReason
from insyn.organisations.models import OrgUnit
from insyn.surveys.models import Invitation, Questionnaire, Response
from insyn.surveys.results import DIMENSIONS


def _days(value: str) -> list[int]:
    out = []
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        days = parse_int(part)
        if days is None or not 1 <= days <= 90:
            raise forms.ValidationError(_("Give whole days between 1 and 90, e.g. 7, 14."))
        out.append(days)
    return out


class InviteForm(forms.Form):
    prefix = "invite"
    response = forms.TypedChoiceField(label=_("Respondent"), coerce=int)
    channel = forms.ChoiceField(
        label=_("How the link reaches them"), choices=Invitation.Channel.choices
    )
    contact = forms.CharField(
        label=_("E-mail or mobile number"),
        required=False,
        max_length=200,
        help_text=_("Not needed when you hand the link over yourself."),
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES)
    expires_in_days = forms.IntegerField(
        label=_("Link works for (days)"), initial=30, min_value=1, max_value=120
    )
    # No reminder by default: the first channel offered is a link handed over, which cannot
    # be reminded of (the service refuses the pair), so defaults never contradict each other.
    reminder_days = forms.CharField(
        label=_("Reminders after (days)"),
        required=False,
        initial="",
        help_text=_(
            "Only for e-mail and text messages. Comma-separated, e.g. 7, 14. "
            "Never sent once an answer has come."
        ),
    )

    def __init__(self, *args: Any, responses: list[Response], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["response"]
        field.choices = [(r.pk, r.get_respondent_role_display()) for r in responses if r.is_open]

    def clean_reminder_days(self) -> list[int]:
        return _days(self.cleaned_data.get("reminder_days") or "")


class NonResponseForm(forms.Form):
    prefix = "nr"
    response = forms.TypedChoiceField(label=_("Respondent"), coerce=int)
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=NonResponseReason.objects.filter(active=True)
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, responses: list[Response], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["response"]
        field.choices = [(r.pk, r.get_respondent_role_display()) for r in responses if r.is_open]


class ModeForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How were the answers collected?"),
        choices=[
            (Response.Mode.DIALOG, Response.Mode.DIALOG.label),
            (Response.Mode.NEUTRAL, Response.Mode.NEUTRAL.label),
        ],
        widget=forms.RadioSelect,
        initial=Response.Mode.DIALOG,
    )


class MessageForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    subject = forms.CharField(label=_("Subject (e-mail)"), required=False, max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("{link} is replaced by the personal link when the message is sent."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Questionnaire file (YAML)"))


class RoundForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Questionnaire.objects.none()
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    opens_on = forms.DateField(label=_("Opens"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, questionnaires: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + dt.timedelta(days=28)


class RoundInviteForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How the links reach people"), choices=Invitation.Channel.choices
    )
    count = forms.IntegerField(
        label=_("Number of links to hand out"),
        required=False,
        min_value=1,
        max_value=5000,
        help_text=_("For links handed over or printed."),
    )
    contacts = forms.CharField(
        label=_("E-mail addresses or mobile numbers, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reminder_days = forms.CharField(
        label=_("Reminders after (days)"),
        required=False,
        initial="",
        help_text=_("Only for e-mail and text messages. Comma-separated, e.g. 7, 14."),
    )

    def clean_reminder_days(self) -> list[int]:
        return _days(self.cleaned_data.get("reminder_days") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contacts = [c.strip() for c in (data.get("contacts") or "").splitlines() if c.strip()]
        data["contacts"] = contacts
        if data.get("channel") == Invitation.Channel.HANDED:
            if not data.get("count"):
                self.add_error("count", _("How many links?"))
        elif not contacts:
            self.add_error("contacts", _("Give at least one recipient."))
        return data


class ResultsForm(forms.Form):
    questionnaire = forms.ChoiceField(label=_("Questionnaire"))
    by = forms.MultipleChoiceField(
        label=_("Break down by"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("role", _("Respondent")),
            ("unit", _("Unit")),
            ("provider", _("Provider")),
            ("period", _("Year")),
        ],
    )

    def __init__(self, *args: Any, keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].choices = keys  # type: ignore[attr-defined]

    def clean_by(self) -> list[str]:
        return [d for d in DIMENSIONS if d in (self.cleaned_data.get("by") or [])]
