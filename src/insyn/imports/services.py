"""Web imports: upload, a background check (a dry run), confirm, a background apply; or cancel.

A batch's status is an explicit state machine (`TRANSITIONS`); every change of status goes
through `_move`, which refuses an illegal one with a ValidationError. The check and the apply
run as background tasks (`insyn.imports.tasks`): at once with INSYN_TASKS=immediate, in
`insyn db_worker` with the database queue. The uploaded files are encrypted as they arrive
(`insyn.imports.uploads`) and deleted when the batch is finished.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_change
from insyn.core.roles import Action
from insyn.imports.formats import read_uploaded
from insyn.imports.models import ImportBatch, ImportFile
from insyn.imports.pipeline import run_import
from insyn.imports.progress import ProgressWriter, progress_clear
from insyn.imports.report import Report
from insyn.imports.uploads import read_files, store_file
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.accounts.models import User

logger = logging.getLogger(__name__)

PENDING_HOURS = 24
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

S = ImportBatch.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.UPLOADED: frozenset({S.CHECKING, S.CANCELLED, S.EXPIRED}),
    S.CHECKING: frozenset({S.CHECKED, S.FAILED}),
    S.CHECKED: frozenset({S.APPLYING, S.CANCELLED, S.EXPIRED}),
    S.APPLYING: frozenset({S.APPLIED, S.FAILED}),
    S.APPLIED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}
FINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
WAITING = (S.UPLOADED, S.CHECKED)  # expire after PENDING_HOURS
RUNNING = (S.CHECKING, S.APPLYING)  # fail after PENDING_HOURS (a worker died)


def _unexpected(phase: str) -> str:
    if phase == "check":
        return _("The check stopped with an unexpected error; nothing was imported.")
    return _("The import stopped with an unexpected error; nothing was imported.")


def may_import(user: User, municipality: OrgUnit) -> bool:
    """Anyone who may change individuals' data somewhere in the municipality."""
    return (
        OrgUnit.objects.restrict(user, Action.CHANGE_INDIVIDUAL)
        .filter(municipality=municipality)
        .exists()
    )


def import_municipalities(user: User) -> list[OrgUnit]:
    ids = (
        OrgUnit.objects.restrict(user, Action.CHANGE_INDIVIDUAL)
        .exclude(municipality__isnull=True)
        .values_list("municipality", flat=True)
        .distinct()
    )
    return list(OrgUnit.objects.filter(pk__in=list(ids)).order_by("name"))


def _move(batch: ImportBatch, to: str, *, failure: str = "") -> None:
    """Change the status (the caller holds the row lock and saves). Entering a final state
    deletes the files; every change drops the cached progress of the phase before."""
    if to not in TRANSITIONS[batch.status]:
        raise ValidationError(
            _("An import that is “%(from)s” cannot become “%(to)s”.")
            % {"from": batch.get_status_display(), "to": S(to).label}
        )
    batch.status = to
    if failure:
        batch.failure = failure
    if to in FINAL:
        ImportFile.objects.filter(batch=batch).delete()
        batch.finished_at = timezone.now()
        batch.progress_done = batch.progress_total
    # The cached progress belongs to the phase that just ended.
    transaction.on_commit(partial(progress_clear, batch.pk))


def _locked(batch_id: int) -> ImportBatch:
    batch = _locked_or_none(batch_id)
    if batch is None:
        raise Http404
    return batch


def _locked_or_none(batch_id: int) -> ImportBatch | None:
    return (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("municipality", "uploaded_by")
        .filter(pk=batch_id)
        .first()
    )


@transaction.atomic
def purge_expired(now: dt.datetime | None = None) -> int:
    """Waiting uploads older than a day expire; a check or apply still running after a day
    (its worker died) fails. Either way the files are deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=PENDING_HOURS)
    stale = ImportBatch.objects.filter(status__in=WAITING + RUNNING, created_at__lt=cutoff)
    ImportFile.objects.filter(batch__in=stale).delete()
    failed = stale.filter(status__in=RUNNING).update(
        status=S.FAILED,
        finished_at=timezone.now(),
        failure=_("The import did not finish within a day; nothing was imported."),
    )
    return failed + stale.update(status=S.EXPIRED, finished_at=timezone.now())


def _enqueue_check(batch_id: int) -> None:
    from insyn.imports.tasks import import_check

    transaction.on_commit(lambda: import_check.enqueue(batch_id))


def _enqueue_apply(batch_id: int) -> None:
    from insyn.imports.tasks import import_apply

    transaction.on_commit(lambda: import_apply.enqueue(batch_id))


@transaction.atomic
def batch_upload(
    *, actor: User, municipality: OrgUnit, files: Sequence[UploadedFile]
) -> ImportBatch:
    """Keep the files (encrypted) and queue their check; nothing else is written."""
    if not may_import(actor, municipality):
        raise Http404
    if not files:
        raise ValidationError({"upload": [_("Choose the files to import.")]})
    if sum(f.size or 0 for f in files) > MAX_UPLOAD_BYTES:
        raise ValidationError({"upload": [_("The files are too large (at most 50 MB).")]})
    batch = ImportBatch.objects.create(
        municipality=municipality,
        uploaded_by=actor,
        file_names=[f.name for f in files],
    )
    for upload in files:
        store_file(batch, upload)
    _enqueue_check(batch.pk)
    return batch


def _own(actor: User, batch: ImportBatch) -> None:
    if batch.uploaded_by_id != actor.pk or not may_import(actor, batch.municipality):
        raise Http404


@transaction.atomic
def batch_confirm(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Queue the real import of a checked batch."""
    batch = _locked(batch.pk)
    _own(actor, batch)
    _move(batch, S.APPLYING)
    batch.progress_done = batch.progress_total = 0
    batch.progress_sheet = ""
    batch.save()
    _enqueue_apply(batch.pk)
    return batch


@transaction.atomic
def batch_cancel(*, actor: User, batch: ImportBatch) -> None:
    batch = _locked(batch.pk)
    _own(actor, batch)
    _move(batch, S.CANCELLED)
    batch.save()


def _start(batch_id: int, waiting: str, running: str) -> ImportBatch | None:
    """Claim a batch for a task; None when it is not waiting (a repeated or stale task)."""
    with transaction.atomic():
        batch = _locked_or_none(batch_id)
        if batch is None or batch.status != waiting:
            return None
        _move(batch, running)
        batch.save()
        return batch


def _end(batch_id: int, to: str, report: Report | None = None, failure: str = "") -> str:
    with transaction.atomic():
        batch = _locked(batch_id)
        if batch.status not in RUNNING:  # failed by purge_expired meanwhile
            return batch.status
        if report is not None:
            batch.report = report.to_dict()
        _move(batch, to, failure=failure)
        batch.save()
        return batch.status


def _run(batch: ImportBatch, *, dry_run: bool, progress: ProgressWriter) -> Report:
    return run_import(
        read_uploaded(read_files(batch)),
        municipality=batch.municipality,
        actor=batch.uploaded_by,
        dry_run=dry_run,
        progress=progress,
    )


def batch_check(*, batch_id: int) -> str:
    """The check task: a complete dry run. Checked if every row passed, otherwise failed
    with the report (file, row, column)."""
    batch = _start(batch_id, S.UPLOADED, S.CHECKING)
    if batch is None:
        return "skipped"
    if not may_import(batch.uploaded_by, batch.municipality):
        return _end(batch_id, S.FAILED, failure=_("You may no longer import here."))
    progress = ProgressWriter(batch_id)
    try:
        report = _run(batch, dry_run=True, progress=progress)
    except Exception:
        logger.exception("import check %s failed", batch_id)
        return _end(batch_id, S.FAILED, failure=_unexpected("check"))
    finally:
        progress.close()
    return _end(batch_id, S.CHECKED if report.ok else S.FAILED, report)


def batch_apply(*, batch_id: int) -> str:
    """The apply task: every row in one transaction, together with the batch becoming
    applied. Anything failing leaves nothing written and the batch failed, saying why."""
    with transaction.atomic():
        batch = _locked_or_none(batch_id)
    if batch is None or batch.status != S.APPLYING:
        return "skipped"
    if not may_import(batch.uploaded_by, batch.municipality):
        return _end(batch_id, S.FAILED, failure=_("You may no longer import here."))
    progress = ProgressWriter(batch_id)
    try:
        with transaction.atomic():
            report = _run(batch, dry_run=False, progress=progress)
            if report.applied:
                locked = _locked(batch_id)
                locked.report = report.to_dict()
                _move(locked, S.APPLIED)
                locked.save()
                record_change(
                    actor=locked.uploaded_by,
                    action="import",
                    obj=locked,
                    after={"files": locked.file_names, "counts": locked.report["counts"]},
                )
                return locked.status
    except Exception:
        logger.exception("import apply %s failed", batch_id)
        return _end(batch_id, S.FAILED, failure=_unexpected("import"))
    finally:
        progress.close()
    failure = _("Nothing was imported: the data changed since the check. See the report.")
    return _end(batch_id, S.FAILED, report, failure=failure)
