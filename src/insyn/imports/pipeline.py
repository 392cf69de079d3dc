"""One import, start to finish: read, check every row, apply in one transaction, report.

Nothing is kept unless every row passed: a dry run, or any failing row, rolls the whole
transaction back. The change listeners (the analysis data versions) run once for the whole
import, at its end inside the transaction. Re-importing the same files changes nothing (rows
are matched by their references and unchanged rows write nothing, not even a change entry).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from insyn.core.audit import changes_batched
from insyn.imports.apply import Applier, Progress
from insyn.imports.formats import Source
from insyn.imports.report import Report
from insyn.imports.validate import validate
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from insyn.clients.services.common import ActorT

logger = logging.getLogger(__name__)


class _RollBack(Exception):
    pass


def municipality_by_code(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code.strip(), kind=OrgUnit.Kind.MUNICIPALITY).first()
    if unit is None:
        raise ValidationError(_("No municipality with the code %(code)s.") % {"code": code})
    return unit


def run_import(
    source: Source,
    *,
    municipality: OrgUnit,
    actor: ActorT,
    dry_run: bool,
    progress: Progress | None = None,
) -> Report:
    report = Report(files=list(source.files), dry_run=dry_run)
    report.issues.extend(source.issues)
    if not report.ok:
        return report
    plan = validate(source, municipality, report)
    if not report.ok:
        return report
    try:
        with transaction.atomic(), changes_batched():
            Applier(plan, actor, report, progress).run()
            if dry_run or not report.ok:
                raise _RollBack
    except _RollBack:
        pass
    report.applied = report.ok and not dry_run
    logger.info(
        "import into %s: %s, %s issue(s), %s",
        municipality.code,
        "dry run" if dry_run else ("applied" if report.applied else "rolled back"),
        len(report.issues),
        "; ".join(report.summary_lines()),
    )
    return report
