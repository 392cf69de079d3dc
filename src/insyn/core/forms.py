from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insyn.core.selectors import AuditFilter


class AuditFilterForm(forms.Form):
    log = forms.ChoiceField(
        label=_("Log"),
        choices=[
            ("access", _("Reads")),
            ("change", _("Changes")),
            ("denied", _("Denied attempts (outside scope)")),
        ],
        required=False,
        initial="access",
    )
    actor = forms.CharField(label=_("User (username)"), required=False, max_length=150)
    client = forms.CharField(
        label=_("Client reference"),
        required=False,
        max_length=40,
        help_text=_("E.g. K-000001. Finds only clients you may read."),
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    action = forms.CharField(label=_("Action"), required=False, max_length=40)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data

    def to_filter(self) -> AuditFilter:
        if not self.is_bound:
            return AuditFilter()
        data = self.cleaned_data
        return AuditFilter(
            actor=data.get("actor") or "",
            client_ref=(data.get("client") or "").strip(),
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    @property
    def selected_log(self) -> str:
        return (
            self.cleaned_data.get("log") if self.is_bound and self.is_valid() else ""
        ) or "access"


def add_service_errors(
    form: forms.BaseForm, exc: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError next to the fields it names (`field_map` renames a
    service key to a form field); the rest goes above the form."""
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            name = field_map.get(key, key)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)
