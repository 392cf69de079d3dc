from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insyn.organisations.models import OrgUnit


class OrgUnitCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("Short and unique within the parent, e.g. BOF.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)

    def __init__(self, *args: Any, parent: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = OrgUnit.CHILD_KINDS[parent.kind]
        self.fields["kind"].choices = [(k, OrgUnit.Kind(k).label) for k in kinds]  # type: ignore[attr-defined]


class OrgUnitUpdateForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    active = forms.BooleanField(label=_("Active"), required=False)
