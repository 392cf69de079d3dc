"""Writes of reports: make a draft, write a narrative block, approve (freeze). Each checks scope
inside the transaction, checks the version the caller read, and records a change entry so the
municipality's auditors see it."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, lock_for_write
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.reports import spec
from insyn.reports.models import Report, ReportFile
from insyn.reports.services.build import live_document

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit

MAX_TEXT = 20_000
FROZEN = gettext_lazy(
    "An approved report is frozen: it cannot be changed. Make a new draft instead."
)


def create_draft(
    *,
    actor: User,
    unit: OrgUnit,
    template_key: str,
    year: int,
    language: str = "sv",
    title: str = "",
) -> Report:
    """A draft of `template_key` for `unit` (a municipality or a unit in one) and the year; the
    template's content is kept with the draft."""
    template = spec.load(template_key, unit.municipality_id)  # its own version, else shipped
    if language not in spec.LANGUAGES:
        raise ValidationError({"language": _("Choose Swedish or English.")})
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("Choose a year between 2000 and next year.")})
    if unit.municipality_id is None:
        raise ValidationError({"unit": _("Choose a municipality or a unit within one.")})
    with transaction.atomic():
        ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
        report = Report.objects.create(
            unit=unit,
            municipality_id=unit.municipality_id,
            year=year,
            title=(title or spec.text(template["title"], language))[:200],
            language=language,
            template_key=template["key"],
            template_version=int(template["version"]),
            template=template,
            created_by=actor,
        )
        record_change(actor=actor, action="create", obj=report)
    return report


def save_narrative(
    *, actor: User, report: Report, block_id: str, markdown: str, expected_version: int | None
) -> Report:
    """The quality lead's text for one narrative block of a draft."""
    with transaction.atomic():
        lock_for_write(report, expected_version)
        ensure_in_scope(actor, Action.HANDLE_QUALITY, report.scope_path())
        if report.is_frozen:
            raise ValidationError(FROZEN)
        narrative_ids = {b["id"] for b in spec.blocks(report.template) if b["kind"] == "narrative"}
        if block_id not in narrative_ids:
            raise ValidationError(
                {"block": _("There is no text block %(id)s in this report.") % {"id": block_id}}
            )
        if len(markdown) > MAX_TEXT:
            raise ValidationError(
                {"text": _("The text is too long (at most %(n)s characters).") % {"n": MAX_TEXT}}
            )
        before = snapshot(report)
        report.narratives = {**report.narratives, block_id: markdown}
        fields = ["narratives", "updated_at", *bump_version(report)]
        report.save(update_fields=fields)
        record_change(actor=actor, action="update", obj=report, before=before)
    return report


def approve(*, actor: User, report: Report, expected_version: int | None) -> Report:
    """Freeze the report for the committee: the resolved document, the date and approver, and
    its PDF, DOCX and HTML as delivered. Approving twice is refused."""
    from insyn.reports.renderers import render

    with transaction.atomic():
        lock_for_write(report, expected_version)
        ensure_in_scope(actor, Action.HANDLE_QUALITY, report.scope_path())
        if report.is_frozen:
            raise ValidationError(
                _("This report is already approved (on %(date)s).")
                % {
                    "date": timezone.localtime(report.approved_at).date()
                    if report.approved_at
                    else ""
                }
            )
        before = snapshot(report)
        now = timezone.now()
        doc = live_document(report, actor)
        doc.status = Report.Status.APPROVED
        doc.approved_at = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
        doc.approved_by = actor.get_full_name() or actor.get_username()
        report.frozen_document = doc.to_data()
        report.status = Report.Status.APPROVED
        report.approved_at = now
        report.approved_by = actor
        fields = ["frozen_document", "status", "approved_at", "approved_by", "updated_at"]
        report.save(update_fields=[*fields, *bump_version(report)])
        for fmt in ReportFile.Format.values:
            content = render(doc, fmt)
            ReportFile.objects.create(
                report=report,
                format=fmt,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        after: dict[str, Any] = snapshot(report)
        after.pop("frozen_document", None)
        before.pop("frozen_document", None)
        record_change(actor=actor, action="approve", obj=report, before=before, after=after)
    return report
