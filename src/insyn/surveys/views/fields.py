"""Turns questions, a draft and errors into what the answer templates render (public page and
the case worker's dialog-interview form share it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from insyn.surveys.models import Question
from insyn.surveys.services.answers import UNKNOWN, field_name


def _choice(name: str, value: str, label: str, checked: bool, idx: int) -> dict[str, Any]:
    return {"value": value, "label": label, "checked": checked, "id": f"{name}-{idx}"}


def build_fields(
    questions: list[Question], draft: dict[str, Any], errors: dict[str, str]
) -> list[dict[str, Any]]:
    """One entry per question, grouped under its section's heading where the section changes."""
    out: list[dict[str, Any]] = []
    last_section = None
    for question in questions:
        name = field_name(question)
        raw = draft.get(question.key)
        chosen = set(raw) if isinstance(raw, list) else {raw} if raw else set()
        choices: list[dict[str, Any]] = []
        t = question.type
        if t == Question.Type.SCALE:
            for k in range(1, 6):
                label = str(k)
                if k == 1 and question.low:
                    label = f"1 – {question.low}"
                elif k == 5 and question.high:
                    label = f"5 – {question.high}"
                choices.append(_choice(name, str(k), label, str(k) in chosen, k))
        elif t == Question.Type.YES_NO:
            choices = [
                _choice(name, "yes", _("Yes"), "yes" in chosen, 1),
                _choice(name, "no", _("No"), "no" in chosen, 2),
            ]
        elif t in Question.CHOICE_TYPES:
            choices = [
                _choice(name, o.code, o.display, o.code in chosen, i)
                for i, o in enumerate(question.options.all(), 1)
            ]
        if question.allow_unknown and t not in (Question.Type.TEXT,):
            choices.append(
                _choice(name, UNKNOWN, _("Don't know / not applicable"), UNKNOWN in chosen, 9)
            )
        section = question.section
        out.append(
            {
                "key": question.key,
                "name": name,
                "anchor": f"q-{question.key}",
                "type": t,
                "widget": (
                    "checkbox"
                    if t == Question.Type.MULTIPLE
                    else "radio"
                    if choices and t != Question.Type.NUMBER
                    else "number"
                    if t == Question.Type.NUMBER
                    else "text"
                ),
                "label": question.label,
                "help": question.help_label,
                "required": question.required,
                "choices": choices,
                "value": raw if isinstance(raw, str) and raw != UNKNOWN else "",
                "unknown_checked": raw == UNKNOWN,
                "allow_unknown": question.allow_unknown,
                "error": errors.get(question.key, ""),
                "section": section if section.pk != last_section else None,
            }
        )
        last_section = section.pk
    return out
