"""Writes of report templates: upload a municipality's own version (YAML), deactivate or
reactivate one. Each checks that the actor manages the municipality's templates, inside the
transaction, and records a change entry as the report writes do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.reports.models import ReportTemplate
from insyn.reports.selectors.templates import shipped_version, template_municipalities
from insyn.reports.spec_check import check_source

if TYPE_CHECKING:
    from insyn.accounts.models import User
    from insyn.organisations.models import OrgUnit


def _ensure_manages(actor: User | None, municipality: OrgUnit) -> None:
    """Out of scope is the same 404 as a missing page; `None` is the system itself."""
    if actor is not None and not template_municipalities(actor).filter(pk=municipality.pk).exists():
        raise Http404


def upload(*, actor: User | None, municipality: OrgUnit, source: str) -> ReportTemplate:
    """Store `source` as the municipality's new version of its key. Every problem of the YAML
    is raised at once (ValidationError with a list) and nothing is stored; the version must be
    above every earlier one of the key, the shipped one included."""
    if municipality.kind != municipality.Kind.MUNICIPALITY:
        raise ValidationError({"municipality": _("Choose a municipality.")})
    data, problems = check_source(source)
    if data is None:
        raise ValidationError(problems)
    key, version = str(data["key"]), int(data["version"])
    with transaction.atomic():
        _ensure_manages(actor, municipality)
        own = ReportTemplate.objects.select_for_update().filter(municipality=municipality, key=key)
        top = max(own.aggregate(m=Max("version"))["m"] or 0, shipped_version(key) or 0)
        if version <= top:
            raise ValidationError(
                {
                    "version": _(
                        "Template %(key)s already has version %(top)s: upload it as version "
                        "%(next)s or higher (versions only go up)."
                    )
                    % {"key": key, "top": top, "next": top + 1}
                }
            )
        template = ReportTemplate.objects.create(
            key=key,
            version=version,
            municipality=municipality,
            source=source,
            content=data,
            uploaded_by=actor,
        )
        record_change(actor=actor, action="create", obj=template)
    return template


def set_active(*, actor: User | None, template: ReportTemplate, active: bool) -> ReportTemplate:
    """Withdraw a version (the newest active other version, else the shipped one, applies to new
    drafts) or bring it back. Drafts already made keep their copy."""
    with transaction.atomic():
        locked = ReportTemplate.objects.select_for_update().get(pk=template.pk)
        if locked.municipality is None:
            raise Http404
        _ensure_manages(actor, locked.municipality)
        if locked.active == active:
            return locked
        before = snapshot(locked)
        locked.active = active
        locked.save(update_fields=["active"])
        record_change(
            actor=actor, action="activate" if active else "deactivate", obj=locked, before=before
        )
    return locked
