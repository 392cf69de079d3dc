"""Report templates as data: YAML files (fixtures/templates/<key>.yaml) with chapters and blocks.

A template is parsed into plain dicts checked here, so a report can keep the exact content it
was made from (`Report.template`) and a municipality can export and share one. Texts are
`{sv: ..., en: ...}` or a plain string (Swedish). Block kinds and their parameters are checked
against the block registry (blocks/), so a typo is an error with its place, not a silent gap.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

TEMPLATE_DIR = Path(__file__).resolve().parent / "fixtures" / "templates"
KEY = re.compile(r"[a-z][a-z0-9_-]{0,59}")
LANGUAGES = ("sv", "en")
# Who a template is written for: the committee (the default), or the public — only a report of
# a public template may be published on the municipality's pages without login.
AUDIENCES = ("committee", "public")


class TemplateError(ValueError):
    """A template that cannot be used; the message says where."""


def text(value: Any, language: str) -> str:
    """A template text in `language` (Swedish when the language is missing)."""
    if isinstance(value, dict):
        return str(value.get(language) or value.get("sv") or "")
    return "" if value is None else str(value)


def _text_ok(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, dict) and all(
        k in LANGUAGES and isinstance(v, str) for k, v in value.items()
    )


def validate(data: Any) -> dict[str, Any]:
    """The template as checked data, or TemplateError naming the first problem's place."""
    from insyn.reports.blocks import KINDS

    if not isinstance(data, dict):
        raise TemplateError(_("A report template must be a mapping with key, title and chapters."))
    key = data.get("key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise TemplateError(_("The template key must be lower-case letters, digits, - or _."))
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise TemplateError(_("The template version must be a whole number from 1."))
    if not _text_ok(data.get("title")):
        raise TemplateError(_("The template needs a title."))
    if data.get("audience", "committee") not in AUDIENCES:
        raise TemplateError(
            _("The template's audience must be committee or public (not %(value)s).")
            % {"value": data.get("audience")}
        )
    chapters = data.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        raise TemplateError(_("The template needs at least one chapter."))
    seen: set[str] = set()
    for ci, chapter in enumerate(chapters, 1):
        where = _("chapter %(n)s") % {"n": ci}
        if not isinstance(chapter, dict) or not _text_ok(chapter.get("title")):
            raise TemplateError(_("%(where)s needs a title.") % {"where": where})
        for bi, block in enumerate(chapter.get("blocks") or [], 1):
            place = f"{where}, " + _("block %(n)s") % {"n": bi}
            if not isinstance(block, dict):
                raise TemplateError(_("%(where)s must be a mapping.") % {"where": place})
            bid, kind = block.get("id"), block.get("kind")
            if not isinstance(bid, str) or not KEY.fullmatch(bid):
                raise TemplateError(
                    _("%(where)s needs an id (letters, digits, - or _).") % {"where": place}
                )
            if bid in seen:
                raise TemplateError(_("Block id %(id)s is used twice.") % {"id": bid})
            seen.add(bid)
            if kind not in KINDS:
                raise TemplateError(
                    _("%(where)s: unknown block kind %(kind)s (known: %(known)s).")
                    % {"where": place, "kind": kind, "known": ", ".join(sorted(KINDS))}
                )
            if "title" in block and not _text_ok(block["title"]):
                raise TemplateError(_("%(where)s: the title must be text.") % {"where": place})
    return data


def parse(source: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise TemplateError(
            _("The template is not valid YAML: %(error)s") % {"error": exc}
        ) from exc
    return validate(data)


def available(municipality: Any = None) -> list[str]:
    """The template keys: the shipped ones, and the municipality's own when one is given."""
    shipped = sorted(p.stem for p in TEMPLATE_DIR.glob("*.yaml"))
    if municipality is None:
        return shipped
    from insyn.reports.selectors.templates import own_keys

    return sorted(set(shipped) | own_keys(municipality))


def load(key: str, municipality: Any = None) -> dict[str, Any]:
    """The template `key` that applies: the municipality's newest active version of it when a
    municipality (OrgUnit or id) is given and has one, else the shipped one (TemplateError
    when there is none)."""
    if municipality is not None:
        from insyn.reports.selectors.templates import own_template

        own = own_template(key, municipality)
        if own is not None:
            return dict(own.content)
    return parse(shipped_source(key, municipality))


def shipped_source(key: str, municipality: Any = None) -> str:
    """The shipped template's YAML as the file has it (what an export gives)."""
    if not KEY.fullmatch(key or "") or not (TEMPLATE_DIR / f"{key}.yaml").is_file():
        raise TemplateError(
            _("There is no report template %(key)s (available: %(keys)s).")
            % {"key": key, "keys": ", ".join(available(municipality))}
        )
    return (TEMPLATE_DIR / f"{key}.yaml").read_text(encoding="utf-8")


def audience(template: dict[str, Any]) -> str:
    """committee or public (a template made before the attribute is the committee's)."""
    return str(template.get("audience") or "committee")


def blocks(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for c in template["chapters"] for b in (c.get("blocks") or [])]


def block_label(template: dict[str, Any], block_id: str, language: str) -> str:
    """A block's title, else its chapter's (an untitled text is named by its chapter)."""
    for chapter in template["chapters"]:
        for block in chapter.get("blocks") or []:
            if block["id"] == block_id:
                return text(block.get("title"), language) or text(chapter["title"], language)
    return block_id
