"""Computed key figures of casework: re-actualisation (KKiK), investigation time, waiting time
from decision to execution and non-executed decisions. Each computation reads the
municipality's cases in bulk and returns raw cells per unit and sex (`tally`); the catalogue
(fixtures/catalogues/indicators.yaml) writes out the same definitions for the page.

Re-actualisation, precisely (KKiK: "inte återaktualiserats inom ett år"):

- A person's *items* are their investigations (started → completed) and started interventions
  (started → ended) in the cases the figure looks at. Financial assistance is left out: cases
  whose reason for intake is financial need, and interventions of the financial group.
- The person's *end day* E is the last day within the base half-year on which one of their
  items ended and every item started on or before E had ended (nothing ongoing).
- Base half-year: for a calendar year T, 1 January–30 June of T-1. In general the six months
  that end 18 months before the period ends, so a rolling twelve-month period ending on D
  uses the half-year ending on D minus 18 months (its one-year follow-up is complete by D).
- Age on E: 0–12 (children) or 13–20 (youth), all areas except financial assistance; adults
  21 and over in substance-abuse cases (reason for intake alcohol, drugs, mixed substances,
  prescription drugs or gambling) and only those cases count for them.
- *Back* = a new case opened, investigation started or intervention started (in the cases
  the figure looks at) after E and no later than the same date twelve months later
  (`add_months(E, 12)`: back on that day counts as back, one day later does not).
- Figure: 100 · (base persons not back) / (base persons). The person counts for the unit of
  the case whose item ended on E (the latest such case), and for every unit above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from insyn.clients.four_months import FourMonthStatus, four_month_status_of, is_over_four_months
from insyn.clients.models import Case, Client, Decision, Intervention, Investigation
from insyn.core.dates import add_months
from insyn.indicators.computations import Cell, register
from insyn.indicators.computations.tally import (
    Record,
    UnitChains,
    age_on,
    count_cells,
    median_cells,
    share_cells,
)
from insyn.indicators.periods import Period
from insyn.organisations.models import OrgUnit
from insyn.quality.selectors import non_executed as sel

FINANCIAL_REASONS = frozenset({"financial_need"})
FINANCIAL_GROUPS = frozenset({"financial"})
SUBSTANCE_REASONS = frozenset({"alcohol", "drugs", "mixed_substances", "medicines", "gambling"})
FOLLOW_UP_MONTHS = 12
CHILD_AGES = (0, 12)
YOUTH_AGES = (13, 20)
ADULT_FROM = 21
INVESTIGATION_MAX_AGE = 20


@dataclass
class CaseworkComputation:
    name: str
    function: Callable[[OrgUnit, Period], list[Cell]]

    def compute(self, municipality: OrgUnit, period: Period) -> Sequence[Cell]:
        return self.function(municipality, period)


# --- Re-actualisation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    start: dt.date
    end: dt.date | None
    case_id: int


@dataclass
class Journey:
    """One client's items and case openings in the cases a figure looks at."""

    birth_date: dt.date
    sex: str
    items: list[Item] = field(default_factory=list)
    openings: list[dt.date] = field(default_factory=list)


def base_window(period: Period) -> tuple[dt.date, dt.date]:
    """The base half-year: six months ending 18 months before the period ends."""
    after_end = period.end + dt.timedelta(days=1)
    return add_months(after_end, -24), add_months(after_end, -18) - dt.timedelta(days=1)


def end_day(items: Sequence[Item], first: dt.date, last: dt.date) -> dt.date | None:
    """The last day in [first, last] on which an item ended with nothing ongoing."""
    ends = sorted({i.end for i in items if i.end is not None and first <= i.end <= last})
    for day in reversed(ends):
        if all(i.end is not None and i.end <= day for i in items if i.start <= day):
            return day
    return None


def is_back(journey: Journey, day: dt.date) -> bool:
    limit = add_months(day, FOLLOW_UP_MONTHS)
    starts = [i.start for i in journey.items] + journey.openings
    return any(day < start <= limit for start in starts)


CaseInfo = tuple[int, int, dt.date]  # client, unit, opened_on


def journeys(
    municipality: OrgUnit, *, substance_only: bool
) -> tuple[dict[int, Journey], dict[int, CaseInfo]]:
    """Every client's journey in the municipality (financial assistance left out; with
    `substance_only` only substance-abuse cases), and each case's (unit, opened_on)."""
    cases: dict[int, CaseInfo] = {}
    rows = Case.objects.filter(municipality=municipality).values_list(
        "pk", "client_id", "unit_id", "opened_on", "reason__code"
    )
    for pk, client_id, unit_id, opened_on, reason in rows:
        if reason in FINANCIAL_REASONS:
            continue
        if substance_only and reason not in SUBSTANCE_REASONS:
            continue
        cases[pk] = (client_id, unit_id, opened_on)
    people: dict[int, Journey] = {}
    clients = Client.objects.filter(pk__in={c for c, _u, _o in cases.values()}).values_list(
        "pk", "birth_date", "sex"
    )
    for pk, birth_date, sex in clients:
        people[pk] = Journey(birth_date, sex)
    for client_id, _unit, opened_on in cases.values():
        people[client_id].openings.append(opened_on)
    investigations = Investigation.objects.filter(case_id__in=list(cases)).values_list(
        "case_id", "started_on", "completed_on"
    )
    interventions = (
        Intervention.objects.filter(case_id__in=list(cases), started_on__isnull=False)
        .exclude(intervention_type__group__code__in=FINANCIAL_GROUPS)
        .values_list("case_id", "started_on", "ended_on")
    )
    for case_id, start, end in [*investigations, *interventions]:
        if start is not None:
            people[cases[case_id][0]].items.append(Item(start, end, case_id))
    return people, cases


def reactualisation_records(
    municipality: OrgUnit, period: Period, *, ages: tuple[int, int | None], substance_only: bool
) -> list[Record]:
    first, last = base_window(period)
    people, cases = journeys(municipality, substance_only=substance_only)
    records = []
    for journey in people.values():
        day = end_day(journey.items, first, last)
        if day is None:
            continue
        age = age_on(journey.birth_date, day)
        if age < ages[0] or (ages[1] is not None and age > ages[1]):
            continue
        ended = [i.case_id for i in journey.items if i.end == day]
        case_id = max(ended, key=lambda pk: (cases[pk][2], pk))
        records.append(Record(cases[case_id][1], journey.sex, hit=not is_back(journey, day)))
    return records


def reactualisation_children(municipality: OrgUnit, period: Period) -> list[Cell]:
    records = reactualisation_records(municipality, period, ages=CHILD_AGES, substance_only=False)
    return share_cells(records, UnitChains(municipality))


def reactualisation_youth(municipality: OrgUnit, period: Period) -> list[Cell]:
    records = reactualisation_records(municipality, period, ages=YOUTH_AGES, substance_only=False)
    return share_cells(records, UnitChains(municipality))


def reactualisation_adults(municipality: OrgUnit, period: Period) -> list[Cell]:
    records = reactualisation_records(
        municipality, period, ages=(ADULT_FROM, None), substance_only=True
    )
    return share_cells(records, UnitChains(municipality))


# --- Investigations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletedInvestigation:
    unit_id: int
    sex: str
    started_on: dt.date
    completed_on: dt.date
    extended_on: dt.date | None

    @property
    def days(self) -> int:
        return (self.completed_on - self.started_on).days


def completed_investigations(municipality: OrgUnit, period: Period) -> list[CompletedInvestigation]:
    """Investigations completed in the period about children and youth 0–20 (age on the day
    the investigation started), financial assistance left out."""
    rows = (
        Investigation.objects.filter(
            case__municipality=municipality,
            completed_on__gte=period.start,
            completed_on__lte=period.end,
        )
        .exclude(case__reason__code__in=FINANCIAL_REASONS)
        .values_list(
            "case__unit_id",
            "case__client__sex",
            "case__client__birth_date",
            "started_on",
            "completed_on",
            "extended_on",
        )
    )
    return [
        CompletedInvestigation(unit, sex, start, done, extended)
        for unit, sex, born, start, done, extended in rows
        if done is not None and age_on(born, start) <= INVESTIGATION_MAX_AGE
    ]


def investigation_time_median(municipality: OrgUnit, period: Period) -> list[Cell]:
    found = completed_investigations(municipality, period)
    records = [Record(i.unit_id, i.sex, days=i.days) for i in found]
    return median_cells(records, UnitChains(municipality))


def investigation_over_four_months(municipality: OrgUnit, period: Period) -> list[Cell]:
    found = completed_investigations(municipality, period)
    records = [
        Record(i.unit_id, i.sex, hit=is_over_four_months(i.started_on, i.completed_on))
        for i in found
    ]
    return share_cells(records, UnitChains(municipality))


def investigation_over_four_months_no_extension(
    municipality: OrgUnit, period: Period
) -> list[Cell]:
    found = completed_investigations(municipality, period)
    late = FourMonthStatus.LATE_WITHOUT_EXTENSION
    records = [
        Record(
            i.unit_id,
            i.sex,
            hit=four_month_status_of(i.started_on, i.completed_on, i.extended_on, i.completed_on)
            == late,
        )
        for i in found
    ]
    return share_cells(records, UnitChains(municipality))


# --- Decisions -----------------------------------------------------------------------------------


def decision_to_execution_median(municipality: OrgUnit, period: Period) -> list[Cell]:
    """Days from decision to execution of decisions executed in the period (financial
    assistance left out)."""
    rows = (
        Decision.objects.filter(
            case__municipality=municipality,
            executed_on__gte=period.start,
            executed_on__lte=period.end,
        )
        .exclude(intervention_type__group__code__in=FINANCIAL_GROUPS)
        .values_list("case__unit_id", "case__client__sex", "decided_on", "executed_on")
    )
    records = [
        Record(unit, sex, days=(executed - decided).days)
        for unit, sex, decided, executed in rows
        if executed is not None
    ]
    return median_cells(records, UnitChains(municipality))


def non_executed_decisions(municipality: OrgUnit, period: Period) -> list[Cell]:
    """Decisions on the IVO list of non-executed decisions at some time in the period (the
    quality app's three-month rule, as of the period's last day): reportable on or before the
    last day and not resolved before the first. Counted per decision; units with a
    reportable decision made in the period, or one on the list, get a value (0 included)."""
    decisions = sel.reportable_decisions(
        Decision.objects.filter(case__municipality=municipality, decided_on__lte=period.end)
    )
    listed = {
        e.decision.pk
        for e in sel.episodes(decisions, period.end)
        if e.reportable_from <= period.end
        and (e.resolved_on is None or e.resolved_on >= period.start)
    }
    records = [
        Record(d.case.unit_id, d.case.client.sex, hit=d.pk in listed)
        for d in decisions
        if d.pk in listed or d.decided_on >= period.start
    ]
    return count_cells(records, UnitChains(municipality))


COMPUTATIONS = [
    CaseworkComputation("reactualisation_children", reactualisation_children),
    CaseworkComputation("reactualisation_youth", reactualisation_youth),
    CaseworkComputation("reactualisation_adults", reactualisation_adults),
    CaseworkComputation("investigation_time_median", investigation_time_median),
    CaseworkComputation("investigation_over_four_months", investigation_over_four_months),
    CaseworkComputation(
        "investigation_over_four_months_no_extension", investigation_over_four_months_no_extension
    ),
    CaseworkComputation("decision_to_execution_median", decision_to_execution_median),
    CaseworkComputation("non_executed_decisions", non_executed_decisions),
]

for _computation in COMPUTATIONS:
    register(_computation)
