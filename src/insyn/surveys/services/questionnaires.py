"""Questionnaire versions: YAML import/export that round-trips, publish, retire, new version.

A published version is never changed in place: importing different content under a published
key and version is refused, and `questionnaire_new_version` copies it into a new draft.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.text import slugify
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.core.versioning import version_new, version_publish, version_retire
from insyn.organisations.models import OrgUnit
from insyn.surveys.models import (
    BbicArea,
    QualityCriterion,
    Question,
    Questionnaire,
    QuestionOption,
    RespondentRole,
    Section,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "questionnaires"

# Field order in the YAML, with each field's default (left out of the file when equal).
HEAD_FIELDS: list[tuple[str, Any]] = [
    ("name", None),
    ("name_en", ""),
    ("description", ""),
    ("description_en", ""),
    ("anonymous", False),
]
SECTION_FIELDS: list[tuple[str, Any]] = [
    ("title", None),
    ("title_en", ""),
    ("intro", ""),
    ("intro_en", ""),
    ("respondent_role", ""),
    ("min_age", None),
]
QUESTION_FIELDS: list[tuple[str, Any]] = [
    ("type", None),
    ("text", None),
    ("text_en", ""),
    ("help", ""),
    ("help_en", ""),
    ("required", False),
    ("low_label", ""),
    ("low_label_en", ""),
    ("high_label", ""),
    ("high_label_en", ""),
    ("allow_unknown", False),
    ("min_value", None),
    ("max_value", None),
    ("respondent_role", ""),
    ("bbic_area", ""),
    ("quality_criterion", None),
    ("topic", ""),
    ("min_age", None),
]
HEAD_NAMES = tuple(name for name, _default in HEAD_FIELDS)
OPTION_FIELDS: list[tuple[str, Any]] = [
    ("label", None),
    ("label_en", ""),
    ("value", None),
    ("is_missing", False),
]


# --- export ---------------------------------------------------------------------------------


def _fields(obj: Any, spec: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, default in spec:
        value = getattr(obj, name)
        if name == "quality_criterion":
            value = value.code if value is not None else None
        if default is None and value is None and name not in {"name", "title", "type", "text"}:
            continue
        if default is not None and value == default:
            continue
        out[name] = value
    return out


# What `questionnaire_to_dict` reads, for a list of questionnaires: three queries in all.
QUESTIONS_PREFETCH = (
    "sections",
    Prefetch("sections__questions", queryset=Question.objects.select_related("quality_criterion")),
    "sections__questions__options",
)


def questionnaire_to_dict(questionnaire: Questionnaire) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": questionnaire.key,
        "version": questionnaire.version,
        "status": questionnaire.status,
    }
    data.update(_fields(questionnaire, HEAD_FIELDS))
    sections = []
    for section in questionnaire.sections.all():
        s = {"key": section.key, **_fields(section, SECTION_FIELDS)}
        questions = []
        prefetched = "questions" in getattr(section, "_prefetched_objects_cache", {})
        rows = section.questions.all()  # a list prefetches them (QUESTIONS_PREFETCH)
        for question in rows if prefetched else rows.select_related("quality_criterion"):
            q = {"key": question.key, **_fields(question, QUESTION_FIELDS)}
            options = [
                {"code": o.code, **_fields(o, OPTION_FIELDS)} for o in question.options.all()
            ]
            if options:
                q["options"] = options
            questions.append(q)
        s["questions"] = questions
        sections.append(s)
    data["sections"] = sections
    return data


def questionnaire_export(questionnaire: Questionnaire) -> str:
    return yaml.safe_dump(
        questionnaire_to_dict(questionnaire), sort_keys=False, allow_unicode=True, width=100
    )


# --- import ---------------------------------------------------------------------------------


def _text(value: Any, where: str, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str | int | float):
        raise ValidationError(_("%(where)s: expected text.") % {"where": where})
    text = str(value).strip()
    if required and not text:
        raise ValidationError(_("%(where)s is required.") % {"where": where})
    return text


def _key(value: Any, where: str) -> str:
    text = _text(value, where, required=True)
    if slugify(text) != text.lower() or len(text) > 40:
        raise ValidationError(
            _("%(where)s: %(key)r is not a valid key (letters, digits, - and _).")
            % {"where": where, "key": text}
        )
    return text


def _number(value: Any, where: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(_("%(where)s: expected a number.") % {"where": where})
    return float(value)


def _age(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120:
        raise ValidationError(_("%(where)s: expected an age in whole years.") % {"where": where})
    return value


def _choice(value: Any, choices: Any, where: str, blank: bool = True) -> str:
    text = _text(value, where)
    if (not text and blank) or text in choices.values:
        return text
    raise ValidationError(
        _("%(where)s: %(value)r is not one of %(allowed)s.")
        % {"where": where, "value": text, "allowed": ", ".join(choices.values)}
    )


def _check_unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise ValidationError(
            _("%(where)s: unknown field(s) %(fields)s.") % {"where": where, "fields": extra}
        )


def parse_definition(data: Any) -> dict[str, Any]:
    """Validate a questionnaire definition fully before anything is written."""
    if not isinstance(data, dict):
        raise ValidationError(_("The file must hold one questionnaire (a mapping)."))
    head_names = {n for n, _d in HEAD_FIELDS} | {"key", "version", "status", "sections"}
    _check_unknown(data, head_names, _("questionnaire"))
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise ValidationError(_("version: expected a whole number."))
    out: dict[str, Any] = {
        "key": _key(data.get("key"), "key"),
        "version": version,
        "status": _choice(data.get("status", "draft"), Questionnaire.Status, "status", False),
        "name": _text(data.get("name"), "name", required=True),
        "name_en": _text(data.get("name_en"), "name_en"),
        "description": _text(data.get("description"), "description"),
        "description_en": _text(data.get("description_en"), "description_en"),
        "anonymous": bool(data.get("anonymous", False)),
        "sections": [],
    }
    criteria = set(QualityCriterion.objects.values_list("code", flat=True))
    sections = data.get("sections") or []
    if not isinstance(sections, list) or not sections:
        raise ValidationError(_("A questionnaire needs at least one section."))
    seen_sections: set[str] = set()
    seen_questions: set[str] = set()
    for i, s in enumerate(sections, 1):
        where = _("section %(n)s") % {"n": i}
        if not isinstance(s, dict):
            raise ValidationError(_("%(where)s: expected a mapping.") % {"where": where})
        _check_unknown(s, {n for n, _d in SECTION_FIELDS} | {"key", "questions"}, where)
        skey = _key(s.get("key"), f"{where} key")
        if skey in seen_sections:
            raise ValidationError(_("Section key %(key)s is used twice.") % {"key": skey})
        seen_sections.add(skey)
        section: dict[str, Any] = {
            "key": skey,
            "title": _text(s.get("title"), f"{where} title", required=True),
            "title_en": _text(s.get("title_en"), where),
            "intro": _text(s.get("intro"), where),
            "intro_en": _text(s.get("intro_en"), where),
            "respondent_role": _choice(s.get("respondent_role"), RespondentRole, where),
            "min_age": _age(s.get("min_age"), where),
            "questions": [],
        }
        for j, q in enumerate(s.get("questions") or [], 1):
            section["questions"].append(
                _parse_question(q, f"{skey}, {j}", criteria, seen_questions)
            )
        out["sections"].append(section)
    return out


def _parse_question(q: Any, where: str, criteria: set[str], seen: set[str]) -> dict[str, Any]:
    if not isinstance(q, dict):
        raise ValidationError(_("%(where)s: expected a mapping.") % {"where": where})
    _check_unknown(q, {n for n, _d in QUESTION_FIELDS} | {"key", "options"}, where)
    key = _key(q.get("key"), f"{where} key")
    if key in seen:
        raise ValidationError(_("Question key %(key)s is used twice.") % {"key": key})
    seen.add(key)
    where = key
    qtype = _choice(q.get("type"), Question.Type, f"{where} type", blank=False)
    criterion = _text(q.get("quality_criterion"), where)
    if criterion and criterion not in criteria:
        raise ValidationError(
            _("%(where)s: unknown quality criterion %(code)r.")
            % {"where": where, "code": criterion}
        )
    parsed: dict[str, Any] = {"key": key, "type": qtype}
    for name, default in QUESTION_FIELDS:
        if name in {"type", "quality_criterion"}:
            continue
        value = q.get(name, default)
        if name in {"min_value", "max_value"}:
            parsed[name] = _number(value, f"{where} {name}")
        elif name == "min_age":
            parsed[name] = _age(value, where)
        elif name in {"required", "allow_unknown"}:
            parsed[name] = bool(value)
        elif name == "respondent_role":
            parsed[name] = _choice(value, RespondentRole, where)
        elif name == "bbic_area":
            parsed[name] = _choice(value, BbicArea, where)
        else:
            parsed[name] = _text(value, f"{where} {name}", required=name == "text")
    parsed["quality_criterion"] = criterion or None
    options = q.get("options") or []
    if qtype in Question.CHOICE_TYPES and not options:
        raise ValidationError(_("%(where)s: a choice question needs options.") % {"where": where})
    if qtype not in Question.CHOICE_TYPES and options:
        raise ValidationError(
            _("%(where)s: only choice questions have options.") % {"where": where}
        )
    codes: set[str] = set()
    parsed["options"] = []
    for o in options:
        if not isinstance(o, dict):
            raise ValidationError(_("%(where)s: expected a mapping.") % {"where": where})
        _check_unknown(o, {n for n, _d in OPTION_FIELDS} | {"code"}, where)
        code = _key(o.get("code"), f"{where} option code")
        if code in codes:
            raise ValidationError(
                _("%(where)s: option %(code)s twice.") % {"where": where, "code": code}
            )
        codes.add(code)
        parsed["options"].append(
            {
                "code": code,
                "label": _text(o.get("label"), f"{where} {code}", required=True),
                "label_en": _text(o.get("label_en"), where),
                "value": _number(o.get("value"), where),
                "is_missing": bool(o.get("is_missing", False)),
            }
        )
    return parsed


def _write_content(questionnaire: Questionnaire, parsed: dict[str, Any]) -> None:
    questionnaire.sections.all().delete()
    criteria = {c.code: c for c in QualityCriterion.objects.all()}
    for i, s in enumerate(parsed["sections"]):
        section = Section.objects.create(
            questionnaire=questionnaire,
            sort_order=(i + 1) * 10,
            **{k: v for k, v in s.items() if k != "questions"},
        )
        for j, q in enumerate(s["questions"]):
            fields = {k: v for k, v in q.items() if k not in {"options", "quality_criterion"}}
            question = Question.objects.create(
                section=section,
                sort_order=(j + 1) * 10,
                quality_criterion=criteria.get(q["quality_criterion"] or ""),
                **fields,
            )
            QuestionOption.objects.bulk_create(
                QuestionOption(question=question, sort_order=(k + 1) * 10, **o)
                for k, o in enumerate(q["options"])
            )


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in {"version", "status"}}


@transaction.atomic
def questionnaire_import(
    *,
    actor: User | AnonymousUser | None,
    text: str,
    owner: OrgUnit,
) -> tuple[Questionnaire, str]:
    """Create or replace a questionnaire version from YAML; returns it and what happened
    ("created", "replaced" or "unchanged")."""
    ensure_in_scope(actor, Action.DESIGN, owner.path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationError(_("The file is not valid YAML: %(error)s") % {"error": exc}) from exc
    parsed = parse_definition(data)
    key = parsed["key"]
    existing = Questionnaire.objects.filter(key=key)
    version = parsed["version"]
    if version is None:
        latest = existing.order_by("-version").first()
        version = (latest.version + 1) if latest else 1
    current = existing.filter(version=version).first()
    if current is not None:
        ensure_in_scope(actor, Action.DESIGN, current.owner.path)
        old = questionnaire_to_dict(current)
        new_cmp = _comparable(parse_definition(old))
        if new_cmp == _comparable(parsed):
            if parsed["status"] != current.status:
                _set_status(actor, current, parsed["status"])
            return current, "unchanged"
        if current.status != Questionnaire.Status.DRAFT:
            raise ValidationError(
                _(
                    "Version %(version)s of %(key)s is %(status)s and cannot be changed; "
                    "import it as a new version."
                )
                % {"version": version, "key": key, "status": current.get_status_display()}
            )
        if current.responses.exists():
            raise ValidationError(_("This draft already has answers; make a new version."))
        before = snapshot(current)
        for name in HEAD_NAMES:
            setattr(current, name, parsed[name])
        current.save()
        _write_content(current, parsed)
        record_change(actor=actor, action="update", obj=current, before=before)
        if parsed["status"] != current.status:
            _set_status(actor, current, parsed["status"])
        return current, "replaced"
    previous = existing.order_by("-version").first()
    questionnaire = Questionnaire.objects.create(
        key=key,
        version=version,
        owner=owner,
        previous=previous,
        **{k: parsed[k] for k in HEAD_NAMES},
    )
    _write_content(questionnaire, parsed)
    record_change(actor=actor, action="create", obj=questionnaire)
    if parsed["status"] != Questionnaire.Status.DRAFT:
        _set_status(actor, questionnaire, parsed["status"])
    return questionnaire, "created"


def _set_status(
    actor: User | AnonymousUser | None, questionnaire: Questionnaire, status: str
) -> None:
    """The status a file gives one version, along the one rule's steps (core.versioning): a draft
    is published only where no newer version is; a file describing a retired version retires
    that version. A file whose status lies behind the stored one (a shipped template says
    "published", the municipality has since retired it) leaves the stored status alone."""
    order: list[str] = list(Questionnaire.Status.values)  # draft, published, retired
    if order.index(status) <= order.index(questionnaire.status):
        return
    if status == Questionnaire.Status.PUBLISHED:
        version_publish(actor=actor, obj=questionnaire)
        return
    before = snapshot(questionnaire)
    questionnaire.status = status
    questionnaire.save(update_fields=["status", "updated_at"])
    record_change(actor=actor, action="retire", obj=questionnaire, before=before)


@transaction.atomic
def questionnaire_publish(
    *, actor: User | AnonymousUser | None, questionnaire: Questionnaire
) -> Questionnaire:
    """Publish a draft (the rule of core.versioning, and it must hold questions)."""
    ensure_in_scope(actor, Action.DESIGN, questionnaire.owner.path)
    problems = []
    if not Question.objects.filter(section__questionnaire=questionnaire).exists():
        problems.append(_("A questionnaire without questions cannot be published."))
    return version_publish(actor=actor, obj=questionnaire, problems=problems)


@transaction.atomic
def questionnaire_retire(
    *, actor: User | AnonymousUser | None, questionnaire: Questionnaire
) -> Questionnaire:
    """Withdraw the questionnaire: every published version of its key is retired
    (core.versioning), so no new invitation can use it; answers given stay."""
    ensure_in_scope(actor, Action.DESIGN, questionnaire.owner.path)
    version_retire(actor=actor, obj=questionnaire)
    return questionnaire


@transaction.atomic
def questionnaire_new_version(
    *, actor: User | AnonymousUser | None, questionnaire: Questionnaire
) -> Questionnaire:
    """The draft to edit instead of a published version (core.versioning): an existing draft of
    the key, or a copy of this version numbered after the newest one."""
    ensure_in_scope(actor, Action.DESIGN, questionnaire.owner.path)

    def copy(number: int) -> Questionnaire:
        parsed = parse_definition(questionnaire_to_dict(questionnaire))
        draft = Questionnaire.objects.create(
            key=questionnaire.key,
            version=number,
            owner=questionnaire.owner,
            previous=questionnaire,
            **{k: parsed[k] for k in HEAD_NAMES},
        )
        _write_content(draft, parsed)
        record_change(actor=actor, action="create", obj=draft)
        return draft

    return version_new(obj=questionnaire, copy=copy)
