"""Follow-up data for analytics tests, written straight through the ORM (bulk_create).

`make_programme(tree)` builds a programme with every kind of variable; `populate(...)`
generates enrolments with occasions, values and goals from a seeded random generator, so the
numbers are varied (small and large cells, ties, zeros, missing values, non-response) yet
reproducible. Tests compute their expectations from the database tables with pandas, never
from the frames under test.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

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
    Provider,
)
from insyn.followup.models import (
    Enrollment,
    Goal,
    Instrument,
    NonResponseReason,
    Occasion,
    Option,
    OptionSet,
    Programme,
    ScoreBand,
    Stage,
    StageVariable,
    Value,
    Variable,
)
from insyn.organisations.models import OrgUnit


@dataclass
class Catalogues:
    types: list[InterventionType]
    legal: list[LegalBasis]
    providers: list[Provider]
    completed: EndReason
    interrupted: EndReason
    moved: EndReason
    reasons: list[NonResponseReason]
    source: CaseSource


@dataclass
class Design:
    programme: Programme
    stages: dict[str, Stage]
    variables: dict[str, Variable]
    options: dict[str, dict[str, Option]]
    catalogues: Catalogues
    versions: list[Programme] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.programme.key


def catalogues() -> Catalogues:
    group = InterventionGroup.objects.get_or_create(code="treat", defaults={"name": "Behandling"})[
        0
    ]
    types = [
        InterventionType.objects.get_or_create(code=code, defaults={"name": name, "group": group})[
            0
        ]
        for code, name in [("mi", "MI-samtal"), ("crapp", "CRA"), ("hvb", "HVB-placering")]
    ]
    legal = [
        LegalBasis.objects.get_or_create(code=code, defaults={"name": name, "law": law})[0]
        for code, name, law in [("sol-4-1", "SoL 4 kap. 1 §", "SoL"), ("lvm-4", "LVM 4 §", "LVM")]
    ]
    providers = [
        Provider.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})[0]
        for code, name, kind in [
            ("own", "Egen öppenvård", "own"),
            ("ext", "Extern HVB", "external"),
        ]
    ]
    ends = {
        code: EndReason.objects.get_or_create(
            code=code, defaults={"name": code, "outcome": outcome}
        )[0]
        for code, outcome in [
            ("plan", "completed"),
            ("dropout", "interrupted"),
            ("moved", "other"),
        ]
    }
    reasons = [
        NonResponseReason.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [("declined", "Avböjde"), ("unreachable", "Ej nåbar")]
    ]
    source = CaseSource.objects.get_or_create(code="application", defaults={"name": "Ansökan"})[0]
    return Catalogues(
        types, legal, providers, ends["plan"], ends["dropout"], ends["moved"], reasons, source
    )


def _options(key: str, rows: list[tuple[str, str, bool, float | None]]) -> OptionSet:
    option_set = OptionSet.objects.get_or_create(key=key, defaults={"name": key})[0]
    for i, (code, label, missing, value) in enumerate(rows):
        Option.objects.get_or_create(
            option_set=option_set,
            code=code,
            defaults={"label": label, "is_missing": missing, "value": value, "sort_order": i},
        )
    return option_set


def make_programme(tree, key: str = "vux", version: int = 1) -> Design:
    """Stages before/after/later; variables of every analysable kind."""
    cats = catalogues()
    programme = Programme.objects.create(
        key=key, version=version, name=f"Vuxen {key}", owner=tree.vaxjo, status="published"
    )
    stages = {
        s.key: s
        for s in Stage.objects.bulk_create(
            [
                Stage(
                    programme=programme,
                    key="before",
                    name="Före",
                    kind="before",
                    anchor="intervention_start",
                    sort_order=1,
                ),
                Stage(
                    programme=programme,
                    key="after",
                    name="Efter",
                    kind="after",
                    anchor="intervention_end",
                    sort_order=2,
                ),
                Stage(
                    programme=programme,
                    key="later",
                    name="Uppföljning",
                    kind="later",
                    anchor="intervention_end",
                    offset_days=180,
                    sort_order=3,
                ),
            ]
        )
    }
    instrument = Instrument.objects.get_or_create(
        key="audit", defaults={"name": "AUDIT", "max_total": 40, "direction": "lower"}
    )[0]
    if not instrument.bands.exists():
        # AUDIT's usual cut-offs: women, men, and unknown sex.
        cuts = {"K": 5, "M": 7, "": 6}
        ScoreBand.objects.bulk_create(
            [
                band
                for sex, top in cuts.items()
                for band in (
                    ScoreBand(
                        instrument=instrument,
                        sex=sex,
                        min_score=0,
                        max_score=top,
                        code="low",
                        label="Låg",
                        rank=1,
                    ),
                    ScoreBand(
                        instrument=instrument,
                        sex=sex,
                        min_score=top + 1,
                        max_score=40,
                        code="high",
                        label="Hög",
                        rank=2,
                    ),
                )
            ]
        )
    housing = _options(
        "housing",
        [
            ("own", "Eget boende", False, None),
            ("rent", "Andrahand", False, None),
            ("none", "Bostadslös", False, None),
            ("dk", "Vet ej", True, None),
        ],
    )
    support = _options(
        "support",
        [
            ("family", "Familj", False, None),
            ("friends", "Vänner", False, None),
            ("pro", "Professionella", False, None),
        ],
    )
    variables = {
        v.key: v
        for v in Variable.objects.bulk_create(
            [
                Variable(
                    programme=programme,
                    key="days",
                    label="Dagar med problem",
                    type="integer",
                    unit="dagar",
                    min_value=0,
                    max_value=30,
                    direction="lower",
                    is_main_measure=True,
                    sort_order=1,
                ),
                Variable(
                    programme=programme,
                    key="audit",
                    label="AUDIT",
                    type="instrument",
                    instrument=instrument,
                    sort_order=2,
                    is_main_measure=True,
                ),
                Variable(
                    programme=programme,
                    key="housing",
                    label="Boende",
                    type="single",
                    option_set=housing,
                    sort_order=3,
                ),
                Variable(
                    programme=programme,
                    key="employed",
                    label="Arbete",
                    type="boolean",
                    sort_order=4,
                ),
                Variable(
                    programme=programme,
                    key="support",
                    label="Stöd",
                    type="multiple",
                    option_set=support,
                    sort_order=5,
                ),
                Variable(
                    programme=programme,
                    key="wellbeing",
                    label="Välmående",
                    type="decimal",
                    direction="higher",
                    sort_order=6,
                ),
                Variable(
                    programme=programme,
                    key="relapse_on",
                    label="Återfall",
                    type="date",
                    sort_order=7,
                ),
                Variable(
                    programme=programme, key="note", label="Anteckning", type="text", sort_order=8
                ),
            ]
        )
    }
    StageVariable.objects.bulk_create(
        [
            StageVariable(stage=stages[s], variable=variables[v])
            for s in ("before", "after", "later")
            for v in ("days", "audit", "housing", "employed", "support", "wellbeing", "note")
        ]
        + [StageVariable(stage=stages["later"], variable=variables["relapse_on"])]
    )
    options = {
        "housing": {o.code: o for o in housing.options.all()},
        "support": {o.code: o for o in support.options.all()},
    }
    return Design(programme, stages, variables, options, cats, [programme])


@dataclass
class Generated:
    design: Design
    enrollments: list[Enrollment]


def populate(
    tree,
    design: Design,
    *,
    n: int = 240,
    seed: int = 7,
    units: list[OrgUnit] | None = None,
    repeat_share: float = 0.05,
) -> Generated:
    """n enrolments spread over `units` (default: Växjö's two units and Kalmar's)."""
    rng = random.Random(seed)
    cats = design.catalogues
    units = units or [tree.vux_unit, tree.bof_unit, tree.kalmar_unit]
    weights = [6, 3, 2][: len(units)] + [1] * max(0, len(units) - 3)
    first = Client.objects.count()
    clients: list[Client] = []
    for i in range(n):
        if clients and rng.random() < repeat_share:
            continue
        unit = rng.choices(units, weights)[0]
        clients.append(
            Client(
                municipality_id=unit.municipality_id,
                unit=unit,
                client_ref=f"{design.key}-{seed}-{first + i}",
                id_kind="none",
                birth_date=dt.date(rng.randint(1950, 2012), rng.randint(1, 12), rng.randint(1, 28)),
                sex=rng.choices(["K", "M", "X"], [45, 50, 5])[0],
            )
        )
    clients = Client.objects.bulk_create(clients)
    picks = list(clients) + [rng.choice(clients) for _ in range(n - len(clients))]
    cases = Case.objects.bulk_create(
        [
            Case(
                municipality_id=c.municipality_id,
                client=c,
                unit=c.unit,
                case_ref=f"case-{design.key}-{seed}-{i}",
                opened_on=dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 700)),
                source=cats.source,
            )
            for i, c in enumerate(picks)
        ]
    )
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                case=case,
                intervention_type=rng.choice(cats.types),
                legal_basis=rng.choices(cats.legal, [8, 2])[0],
                decided_on=case.opened_on,
            )
            for case in cases
        ]
    )
    interventions = []
    for i, (case, decision) in enumerate(zip(cases, decisions, strict=True)):
        started = case.opened_on + dt.timedelta(days=rng.randint(0, 30))
        ended = None
        end_reason = None
        if rng.random() < 0.8:
            ended = started + dt.timedelta(days=rng.randint(30, 300))
            end_reason = rng.choices(
                [cats.completed, cats.interrupted, cats.moved, None], [6, 3, 1, 1]
            )[0]
        interventions.append(
            Intervention(
                municipality_id=case.municipality_id,
                case=case,
                decision=decision,
                intervention_ref=f"int-{design.key}-{seed}-{i}",
                intervention_type=decision.intervention_type,
                provider=rng.choice([*cats.providers, None]),
                started_on=started,
                ended_on=ended,
                end_reason=end_reason,
            )
        )
    interventions = Intervention.objects.bulk_create(interventions)
    versions = design.versions
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                programme=rng.choices(versions, [8] + [2] * (len(versions) - 1))[0],
                client=case.client,
                intervention=intervention,
                unit=case.unit,
                method="automatic",
                status=rng.choice(["active", "completed", "withdrawn"]),
                enrolled_on=intervention.started_on,
            )
            for case, intervention in zip(cases, interventions, strict=True)
        ]
    )
    _occasions_values_goals(rng, design, enrollments, interventions)
    return Generated(design, enrollments)


def _stage_of(design: Design, programme_id: int, key: str) -> Stage:
    if programme_id == design.programme.pk:
        return design.stages[key]
    return Stage.objects.get(programme_id=programme_id, key=key)


def _variable_of(design: Design, programme_id: int, key: str) -> Variable:
    if programme_id == design.programme.pk:
        return design.variables[key]
    return Variable.objects.get(programme_id=programme_id, key=key)


def _occasions_values_goals(rng, design, enrollments, interventions) -> None:
    cats = design.catalogues
    occasions = []
    for enrollment, intervention in zip(enrollments, interventions, strict=True):
        start = intervention.started_on
        end = intervention.ended_on or start + dt.timedelta(days=200)
        for key, due in [("before", start), ("after", end), ("later", end + dt.timedelta(180))]:
            if key == "later" and rng.random() < 0.3:
                continue  # not every enrolment has reached or has the later stage
            status = rng.choices(["done", "missed", "planned", "overdue"], [70, 12, 10, 8])[0]
            occasions.append(
                Occasion(
                    enrollment=enrollment,
                    stage=_stage_of(design, enrollment.programme_id, key),
                    due_on=due,
                    window_start=due - dt.timedelta(days=14)
                    if status != "planned"
                    else dt.date.today() + dt.timedelta(days=10),
                    window_end=due + dt.timedelta(days=30)
                    if status != "planned"
                    else dt.date.today() + dt.timedelta(days=60),
                    status=status if status != "overdue" else "due",
                    done_on=due + dt.timedelta(days=rng.randint(0, 20))
                    if status == "done"
                    else None,
                    non_response_reason=rng.choice([*cats.reasons, None])
                    if status == "missed"
                    else None,
                )
            )
    occasions = Occasion.objects.bulk_create(occasions)
    values = []
    for occ in occasions:
        if occ.status != "done":
            continue
        pid = occ.enrollment.programme_id

        def var(key: str, pid: int = pid) -> Variable:
            return _variable_of(design, pid, key)

        if rng.random() < 0.9:
            values.append(Value(occasion=occ, variable=var("days"), number=rng.randint(0, 30)))
        if rng.random() < 0.85:
            values.append(Value(occasion=occ, variable=var("audit"), number=rng.randint(0, 20)))
        if rng.random() < 0.8:
            code = rng.choices(["own", "rent", "none", "dk"], [5, 3, 1, 1])[0]
            option = design.options["housing"][code]
            values.append(Value(occasion=occ, variable=var("housing"), option=option))
        if rng.random() < 0.8:
            values.append(
                Value(occasion=occ, variable=var("employed"), number=float(rng.random() < 0.4))
            )
        if rng.random() < 0.7:
            chosen = [c for c in ("family", "friends", "pro") if rng.random() < 0.5]
            for code in chosen:
                values.append(
                    Value(
                        occasion=occ,
                        variable=var("support"),
                        option=design.options["support"][code],
                    )
                )
        if rng.random() < 0.75:
            values.append(
                Value(occasion=occ, variable=var("wellbeing"), number=round(rng.uniform(0, 10), 1))
            )
        if occ.stage.key == "later" and rng.random() < 0.3:
            values.append(
                Value(
                    occasion=occ,
                    variable=var("relapse_on"),
                    date=occ.due_on + dt.timedelta(days=rng.randint(1, 60)),
                )
            )
        values.append(Value(occasion=occ, variable=var("note"), text="fri text"))
    Value.objects.bulk_create(values)
    goals = []
    for enrollment in enrollments:
        for i in range(rng.choice([0, 1, 1, 2, 3])):
            goals.append(
                Goal(
                    enrollment=enrollment,
                    goal_ref=f"g{i}",
                    variable=design.variables["days"] if i == 0 else None,
                    text="Minska problemen",
                    set_on=enrollment.enrolled_on,
                    outcome=rng.choices(
                        ["achieved", "partly", "not", "unknown", ""], [4, 3, 2, 1, 2]
                    )[0],
                )
            )
    Goal.objects.bulk_create(goals)


def add_version(tree, design: Design, version: int = 2) -> Programme:
    """A second version of the programme with the same keys (a frame spans versions)."""
    newer = make_programme(tree, key=design.key, version=version)
    design.versions.append(newer.programme)
    return newer.programme
