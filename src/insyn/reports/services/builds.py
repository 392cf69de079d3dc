"""Report files built in the background (django-tasks): request a build, then the task
resolves the document block by block (recording progress on the build), renders the format
and stores the file. An approved report's build is its frozen file, copied byte for byte.

The build's states form a small machine, moved only by `_move`, which changes a row only when
it is still in the state the move starts from: a task that runs twice, or a build that was
already finished, is left alone.

    queued ──> running ──> done
       │          │
       └──────────┴──────> failed
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from insyn.core.audit import record_change
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.reports import spec
from insyn.reports.models import Report, ReportBuild, ReportFile

if TYPE_CHECKING:
    from insyn.accounts.models import User

logger = logging.getLogger(__name__)

State = ReportBuild.State
TRANSITIONS: dict[str, frozenset[str]] = {
    State.QUEUED: frozenset({State.RUNNING, State.FAILED}),
    State.RUNNING: frozenset({State.DONE, State.FAILED}),
    State.DONE: frozenset(),
    State.FAILED: frozenset(),
}
# Finished builds older than this are deleted when a new build of the report is requested:
# a build is a way to fetch a file, not an archive (an approved report keeps its own files).
KEEP = dt.timedelta(days=7)


class BuildError(Exception):
    """A build that cannot be made, with a message for the person who asked for it."""


def _move(build_id: int, source: str, target: str, **fields: Any) -> bool:
    """`source` → `target` if the build is still in `source`; False when it is not."""
    if target not in TRANSITIONS[source]:
        raise ValueError(f"a report build cannot go from {source} to {target}")
    return bool(
        ReportBuild.objects.filter(pk=build_id, state=source).update(state=target, **fields)
    )


def request_build(*, actor: User, report: Report, fmt: str) -> ReportBuild:
    """A new build of `report` as `fmt` (handle_quality on the report's unit), queued for the
    background task. While a build of the same format by the same person is still queued or
    running, that one is returned instead of a second."""
    if fmt not in ReportFile.Format.values:
        raise ValidationError({"format": _("Choose PDF, DOCX or HTML.")})
    with transaction.atomic():
        ensure_in_scope(actor, Action.HANDLE_QUALITY, report.scope_path())
        pending = report.builds.filter(
            format=fmt, requested_by=actor, state__in=[State.QUEUED, State.RUNNING]
        ).first()
        if pending is not None:
            return pending
        report.builds.filter(
            state__in=[State.DONE, State.FAILED], created_at__lt=timezone.now() - KEEP
        ).delete()
        build = ReportBuild.objects.create(report=report, format=fmt, requested_by=actor)
        record_change(
            actor=actor,
            action="create",
            obj=build,
            after={"report": report.pk, "format": fmt, "state": build.state},
        )
        _enqueue(build.pk)
    return build


def _enqueue(build_id: int) -> None:
    from insyn.reports.tasks import build_report

    transaction.on_commit(lambda: build_report.enqueue(build_id))


def run_build(build_id: int) -> str:
    """The task's work: queued → running → done (or failed, with a plain message). Returns
    the state the build ends in."""
    if not _move(build_id, State.QUEUED, State.RUNNING, started_at=timezone.now()):
        build = ReportBuild.objects.filter(pk=build_id).only("state").first()
        return build.state if build else "missing"
    build = ReportBuild.objects.select_related("report", "report__unit", "requested_by").get(
        pk=build_id
    )
    report = build.report
    try:
        content, frozen = _content(build)
    except Exception as exc:
        if not isinstance(exc, BuildError):
            logger.exception("report build %s failed", build_id)
        with override(report.language):
            message = (
                str(exc)
                if isinstance(exc, BuildError)
                else _("The %(format)s file could not be made (%(error)s). Try again later.")
                % {"format": build.format.upper(), "error": type(exc).__name__}
            )
        _move(
            build_id, State.RUNNING, State.FAILED, error=message[:500], finished_at=timezone.now()
        )
        return State.FAILED
    _move(
        build_id,
        State.RUNNING,
        State.DONE,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        frozen=frozen,
        finished_at=timezone.now(),
    )
    return State.DONE


def _content(build: ReportBuild) -> tuple[bytes, bool]:
    """The file's bytes, and whether they are an approved report's frozen file."""
    from insyn.reports.renderers import render
    from insyn.reports.services.build import live_document

    report = build.report
    if report.is_frozen:
        stored = report.files.filter(format=build.format).first()
        if stored is None:
            with override(report.language):
                raise BuildError(
                    _("The approved report has no %(format)s file.")
                    % {"format": build.format.upper()}
                )
        blocks = len(spec.blocks(report.template))
        _progress(build.pk, blocks, blocks)
        return bytes(stored.content), True
    doc = live_document(report, build.requested_by, progress=lambda d, t: _progress(build.pk, d, t))
    return render(doc, build.format), False


def _progress(build_id: int, done: int, total: int) -> None:
    """Written outside any long transaction (the task holds none), so the page sees it."""
    ReportBuild.objects.filter(pk=build_id, state=State.RUNNING).update(
        progress_done=done, progress_total=total
    )
