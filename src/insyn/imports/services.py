"""Web imports: upload (checked at once, as a dry run), then confirm or cancel.

The uploaded files are encrypted with a key derived from the server secret while they wait,
and deleted when the import is confirmed, cancelled or expires.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.core.audit import record_change
from insyn.core.roles import Action
from insyn.imports.formats import read_uploaded
from insyn.imports.models import ImportBatch, ImportFile
from insyn.imports.pipeline import run_import
from insyn.imports.report import Report
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.accounts.models import User

PENDING_HOURS = 24
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"insyn-import-files:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


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


def _files(batch: ImportBatch) -> list[tuple[str, bytes]]:
    fernet = _fernet()
    return [(f.name, fernet.decrypt(bytes(f.content))) for f in batch.files.order_by("pk")]


@transaction.atomic
def purge_expired(now: dt.datetime | None = None) -> int:
    """Pending uploads older than a day lose their files."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=PENDING_HOURS)
    stale = ImportBatch.objects.filter(status=ImportBatch.Status.PENDING, created_at__lt=cutoff)
    ImportFile.objects.filter(batch__in=stale).delete()
    return stale.update(status=ImportBatch.Status.EXPIRED, finished_at=timezone.now())


@transaction.atomic
def batch_upload(
    *, actor: User, municipality: OrgUnit, files: list[tuple[str, bytes]]
) -> ImportBatch:
    """Keep the files (encrypted) and check them completely, writing nothing else."""
    if not may_import(actor, municipality):
        raise Http404
    if not files:
        raise ValidationError({"upload": [_("Choose the files to import.")]})
    if sum(len(data) for _name, data in files) > MAX_UPLOAD_BYTES:
        raise ValidationError({"upload": [_("The files are too large (at most 50 MB).")]})
    report = run_import(read_uploaded(files), municipality=municipality, actor=actor, dry_run=True)
    batch = ImportBatch.objects.create(
        municipality=municipality,
        uploaded_by=actor,
        file_names=[name for name, _data in files],
        report=report.to_dict(),
    )
    fernet = _fernet()
    ImportFile.objects.bulk_create(
        ImportFile(batch=batch, name=name[:200], content=fernet.encrypt(data))
        for name, data in files
    )
    return batch


def _finish(batch: ImportBatch, status: str) -> None:
    batch.files.all().delete()
    batch.status = status
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at", "report"])


def _own_pending(actor: User, batch: ImportBatch) -> None:
    if batch.uploaded_by_id != actor.pk or not may_import(actor, batch.municipality):
        raise Http404
    if batch.status != ImportBatch.Status.PENDING:
        raise ValidationError(_("This import is no longer waiting for confirmation."))


def batch_confirm(*, actor: User, batch: ImportBatch) -> Report:
    """Run the import for real. If the data changed since the upload and a row now fails,
    nothing is written and the new report replaces the old."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        _own_pending(actor, batch)
        report = run_import(
            read_uploaded(_files(batch)),
            municipality=batch.municipality,
            actor=actor,
            dry_run=False,
        )
        batch.report = report.to_dict()
        if report.applied:
            _finish(batch, ImportBatch.Status.APPLIED)
            record_change(
                actor=actor,
                action="import",
                obj=batch,
                after={"files": batch.file_names, "counts": batch.report["counts"]},
            )
        else:
            batch.save(update_fields=["report"])
    return report


@transaction.atomic
def batch_cancel(*, actor: User, batch: ImportBatch) -> None:
    _own_pending(actor, batch)
    _finish(batch, ImportBatch.Status.CANCELLED)
