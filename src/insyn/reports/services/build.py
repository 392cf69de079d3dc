"""Resolve a report's template into a `Document` from live data (a draft), or give the frozen
document of an approved report. The one path every renderer, the page, the CLI and the API use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from insyn.reports.blocks import KINDS, BuildContext
from insyn.reports.blocks.figures import hidden_text
from insyn.reports.document import Block, Chapter, Document, Message
from insyn.reports.services.suppression import complement
from insyn.reports.spec import audience, text

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit
    from insyn.reports.models import Report


def resolve(
    template: dict[str, Any],
    *,
    user: User,
    unit: OrgUnit,
    year: int,
    language: str = "sv",
    narratives: dict[str, str] | None = None,
    title: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Document:
    """Every block of `template` resolved for `unit` (its municipality's figures as far as the
    unit reaches) and `year`, as `user` may see them. A block that fails is replaced by a
    message saying so: the report still builds.

    `progress(done, total)` is told after each block (and once before the first), so a
    background build can show how far it has come; it does not change the result."""
    from insyn.organisations.models import OrgUnit

    municipality = (
        OrgUnit.objects.get(pk=unit.municipality_id or unit.pk)
        if unit.municipality_id != unit.pk
        else unit
    )
    ctx = BuildContext(
        user=user,
        unit=unit,
        municipality=municipality,
        year=year,
        language=language,
        narratives=dict(narratives or {}),
    )
    total = sum(len(chapter.get("blocks") or []) for chapter in template["chapters"])
    done = 0
    if progress is not None:
        progress(0, total)
    with override(language):
        chapters = []
        for ci, chapter in enumerate(template["chapters"], 1):
            blocks = []
            for spec in chapter.get("blocks") or []:
                blocks.append(_block(ctx, spec))
                done += 1
                if progress is not None:
                    progress(done, total)
            chapters.append(
                Chapter(
                    id=str(chapter.get("id") or ci),
                    title=text(chapter["title"], language),
                    blocks=blocks,
                )
            )
        doc = Document(
            title=title or text(template["title"], language),
            municipality_code=municipality.code,
            municipality_name=municipality.name
            if unit.pk == municipality.pk
            else f"{municipality.name}, {unit.name}",
            year=year,
            template_key=template["key"],
            template_version=int(template["version"]),
            language=language,
            built_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            status="draft",
            min_cell=int(settings.INSYN_MIN_CELL),
            audience=audience(template),
            chapters=chapters,
        )
        # one pass over the whole document: no hidden figure can be subtracted back out of
        # the tables and placeholders shown beside it (services/suppression.py)
        complement(doc, hidden_text(ctx))
    return doc


def _block(ctx: BuildContext, spec: dict[str, Any]) -> Block:
    resolver = KINDS[spec["kind"]]
    try:
        return resolver(ctx, spec)
    except Exception as exc:
        import logging

        logging.getLogger(__name__).exception("report block %s failed", spec.get("id"))
        return Block(
            id=spec["id"],
            kind=spec["kind"],
            title=text(spec.get("title"), ctx.language),
            items=[
                Message(
                    _("This block could not be built (%(error)s).") % {"error": type(exc).__name__}
                )
            ],
        )


def live_document(
    report: Report, user: User, progress: Callable[[int, int], None] | None = None
) -> Document:
    """The report resolved from today's data (a draft's preview; an approved one's comparison)."""
    return resolve(
        report.template,
        user=user,
        unit=report.unit,
        year=report.year,
        language=report.language,
        narratives=report.narratives,
        title=report.title,
        progress=progress,
    )


def document_for(report: Report, user: User) -> Document:
    """The frozen document of an approved report; a draft's resolved from live data now."""
    if report.is_frozen and report.frozen_document:
        return Document.from_data(report.frozen_document)
    return live_document(report, user)
