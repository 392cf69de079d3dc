"""Follow-up test data: a programme like the demo's (AUDIT + problem days before and after),
and clients with an intervention, built through the real services where they exist."""

from __future__ import annotations

import datetime as dt
import itertools

from insyn.clients.models import (
    Case,
    CaseSource,
    Client,
    Decision,
    EndReason,
    Intervention,
    InterventionGroup,
    InterventionType,
    LegalBasis,
)
from insyn.core.identity import person_key
from insyn.followup.models import Instrument, Programme, Stage, StageVariable, Variable
from insyn.organisations.models import OrgUnit

_seq = itertools.count(1)


def catalogue_basics() -> dict[str, object]:
    """The few catalogue rows these tests need (the clients app ships the full catalogues)."""
    group, _ = InterventionGroup.objects.get_or_create(
        code="t-outpatient", defaults={"name": "Öppenvård"}
    )
    opv, _ = InterventionType.objects.get_or_create(
        code="t-opv", defaults={"name": "Öppenvård missbruk", "group": group}
    )
    hvb, _ = InterventionType.objects.get_or_create(
        code="t-hvb", defaults={"name": "HVB", "group": group, "is_placement": True}
    )
    sol, _ = LegalBasis.objects.get_or_create(
        code="t-sol", defaults={"name": "SoL bistånd", "law": "SoL"}
    )
    source, _ = CaseSource.objects.get_or_create(code="t-ansokan", defaults={"name": "Ansökan"})
    done, _ = EndReason.objects.get_or_create(
        code="t-completed", defaults={"name": "Avslutad enligt plan", "outcome": "completed"}
    )
    return {"opv": opv, "hvb": hvb, "sol": sol, "source": source, "completed": done}


def programme(
    owner: OrgUnit,
    *,
    key: str = "missbruk",
    version: int = 1,
    published: bool = True,
    types: list[InterventionType] | None = None,
    sampling: str = Programme.Sampling.ALL,
    sampling_days: list[int] | None = None,
) -> Programme:
    """Before (at start, sets goals) and after (30 days after the end, assesses goals):
    AUDIT (instrument), problem days (0–30, lower is better), housing (single choice)."""
    p = Programme.objects.create(
        key=key,
        version=version,
        name="Missbruks- och beroendevård vuxna",
        owner=owner,
        status=Programme.Status.PUBLISHED if published else Programme.Status.DRAFT,
        sampling=sampling,
        sampling_days=sampling_days or [],
    )
    if types:
        p.intervention_types.set(types)
    before = Stage.objects.create(
        programme=p,
        key="before",
        name="Före",
        kind="before",
        anchor="intervention_start",
        offset_days=0,
        window_before_days=14,
        window_after_days=14,
        sets_goals=True,
        sort_order=1,
    )
    after = Stage.objects.create(
        programme=p,
        key="after",
        name="Efter",
        kind="after",
        anchor="intervention_end",
        offset_days=30,
        window_before_days=7,
        window_after_days=30,
        assesses_goals=True,
        sort_order=2,
    )
    audit = Variable.objects.create(
        programme=p,
        key="audit",
        label="AUDIT",
        type="instrument",
        instrument=Instrument.objects.get(key="audit"),
        direction="lower",
        is_main_measure=True,
        sort_order=1,
    )
    days = Variable.objects.create(
        programme=p,
        key="problem_days",
        label="Problemdagar",
        type="integer",
        min_value=0,
        max_value=30,
        unit="dagar",
        direction="lower",
        sort_order=2,
    )
    from insyn.followup.models import OptionSet

    housing = Variable.objects.create(
        programme=p,
        key="housing",
        label="Boende",
        type="single",
        option_set=OptionSet.objects.get(key="yes-no"),
        sort_order=3,
    )
    for stage in (before, after):
        StageVariable.objects.create(stage=stage, variable=audit, required=True, sort_order=1)
        StageVariable.objects.create(stage=stage, variable=days, sort_order=2)
        StageVariable.objects.create(stage=stage, variable=housing, sort_order=3)
    return p


def intervention(
    unit: OrgUnit,
    itype: InterventionType,
    *,
    started_on: dt.date | None,
    ended_on: dt.date | None = None,
    birth_date: dt.date = dt.date(1980, 5, 5),
    sex: str = "M",
    case_worker=None,
) -> Intervention:
    n = next(_seq)
    basics = catalogue_basics()
    municipality = unit.municipality
    client = Client.objects.create(
        municipality=municipality,
        unit=unit,
        client_ref=f"K{n:05d}",
        person_key=person_key(f"1980050{n:05d}"),
        id_kind="personnummer",
        birth_date=birth_date,
        sex=sex,
    )
    case = Case.objects.create(
        municipality=municipality,
        client=client,
        unit=unit,
        case_ref=f"A{n:05d}",
        opened_on=(started_on or dt.date.today()) - dt.timedelta(days=20),
        source=basics["source"],
        case_worker=case_worker,
    )
    decision = Decision.objects.create(
        case=case,
        intervention_type=itype,
        legal_basis=basics["sol"],
        decided_on=(started_on or dt.date.today()) - dt.timedelta(days=5),
    )
    return Intervention.objects.create(
        municipality=municipality,
        case=case,
        decision=decision,
        intervention_ref=f"I{n:05d}",
        intervention_type=itype,
        started_on=started_on,
        ended_on=ended_on,
    )


def audit_items(points: list[int]) -> dict[str, str]:
    return {f"audit.q{i}": str(p) for i, p in enumerate(points, start=1)}
