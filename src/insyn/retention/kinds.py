"""What each kind of record is, which of its records are due, and who they are about.

One `KindSpec` per kind: the rows it covers within a municipality, the date field each event
counts from, and the lookups from a row to the client it concerns (for legal holds and the
birth-day exception). What a due record loses is in `reduce.py`; docs/retention.md says it
in words.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce

from insyn.clients.models import Client
from insyn.core.models import AccessEntry
from insyn.imports.models import ImportBatch
from insyn.organisations.models import OrgUnit
from insyn.quality.models import Complaint, ControlCase, Deviation, LexSarahReport
from insyn.retention.models import Event, Kind, PeriodUnit
from insyn.surveys.models import Invitation, Response


def cutoff(today: dt.date, period: int, unit: str) -> dt.date:
    """The last event date that is due today: an event on this day or earlier has run its
    period (`event + period <= today`, counted back from today)."""
    if unit == PeriodUnit.DAYS:
        return today - dt.timedelta(days=period)
    months = period * (12 if unit == PeriodUnit.YEARS else 1)
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def _clients(municipality: OrgUnit, event: str, last: dt.date) -> QuerySet:
    """Clients with no open case whose last case closed (or last entry) is due. A client
    without any case counts from when it was registered."""
    rows = Client.objects.filter(municipality=municipality).annotate(
        open_cases=Count("cases", filter=Q(cases__closed_on__isnull=True)),
    )
    rows = rows.filter(open_cases=0)
    if event == Event.LAST_ENTRY:
        rows = rows.annotate(last_entry=Coalesce(Max("cases__updated_at"), F("updated_at")))
        return rows.filter(last_entry__date__lte=last, updated_at__date__lte=last)
    rows = rows.annotate(last_closed=Max("cases__closed_on"))
    return rows.filter(
        Q(last_closed__lte=last) | Q(last_closed__isnull=True, created_at__date__lte=last)
    )


def _in_tree(field: str) -> Callable[[OrgUnit], Q]:
    return lambda m: Q(**{f"{field}__startswith": m.path})


@dataclass(frozen=True)
class KindSpec:
    kind: str
    # rows of the kind in the municipality whose event is on or before the date
    due: Callable[[OrgUnit, str, dt.date], QuerySet]
    # lookups from a row to the client it concerns ("" is the row itself, a client)
    client_paths: tuple[str, ...] = ()
    removes_rows: bool = False  # the row goes (else it is reduced in place)


def _simple(model: type, where: Callable[[OrgUnit], Q], date_lookup: str) -> Callable:
    def due(municipality: OrgUnit, event: str, last: dt.date) -> QuerySet:
        return model._default_manager.filter(where(municipality), **{date_lookup: last})  # type: ignore[attr-defined]

    return due


def _municipality(m: OrgUnit) -> Q:
    return Q(municipality=m)


SPECS: dict[str, KindSpec] = {
    Kind.CLIENT: KindSpec(Kind.CLIENT, _clients, ("",)),
    Kind.RESPONSE: KindSpec(
        Kind.RESPONSE,
        _simple(Response, _in_tree("unit__path"), "submitted_on__lte"),
        ("occasion__enrollment__client", "intervention__case__client"),
    ),
    Kind.INVITATION: KindSpec(
        Kind.INVITATION,
        _simple(Invitation, _in_tree("unit__path"), "expires_at__date__lte"),
        ("response__occasion__enrollment__client", "response__intervention__case__client"),
        removes_rows=True,
    ),
    Kind.DEVIATION: KindSpec(
        Kind.DEVIATION,
        _simple(Deviation, _municipality, "closed_at__date__lte"),
        ("client", "case__client"),
    ),
    Kind.COMPLAINT: KindSpec(
        Kind.COMPLAINT, _simple(Complaint, _municipality, "closed_on__lte"), ("client",)
    ),
    Kind.LEX_SARAH: KindSpec(
        Kind.LEX_SARAH, _simple(LexSarahReport, _municipality, "closed_on__lte"), ("client",)
    ),
    Kind.REVIEW: KindSpec(
        Kind.REVIEW,
        _simple(ControlCase, lambda m: Q(round__municipality=m), "round__completed_on__lte"),
        ("case__client",),
    ),
    Kind.UPLOAD: KindSpec(
        Kind.UPLOAD,
        _simple(ImportBatch, _municipality, "created_at__date__lte"),
        removes_rows=True,
    ),
    # Audit entries: counted here; removed by the sanctioned purge (services/audit_trail.py).
    Kind.AUDIT: KindSpec(
        Kind.AUDIT,
        _simple(AccessEntry, _in_tree("org_path"), "at__date__lte"),
        ("client",),
        removes_rows=True,
    ),
}


@dataclass
class Sorted:
    """The due rows of one kind, split by what happens to them (primary keys only)."""

    due: list[int]
    held: list[int]
    excepted: list[int]


def sort_due(
    spec: KindSpec,
    rows: QuerySet,
    *,
    held_clients: set[int],
    birth_days: list[int],
) -> Sorted:
    """Split due rows into those to reduce, those a legal hold keeps and those an exception
    keeps. A hold wins over an exception (it is reported as held)."""
    id_fields: list[str] = []
    day_fields: list[str] = []
    for path in spec.client_paths:
        if spec.kind == Kind.AUDIT:
            id_fields.append("client_id")
        elif path:
            id_fields.append(f"{path}_id" if "__" not in path else f"{path}__id")
            day_fields.append(f"{path}__birth_date")
        else:
            id_fields.append("pk")
            day_fields.append("birth_date")
    result = Sorted([], [], [])
    for row in rows.values_list("pk", *id_fields, *day_fields).distinct():
        pk, ids, days = row[0], row[1 : 1 + len(id_fields)], row[1 + len(id_fields) :]
        if any(i in held_clients for i in ids if i is not None):
            result.held.append(pk)
        elif birth_days and any(d is not None and d.day in birth_days for d in days):
            result.excepted.append(pk)
        else:
            result.due.append(pk)
    return result
