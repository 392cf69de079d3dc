"""Review templates as data: the shipped YAML library, and YAML export and import.

A template never changes under a round that used it: importing a changed template (same
code) makes a new version row and retires the older one from new rounds; an unchanged one is
left alone, so loading the shipped files is idempotent. Duplicate criterion keys or texts are
refused with a message and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from insyn.core.audit import record_change
from insyn.quality.models import ReviewCriterion, ReviewTemplate

if TYPE_CHECKING:
    from insyn.organisations.models import OrgUnit

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "review_templates"
CRITERION_FIELDS = ("key", "text", "help_text", "allow_partly", "data_rule")


def template_data(template: ReviewTemplate) -> dict[str, Any]:
    """The template as plain data (what the YAML file holds)."""
    return {
        "code": template.code,
        "title": template.title,
        "description": template.description,
        "operating_area": template.operating_area,
        "criteria": [
            {
                "key": c.key,
                "text": c.text,
                "help_text": c.help_text,
                "allow_partly": c.allow_partly,
                "data_rule": c.data_rule,
            }
            for c in template.criteria.order_by("order", "id")
        ],
    }


def template_yaml(template: ReviewTemplate) -> str:
    return yaml.safe_dump(template_data(template), allow_unicode=True, sort_keys=False, width=100)


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def parse_template(data: Any) -> dict[str, Any]:
    """Check and normalise template data; a ValidationError (dict) names every problem."""
    if not isinstance(data, dict):
        raise ValidationError({"file": [_("The file does not describe a review template.")]})
    errors: list[str] = []
    code = slugify(_text(data.get("code")))
    title = _text(data.get("title"))
    if not code:
        errors.append(_("The template needs a code."))
    if not title:
        errors.append(_("The template needs a title."))
    raw = data.get("criteria")
    if not isinstance(raw, list) or not raw:
        errors.append(_("The template needs at least one criterion."))
        raw = []
    rules = set(ReviewCriterion.DataRule.values)
    criteria: list[dict[str, Any]] = []
    keys: set[str] = set()
    texts: set[str] = set()
    for n, row in enumerate(raw, start=1):
        if not isinstance(row, dict):
            errors.append(_("Criterion %(n)s is not a mapping.") % {"n": n})
            continue
        text = _text(row.get("text"))
        key = slugify(_text(row.get("key")) or text)[:60]
        rule = _text(row.get("data_rule"))
        if not text:
            errors.append(_("Criterion %(n)s has no text.") % {"n": n})
        if key in keys:
            errors.append(_("Criterion key “%(key)s” occurs more than once.") % {"key": key})
        if text and text.casefold() in texts:
            errors.append(_("Criterion “%(text)s” occurs more than once.") % {"text": text})
        if rule and rule not in rules:
            errors.append(
                _("Criterion %(n)s: unknown data rule “%(rule)s”.") % {"n": n, "rule": rule}
            )
        keys.add(key)
        texts.add(text.casefold())
        criteria.append(
            {
                "key": key,
                "text": text,
                "help_text": _text(row.get("help_text")),
                "allow_partly": bool(row.get("allow_partly", True)),
                "data_rule": rule,
            }
        )
    if errors:
        raise ValidationError({"file": errors})
    return {
        "code": code,
        "title": title,
        "description": _text(data.get("description")),
        "operating_area": _text(data.get("operating_area")),
        "criteria": criteria,
    }


def _same(template: ReviewTemplate, clean: dict[str, Any]) -> bool:
    return template_data(template) == clean


@transaction.atomic
def template_import(
    *, actor: Any, data: Any, municipality: OrgUnit | None
) -> tuple[ReviewTemplate, bool]:
    """Store `data` as the newest version of its template; (template, created).

    `municipality` None is the shipped library (the system only)."""
    clean = parse_template(data)
    versions = ReviewTemplate.objects.select_for_update().filter(
        municipality=municipality, code=clean["code"]
    )
    latest = versions.order_by("-version").first()
    if latest is not None and _same(latest, clean):
        return latest, False
    template = ReviewTemplate.objects.create(
        municipality=municipality,
        code=clean["code"],
        version=(latest.version + 1) if latest else 1,
        title=clean["title"],
        description=clean["description"],
        operating_area=clean["operating_area"],
    )
    for order, row in enumerate(clean["criteria"], start=1):
        ReviewCriterion.objects.create(template=template, order=order * 10, **row)
    versions.exclude(pk=template.pk).filter(active=True).update(active=False)
    if actor is not None or municipality is not None:
        # The shipped library loaded by the system is catalogue data, like the YAML
        # catalogues `insyn catalogues load` upserts without a change entry; a person's import
        # or a municipality's own template is audited where its auditors see it.
        record_change(actor=actor, action="create", obj=template, after=clean)
    return template, True


def template_import_yaml(
    *, actor: Any, text: str, municipality: OrgUnit | None
) -> tuple[ReviewTemplate, bool]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(
            {"file": [_("The file is not valid YAML: %(e)s") % {"e": exc}]}
        ) from None
    return template_import(actor=actor, data=data, municipality=municipality)


def ensure_shipped_templates() -> int:
    """Load the shipped library (idempotent); the number of template versions created."""
    created = 0
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        _, new = template_import_yaml(
            actor=None, text=path.read_text(encoding="utf-8"), municipality=None
        )
        created += int(new)
    return created


def templates_for(municipality: OrgUnit | None) -> Any:
    """Active templates a municipality may use: the shipped ones and its own."""
    from django.db.models import Q

    q = Q(municipality__isnull=True)
    if municipality is not None:
        q |= Q(municipality=municipality)
    return ReviewTemplate.objects.filter(q, active=True).order_by("title", "-version")
