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
        # the shipped templates and the own ones of the municipalities the user writes for
        titles: dict[str, str] = {}
        municipalities = {u.municipality_id for u in units if u.municipality_id is not None}
        for mid in sorted(municipalities) or [None]:
            for key in spec.available(mid):
                titles.setdefault(key, spec.text(spec.load(key, mid)["title"], "sv"))
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            (key, f"{title} ({key})") for key, title in sorted(titles.items())
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


class TemplateUploadForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("Template (YAML)"),
        help_text=_(
            "A report template as exported here or shared by another municipality. A template "
            "with a key that exists needs a higher version."
        ),
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 200_000:
            raise forms.ValidationError(_("The file is too large (at most 200 kB)."))
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file must be text in UTF-8.")) from None


class PublishForm(forms.Form):
    """Publish or take down (the button pressed says which); carries the version read."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
