"""Every problem of an uploaded template, each with its place, not only the first.

`spec.validate` stops at the first problem, which is right for a shipped file but slow going for
a quality lead fixing an upload: this checks each top-level field, each chapter and each block
on its own through `spec.validate` (so the rules and messages stay in one place), with filler
chapters and blocks in front so the places are numbered as in the file. The full `validate` has
the last word: a template it accepts has no problems."""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.utils.translation import gettext as _

from insyn.reports import spec

MAX_SOURCE = 200_000  # characters of YAML
_GOOD: dict[str, Any] = {"key": "check", "version": 1, "title": "check"}
_CHAPTER: dict[str, Any] = {"title": "check"}


def _first(data: Any) -> str | None:
    try:
        spec.validate(data)
    except spec.TemplateError as exc:
        return str(exc)
    return None


def _filler_block(n: int, taken: set[str]) -> dict[str, Any]:
    bid = f"check-filler-{n}"
    while bid in taken:
        bid += "x"
    return {"id": bid, "kind": "narrative", "text": ""}


def problems(data: Any) -> list[str]:
    """The template's problems, each naming its place (empty when `spec.validate` accepts it)."""
    whole = _first(data)
    if whole is None:
        return _not_json(data)
    if not isinstance(data, dict):
        return [whole]
    found: list[str] = []
    good_top = dict(_GOOD)
    for name in _GOOD:
        msg = _first({**_GOOD, name: data.get(name), "chapters": [_CHAPTER]})
        if msg:
            found.append(msg)
        else:
            good_top[name] = data.get(name)
    # keys other than these (added by later template features) are checked with the rest
    rest = {k: v for k, v in data.items() if k not in _GOOD and k != "chapters"}
    msg = _first({**rest, **good_top, "chapters": [_CHAPTER]})
    if msg and msg not in found:
        found.append(msg)
    chapters = data.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        found.append(_first({**_GOOD, "chapters": chapters}) or whole)
        return found
    ids: set[str] = {
        b["id"]
        for c in chapters
        if isinstance(c, dict)
        for b in (c.get("blocks") or [])
        if isinstance(b, dict) and isinstance(b.get("id"), str)
    }
    seen: set[str] = set()
    for ci, chapter in enumerate(chapters):
        before = [_CHAPTER] * ci
        title = chapter.get("title") if isinstance(chapter, dict) else None
        msg = _first({**_GOOD, "chapters": [*before, {"title": title}]})
        if msg:
            found.append(msg)
        blocks = chapter.get("blocks") if isinstance(chapter, dict) else None
        if not isinstance(blocks, list):
            continue
        for bi, block in enumerate(blocks):
            fill = [_filler_block(n, ids) for n in range(bi)]
            msg = _first({**_GOOD, "chapters": [*before, {**_CHAPTER, "blocks": [*fill, block]}]})
            if msg:
                found.append(msg)
            elif block["id"] in seen:
                twice = {"id": block["id"], "kind": "narrative"}
                found.append(
                    _first({**_GOOD, "chapters": [{**_CHAPTER, "blocks": [twice] * 2}]}) or ""
                )
            else:
                seen.add(block["id"])
    if not found:  # a rule the parts alone do not show
        found.append(whole)
    return list(dict.fromkeys(m for m in found if m))


def _not_json(data: Any) -> list[str]:
    try:
        json.dumps(data)
    except (TypeError, ValueError):
        return [_("The template may hold only text, numbers, lists and mappings (no dates).")]
    return []


def check_source(source: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The checked template from YAML text, or None and every problem found."""
    if len(source) > MAX_SOURCE:
        return None, [_("The template is too long (at most %(n)s characters).") % {"n": MAX_SOURCE}]
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        return None, [_("The template is not valid YAML: %(error)s") % {"error": exc}]
    found = problems(data)
    if found:
        return None, found
    return spec.validate(data), []
