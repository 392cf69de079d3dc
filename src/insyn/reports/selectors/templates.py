"""Reads of report templates: which version of a key applies for a municipality, the
templates a quality lead may manage, and their YAML for export.

A municipality's newest *active* version of a key applies; without one the shipped file does.
Another municipality's templates are never returned: every read names the municipality."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from insyn.organisations.models import OrgUnit
from insyn.reports import spec
from insyn.reports.models import ReportTemplate
from insyn.reports.selectors import writable_units

if TYPE_CHECKING:
    from insyn.accounts.models import User


def _municipality_id(municipality: OrgUnit | int) -> int:
    return int(municipality.pk if isinstance(municipality, OrgUnit) else municipality)


def own_versions(municipality: OrgUnit | int) -> QuerySet[ReportTemplate]:
    return ReportTemplate.objects.filter(municipality_id=_municipality_id(municipality))


def own_keys(municipality: OrgUnit | int) -> set[str]:
    return set(own_versions(municipality).filter(active=True).values_list("key", flat=True))


def own_template(key: str, municipality: OrgUnit | int) -> ReportTemplate | None:
    """The municipality's newest active version of `key`, if it has one."""
    return own_versions(municipality).filter(key=key, active=True).order_by("-version").first()


def shipped_version(key: str) -> int | None:
    """The version of the shipped template `key` (None when nothing is shipped by that key)."""
    if key not in spec.available():
        return None
    return int(spec.parse(spec.shipped_source(key))["version"])


def export_source(key: str, municipality: OrgUnit | int | None = None) -> str:
    """The YAML of the version that applies (as uploaded, or the shipped file)."""
    if municipality is not None:
        own = own_template(key, municipality)
        if own is not None:
            return own.source
    return spec.shipped_source(key, municipality)


def template_municipalities(user: User) -> QuerySet[OrgUnit]:
    """The municipalities whose templates `user` manages: where they may write a report
    (HANDLE_QUALITY on the municipality or one of its administrations)."""
    ids = writable_units(user).values_list("municipality_id", flat=True)
    return OrgUnit.objects.filter(pk__in=ids).order_by("name")


@dataclass(frozen=True)
class TemplateRow:
    """One line of the templates page: a shipped template or one own version."""

    key: str
    version: int
    title: str
    municipality: OrgUnit | None
    row: ReportTemplate | None  # None for a shipped file
    applies: bool


def template_rows(user: User, language: str = "sv") -> list[TemplateRow]:
    """Shipped templates, then every version of the user's municipalities' own ones; `applies`
    marks what a new draft in that municipality would use."""
    municipalities = list(template_municipalities(user))
    rows: list[TemplateRow] = []
    own_applying: dict[int, set[str]] = {m.pk: own_keys(m) for m in municipalities}
    for key in spec.available():
        data = spec.parse(spec.shipped_source(key))
        overridden = all(key in own_applying[m.pk] for m in municipalities) and municipalities
        rows.append(
            TemplateRow(
                key=key,
                version=int(data["version"]),
                title=spec.text(data["title"], language),
                municipality=None,
                row=None,
                applies=not overridden,
            )
        )
    versions: QuerySet[ReportTemplate] = ReportTemplate.objects.filter(
        municipality__in=municipalities
    ).select_related("municipality", "uploaded_by")
    applying: dict[tuple[int | None, str], ReportTemplate | None] = {
        (m.pk, key): own_template(key, m) for m in municipalities for key in own_applying[m.pk]
    }
    for t in versions.order_by("municipality__name", "key", "-version"):
        current = applying.get((t.municipality_id, t.key))
        rows.append(
            TemplateRow(
                key=t.key,
                version=t.version,
                title=spec.text(t.content.get("title"), language),
                municipality=t.municipality,
                row=t,
                applies=current is not None and current.pk == t.pk,
            )
        )
    return rows
