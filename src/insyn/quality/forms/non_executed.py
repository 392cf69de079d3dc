"""Forms of the individual report of a non-executed decision (texts, an offer, the record
that a quarter was reported to IVO). Validation of dates and lengths is the service's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.core.concurrency import VersionedForm


class EpisodeTextsForm(VersionedForm):
    not_executed_part = forms.CharField(
        label=_("The part not executed"),
        required=False,
        max_length=200,
        help_text=_("For a partly executed decision, e.g. 2 of 5 hours a week."),
    )
    reason_for_delay = forms.CharField(
        label=_("Reason for the delay"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    consequences = forms.CharField(
        label=_("Consequences for the client"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    interim_interventions = forms.CharField(
        label=_("Interim interventions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OfferForm(forms.Form):
    offered_on = forms.DateField(
        label=_("Offered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label=_("What was offered"), required=False, max_length=300)
    declined = forms.BooleanField(label=_("Declined by the client"), required=False)


class ReportedForm(forms.Form):
    quarter = forms.CharField(label=_("Quarter"), max_length=10, help_text=_("E.g. 2026Q3."))
    reported_on = forms.DateField(
        label=_("Reported to IVO on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
