"""Writes of the analytics app: favourites (saved analyses). They hold parameters, never
numbers or personal data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from insyn.analytics.aggregate import AnalysisError, validate
from insyn.analytics.models import SavedAnalysis
from insyn.analytics.params import request_from_params
from insyn.core.roles import Action
from insyn.core.scoping import has_action

PARAM_KEYS = ("programme", "variable", "stage", "compare", "by", "age_groups", "from", "to")
LIST_KEYS = ("unit", "version", "variable")


def clean_params(params: dict[str, Any]) -> dict[str, Any]:
    """Only the known parameters, each checked by parsing a request for every variable."""
    cleaned: dict[str, Any] = {}
    for key in PARAM_KEYS + LIST_KEYS:
        value = params.get(key)
        if value in (None, "", []):
            continue
        if key in LIST_KEYS:
            items = value if isinstance(value, list) else [value]
            cleaned[key] = [str(v)[:200] for v in items if str(v).strip()][:20]
        elif isinstance(value, list):
            cleaned[key] = ",".join(str(v) for v in value if str(v).strip())[:200]
        else:
            cleaned[key] = str(value)[:200]
    variables = cleaned.get("variable") or []
    if not variables:
        raise ValidationError(_("Choose at least one variable before saving."))
    for variable in variables:
        try:
            validate(request_from_params({**cleaned, "variable": variable}))
        except AnalysisError as exc:
            raise ValidationError(str(exc)) from exc
    return cleaned


@transaction.atomic
def saved_analysis_create(
    *, actor: Any, name: str, params: dict[str, Any], shared: bool = False
) -> SavedAnalysis:
    if not has_action(actor, Action.VIEW_AGGREGATE):
        raise Http404
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the analysis a name.")})
    if len(name) > 200:
        raise ValidationError({"name": _("The name is too long (at most 200 characters).")})
    return SavedAnalysis.objects.create(
        owner=actor,
        organisation_id=actor.organisation_id,
        name=name,
        params=clean_params(params),
        shared=bool(shared) and actor.organisation_id is not None,
    )


@transaction.atomic
def saved_analysis_delete(*, actor: Any, saved: SavedAnalysis) -> None:
    """Only the owner deletes a favourite; for anyone else it does not exist."""
    if saved.owner_id != getattr(actor, "pk", None):
        raise Http404
    saved.delete()
