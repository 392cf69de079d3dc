"""Publishing a report on the municipality's public pages (no login), and taking it down.

Only an approved report of a template written for the public (`audience: public`) may be
published: the public page shows the frozen document and the stored PDF, never live data and
never a draft. The same permission as approving (handle_quality on the report's organisation),
the version the caller read, and a change entry for the auditors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, lock_for_write
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.reports.models import Report

if TYPE_CHECKING:
    from insyn.accounts.models import User


def _without_document(report: Report) -> dict[str, object]:
    data = snapshot(report)
    data.pop("frozen_document", None)
    return data


def publish(*, actor: User, report: Report, expected_version: int | None) -> Report:
    """Put an approved public report on the municipality's public pages."""
    with transaction.atomic():
        lock_for_write(report, expected_version)
        ensure_in_scope(actor, Action.HANDLE_QUALITY, report.scope_path())
        if not report.is_public_template:
            raise ValidationError(
                _(
                    "Only a report written for the public (a template with audience public) "
                    "can be published."
                )
            )
        if not report.is_frozen or not report.frozen_document:
            raise ValidationError(_("Only an approved report can be published. Approve it first."))
        if report.is_published:
            raise ValidationError(
                _("This report is already published (on %(date)s).")
                % {"date": timezone.localtime(report.published_at).date()}
            )
        _set_published(actor, report, published=True)
    return report


def unpublish(*, actor: User, report: Report, expected_version: int | None) -> Report:
    """Take a published report off the public pages (it stays approved and frozen)."""
    with transaction.atomic():
        lock_for_write(report, expected_version)
        ensure_in_scope(actor, Action.HANDLE_QUALITY, report.scope_path())
        if not report.is_published:
            raise ValidationError(_("This report is not published."))
        _set_published(actor, report, published=False)
    return report


def _set_published(actor: User, report: Report, *, published: bool) -> None:
    """Put the report on (or off) the public pages and record the change, in the caller's
    transaction with the row already locked."""
    before = _without_document(report)
    report.published_at = timezone.now() if published else None
    report.published_by = actor if published else None
    fields = ["published_at", "published_by", "updated_at", *bump_version(report)]
    report.save(update_fields=fields)
    record_change(
        actor=actor,
        action="publish" if published else "unpublish",
        obj=report,
        before=before,
        after=_without_document(report),
    )
