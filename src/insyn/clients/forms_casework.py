"""Forms for investigations, appeals and the execution of a decision. They only parse input;
the date rules live in the services (insyn.clients.services.investigations, .appeals,
.execution), whose messages are put back next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from insyn.clients.forms import NoEchoForm, date_field
from insyn.clients.models import Appeal, ExtentUnit, Investigation
from insyn.core.concurrency import VersionedForm


def _choices(choices: Any) -> list[tuple[str, Any]]:
    return [("", "–"), *choices]


class InvestigationForm(VersionedForm, NoEchoForm):
    started_on = date_field(_("Investigation started"), today=True)
    completed_on = date_field(_("Investigation completed"), required=False)
    extended_on = date_field(
        _("Decision to extend"),
        required=False,
        help_text=_("Needed when the investigation lasts more than four months."),
    )
    extension_reason = forms.CharField(
        label=_("Reason for the extension"), required=False, widget=forms.Textarea({"rows": 2})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=_choices(Investigation.Outcome.choices)
    )
    case_worker: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Investigating case worker"), required=False, queryset=None
    )

    def __init__(self, *args: Any, case_workers: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_worker"].queryset = case_workers  # type: ignore[attr-defined]


class AppealForm(VersionedForm, NoEchoForm):
    appealed_on = date_field(_("Appealed"), today=True)
    court = forms.ChoiceField(
        label=_("Court"), choices=Appeal.Court.choices, initial=Appeal.Court.ADMINISTRATIVE
    )
    court_reference = forms.CharField(label=_("Court case number"), required=False, max_length=40)
    decided_on = date_field(_("Court decided"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=_choices(Appeal.Outcome.choices)
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea({"rows": 2})
    )


class ExecutionForm(VersionedForm, NoEchoForm):
    executed_on = date_field(_("Executed"), required=False)
    interrupted_on = date_field(_("Execution interrupted"), required=False)
    resumed_on = date_field(_("Execution resumed"), required=False)
    extent_unit = forms.ChoiceField(
        label=_("Unit of extent"), required=False, choices=_choices(ExtentUnit.choices)
    )
    granted_extent = forms.DecimalField(
        label=_("Granted extent"), required=False, max_digits=7, decimal_places=2
    )
    executed_extent = forms.DecimalField(
        label=_("Executed extent"),
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text=_("For partial execution, e.g. 3 of 5 hours a week."),
    )
    ended_unexecuted_on = date_field(_("Ended without execution"), required=False)
    ended_unexecuted_reason = forms.CharField(
        label=_("Why it ended without execution"), required=False, max_length=200
    )
