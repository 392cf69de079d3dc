"""The questionnaires insyn ships (fixtures/questionnaires/*.yaml): loading them, and how a
shipped correction becomes a new version beside an installation's older ones. Split from
services/questionnaires.py, which holds the import, export and version steps it uses."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from insyn.organisations.models import OrgUnit
from insyn.surveys.models import Questionnaire
from insyn.surveys.services.questionnaires import TEMPLATES_DIR, questionnaire_import


def template_files() -> list[Path]:
    return sorted(TEMPLATES_DIR.glob("*.yaml"))


def _shipped_text(text: str) -> str:
    """A shipped file as it is loaded here. A correction ships as a new version of the file
    (docs/surveys.md), which loading adds beside the installation's older ones; but it never
    brings back a questionnaire the installation has withdrawn: when the key has a retired
    version and no published one, the file's version is loaded as a draft, to be published
    (or not) by whoever withdrew it."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or data.get("status") != Questionnaire.Status.PUBLISHED:
        return text
    versions = Questionnaire.objects.filter(key=data.get("key"))
    withdrawn = (
        versions.filter(status=Questionnaire.Status.RETIRED).exists()
        and not versions.filter(status=Questionnaire.Status.PUBLISHED).exists()
    )
    if not withdrawn:
        return text
    return yaml.safe_dump(
        {**data, "status": Questionnaire.Status.DRAFT.value}, allow_unicode=True, sort_keys=False
    )


@transaction.atomic
def templates_load(*, owner: OrgUnit | None = None) -> dict[str, str]:
    """Load the questionnaires we ship (idempotent). Owned by the nation, so every unit sees
    them; returns "key vN" -> what happened. A file with a new version number (a shipped
    correction) adds that version and publishes it; older versions and their answers stay."""
    if owner is None:
        owner = OrgUnit.objects.filter(kind=OrgUnit.Kind.NATION).order_by("pk").first()
        if owner is None:
            raise ValidationError(_("Load the organisation reference first (insyn orgs)."))
    results = {}
    for path in template_files():
        questionnaire, what = questionnaire_import(
            actor=None, text=_shipped_text(path.read_text(encoding="utf-8")), owner=owner
        )
        results[f"{questionnaire.key} v{questionnaire.version}"] = what
    return results
