"""Forms of the reports pages. Writes carry the report's version, so a stale submit changes
nothing and says so."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insyn.organisations.models import OrgUnit
from insyn.reports import spec


class ReportCreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Organisation"), queryset=OrgUnit.objects.none())
    template = forms.ChoiceField(label=_("Template"))
    year = forms.IntegerField(label=_("Year"), min_value=2000)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("sv", _("Swedish")), ("en", _("English"))]
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            (key, spec.text(spec.load(key)["title"], "sv") + f" ({key})")
            for key in spec.available()
        ]
        # The committee's quality report first; "catalogue" sorts before it.
        self.fields["template"].initial = "default"
        self.fields["year"].max_value = timezone.localdate().year + 1  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year - 1


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        max_length=20_000,
        help_text=_(
            "Placeholders such as {{ indicator:KEY }}, {{ quality:complaints_answered.received }} "
            "and {{ year }} are replaced by live figures, hidden when the group is too small."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    confirm = forms.BooleanField(
        label=_("I approve this report for the committee: its figures are frozen from now on."),
    )
