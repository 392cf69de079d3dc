"""Bench data: 500,000 enrolments with 1,000,000 occasions and 5,000,000 values, written
into PostgreSQL with COPY (arrays built with NumPy, serialised by Arrow's CSV writer).

The org tree, catalogues and the programme go through the ORM (a few hundred rows); the
bulk tables are copied with foreign-key triggers off (`session_replication_role = replica`)
because the generated ids are consistent by construction.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, models
from django.utils import timezone

# INSYN_BENCH_SCALE (default 1) scales everything: 0.1 for a quick trial run of the bench
# itself, 10 for the national scale (its own database, see run.py).
SCALE = float(os.environ.get("INSYN_BENCH_SCALE", "1"))
N_ENROLLMENTS = int(500_000 * SCALE)
N_CLIENTS = int(480_000 * SCALE)  # some clients are enrolled twice
N_VALUES = int(5_000_000 * SCALE)
# The national scale (INSYN_BENCH_SCALE=10: 10,000,000 occasions) spreads them over all 290
# municipalities; smaller scales keep 50.
N_MUNICIPALITIES = 290 if SCALE >= 10 else 50
STAGES = ("before", "after")  # two occasions per enrolment: 1,000,000
VARIABLES = ("days", "audit", "wellbeing", "housing", "employed", "cravings")
SEED = 20260
EPOCH = dt.date(1970, 1, 1)


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("int32"), pa.date32())


def copy(model: type[models.Model], columns: dict[str, Any]) -> float:
    """COPY `columns` into the model's table; every other column gets its default."""
    n = len(next(iter(columns.values())))
    now = timezone.now()
    arrays: dict[str, pa.Array] = {}
    for f in model._meta.concrete_fields:
        name = f.column
        if name in columns:
            value = columns[name]
            arrays[name] = value if isinstance(value, pa.Array) else pa.array(value)
        elif isinstance(f, models.DateTimeField):
            arrays[name] = pa.array(np.full(n, np.datetime64(now.replace(tzinfo=None), "us")))
        elif f.null:
            arrays[name] = pa.nulls(n, pa.string())
        elif isinstance(f, models.BooleanField):
            arrays[name] = pa.array(np.full(n, bool(f.get_default())))
        elif f.has_default():  # e.g. a row version (core.concurrency.Versioned): 1
            arrays[name] = pa.array([f.get_default()] * n)
        else:
            arrays[name] = pa.array(np.full(n, ""), pa.string())
    table = pa.table(arrays)
    started = time.perf_counter()
    quoted = ", ".join(connection.ops.quote_name(c) for c in table.column_names)
    sql = (
        f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN (FORMAT csv)"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        with cursor.cursor.copy(sql) as pipe:
            for batch in table.to_batches(max_chunksize=200_000):
                buffer = io.BytesIO()
                pacsv.write_csv(
                    pa.Table.from_batches([batch]),
                    buffer,
                    write_options=pacsv.WriteOptions(
                        include_header=False, quoting_style="all_valid"
                    ),
                )
                pipe.write(buffer.getvalue())
        cursor.execute("SET session_replication_role = origin")
    return time.perf_counter() - started


def _reset_sequence(model: type[models.Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table}), 1))"
        )


def design(log: Callable[[str], None]) -> dict[str, Any]:
    """Org tree, catalogues and the programme (through the ORM and services)."""
    from insyn.clients import models as cm
    from insyn.followup import models as fm
    from insyn.organisations import services as org
    from insyn.organisations.models import OrgUnit

    K = OrgUnit.Kind
    nation = org.org_unit_create(actor=None, parent=None, code="0000", name="Riket", kind=K.NATION)
    regions = [
        org.org_unit_create(
            actor=None, parent=nation, code=f"00{10 + r}", name=f"Region {r}", kind=K.REGION
        )
        for r in range(5)
    ]
    units = []
    for m in range(N_MUNICIPALITIES):
        muni = org.org_unit_create(
            actor=None,
            parent=regions[m % 5],
            code=f"{1000 + m}",
            name=f"Kommun {m}",
            kind=K.MUNICIPALITY,
        )
        admin = org.org_unit_create(
            actor=None, parent=muni, code="SOC", name="Socialförvaltningen", kind=K.ADMINISTRATION
        )
        for u in range(2):
            units.append(
                org.org_unit_create(
                    actor=None, parent=admin, code=f"U{u}", name=f"Enhet {u}", kind=K.UNIT
                )
            )
    group = cm.InterventionGroup.objects.create(code="g", name="Behandling")
    types = [
        cm.InterventionType.objects.create(code=f"t{i}", name=f"Insats {i}", group=group)
        for i in range(8)
    ]
    legal = [
        cm.LegalBasis.objects.create(code=f"l{i}", name=f"Lagrum {i}", law="SoL") for i in range(4)
    ]
    providers = [
        cm.Provider.objects.create(code=f"p{i}", name=f"Utförare {i}", kind="external")
        for i in range(20)
    ]
    ends = [
        cm.EndReason.objects.create(code=code, name=code, outcome=outcome)
        for code, outcome in [("plan", "completed"), ("drop", "interrupted"), ("moved", "other")]
    ]
    source = cm.CaseSource.objects.create(code="app", name="Ansökan")
    reasons = [
        fm.NonResponseReason.objects.create(code=f"nr{i}", name=f"Orsak {i}") for i in range(3)
    ]
    programme = fm.Programme.objects.create(
        key="bench", name="Benchmark", owner=nation, status="published"
    )
    stages = [
        fm.Stage.objects.create(
            programme=programme,
            key=key,
            name=key,
            kind=key,
            anchor="intervention_start",
            sort_order=i,
        )
        for i, key in enumerate(STAGES)
    ]
    instrument = fm.Instrument.objects.create(key="audit", name="AUDIT", max_total=40)
    for sex, cut in (("K", 5), ("M", 7), ("", 6)):
        fm.ScoreBand.objects.create(
            instrument=instrument, sex=sex, min_score=0, max_score=cut, code="low", label="Låg"
        )
        fm.ScoreBand.objects.create(
            instrument=instrument,
            sex=sex,
            min_score=cut + 1,
            max_score=40,
            code="high",
            label="Hög",
            rank=1,
        )
    housing = fm.OptionSet.objects.create(key="housing", name="Boende")
    options = [
        fm.Option.objects.create(option_set=housing, code=c, label=c, sort_order=i)
        for i, c in enumerate(["own", "rent", "none"])
    ]
    kinds = {
        "days": {"type": "integer", "direction": "lower", "is_main_measure": True},
        "audit": {"type": "instrument", "instrument": instrument},
        "wellbeing": {"type": "decimal", "direction": "higher"},
        "housing": {"type": "single", "option_set": housing},
        "employed": {"type": "boolean"},
        "cravings": {"type": "integer", "direction": "lower"},
    }
    variables = []
    for i, key in enumerate(VARIABLES):
        variable = fm.Variable.objects.create(
            programme=programme, key=key, label=key, sort_order=i, **kinds[key]
        )
        variables.append(variable)
        for stage in stages:
            fm.StageVariable.objects.create(stage=stage, variable=variable)
    log(f"  design: {len(units)} units in {N_MUNICIPALITIES} municipalities")
    return {
        "units": units,
        "types": types,
        "legal": legal,
        "providers": providers,
        "ends": ends,
        "source": source,
        "reasons": reasons,
        "programme": programme,
        "stages": stages,
        "variables": variables,
        "options": options,
    }


def bulk(d: dict[str, Any], log: Callable[[str], None]) -> None:
    from insyn.clients.models import Case, Client, Decision, Intervention
    from insyn.followup.models import Enrollment, Goal, Occasion, Value

    rng = np.random.default_rng(SEED)
    unit_ids = np.array([u.pk for u in d["units"]])
    unit_muni = np.array([u.municipality_id for u in d["units"]])
    # Clients: skewed over units (big and small municipalities).
    weights = rng.pareto(1.2, len(unit_ids)) + 0.2
    client_unit = rng.choice(len(unit_ids), N_CLIENTS, p=weights / weights.sum())
    client_id = np.arange(1, N_CLIENTS + 1)
    birth = _days(dt.date(1935, 1, 1)) + rng.integers(0, 365 * 85, N_CLIENTS)
    sex = rng.choice(np.array(["K", "M", "X"]), N_CLIENTS, p=[0.46, 0.5, 0.04])
    timing = {}
    timing["clients"] = copy(
        Client,
        {
            "id": client_id,
            "municipality_id": unit_muni[client_unit],
            "unit_id": unit_ids[client_unit],
            "client_ref": pa.array(np.char.add("c", client_id.astype(str))),
            "id_kind": pa.array(np.full(N_CLIENTS, "none")),
            "birth_date": _dates(birth),
            "sex": pa.array(sex),
        },
    )
    n = N_ENROLLMENTS
    ids = np.arange(1, n + 1)
    who = np.concatenate([np.arange(N_CLIENTS), rng.integers(0, N_CLIENTS, n - N_CLIENTS)])
    unit = client_unit[who]
    opened = _days(dt.date(2021, 1, 1)) + rng.integers(0, 365 * 4, n)
    timing["cases"] = copy(
        Case,
        {
            "id": ids,
            "municipality_id": unit_muni[unit],
            "client_id": client_id[who],
            "unit_id": unit_ids[unit],
            "case_ref": pa.array(np.char.add("k", ids.astype(str))),
            "opened_on": _dates(opened),
            "source_id": np.full(n, d["source"].pk),
        },
    )
    itype = np.array([t.pk for t in d["types"]])[rng.integers(0, 8, n)]
    timing["decisions"] = copy(
        Decision,
        {
            "id": ids,
            "case_id": ids,
            "intervention_type_id": itype,
            "legal_basis_id": np.array([x.pk for x in d["legal"]])[rng.integers(0, 4, n)],
            "decided_on": _dates(opened),
        },
    )
    started = opened + rng.integers(0, 30, n)
    ended = started + rng.integers(30, 400, n)
    has_end = rng.random(n) < 0.85
    end_reason = np.array([e.pk for e in d["ends"]])[rng.choice(3, n, p=[0.6, 0.3, 0.1])]
    providers = np.array([p.pk for p in d["providers"]])
    timing["interventions"] = copy(
        Intervention,
        {
            "id": ids,
            "municipality_id": unit_muni[unit],
            "case_id": ids,
            "decision_id": ids,
            "intervention_ref": pa.array(np.char.add("i", ids.astype(str))),
            "intervention_type_id": itype,
            "provider_id": providers[rng.integers(0, len(providers), n)],
            "started_on": _dates(started),
            "ended_on": pa.array(
                np.where(has_end, ended, 0).astype("int32"), pa.date32(), mask=~has_end
            ),
            "end_reason_id": pa.array(end_reason, mask=~has_end),
        },
    )
    timing["enrollments"] = copy(
        Enrollment,
        {
            "id": ids,
            "programme_id": np.full(n, d["programme"].pk),
            "client_id": client_id[who],
            "intervention_id": ids,
            "unit_id": unit_ids[unit],
            "method": pa.array(np.full(n, "automatic")),
            "status": pa.array(rng.choice(np.array(["active", "completed"]), n)),
            "enrolled_on": _dates(started),
        },
    )
    # Occasions: before and after for every enrolment.
    occ_enr = np.repeat(ids, 2)
    stage_ids = np.tile([s.pk for s in d["stages"]], n)
    due = np.where(np.arange(2 * n) % 2 == 0, np.repeat(started, 2), np.repeat(ended, 2))
    status = rng.choice(np.array(["done", "missed", "due"]), 2 * n, p=[0.92, 0.05, 0.03])
    done = status == "done"
    missed = status == "missed"
    reasons = np.array([r.pk for r in d["reasons"]])[rng.integers(0, 3, 2 * n)]
    timing["occasions"] = copy(
        Occasion,
        {
            "id": np.arange(1, 2 * n + 1),
            "enrollment_id": occ_enr,
            "stage_id": stage_ids,
            "due_on": _dates(due),
            "window_start": _dates(due - 14),
            "window_end": _dates(due + 30),
            "status": pa.array(status),
            "done_on": pa.array((due + 3).astype("int32"), pa.date32(), mask=~done),
            "non_response_reason_id": pa.array(reasons, mask=~missed),
        },
    )
    # Values: exactly N_VALUES over the done occasions' variables.
    done_occ = np.flatnonzero(done) + 1
    pairs = len(done_occ) * len(VARIABLES)
    keep = np.sort(rng.choice(pairs, N_VALUES, replace=False))
    occ = done_occ[keep // len(VARIABLES)]
    var_index = keep % len(VARIABLES)
    var_ids = np.array([v.pk for v in d["variables"]])[var_index]
    person_level = rng.normal(0, 1, n + 1)[(occ + 1) // 2]  # an enrolment's values hang together
    after = (occ % 2) == 0
    number = np.full(N_VALUES, np.nan)
    option = np.zeros(N_VALUES, dtype=np.int64)
    for i, key in enumerate(VARIABLES):
        sel = var_index == i
        k = int(sel.sum())
        base = person_level[sel]
        shift = np.where(after[sel], -0.3, 0.0)
        if key in ("days", "cravings"):
            number[sel] = np.clip(np.round(15 + 6 * (base + shift) + rng.normal(0, 4, k)), 0, 30)
        elif key == "audit":
            number[sel] = np.clip(np.round(10 + 4 * (base + shift) + rng.normal(0, 3, k)), 0, 40)
        elif key == "wellbeing":
            number[sel] = np.clip(
                np.round(5 - 1.5 * (base + shift) + rng.normal(0, 1, k), 1), 0, 10
            )
        elif key == "employed":
            number[sel] = (rng.random(k) < 0.4).astype(float)
        else:
            option[sel] = np.array([o.pk for o in d["options"]])[rng.integers(0, 3, k)]
    is_option = option > 0
    timing["values"] = copy(
        Value,
        {
            "id": np.arange(1, N_VALUES + 1),
            "occasion_id": occ,
            "variable_id": var_ids,
            "number": pa.array(number, mask=np.isnan(number)),
            "option_id": pa.array(option, mask=~is_option),
        },
    )
    goals_per = rng.choice([0, 1, 2], n, p=[0.3, 0.45, 0.25])
    goal_enr = np.repeat(ids, goals_per)
    m = len(goal_enr)
    outcome = rng.choice(np.array(["achieved", "partly", "not", "unknown", ""]), m)
    timing["goals"] = copy(
        Goal,
        {
            "id": np.arange(1, m + 1),
            "enrollment_id": goal_enr,
            "goal_ref": pa.array(np.char.add("g", np.arange(m).astype(str))),
            "text": pa.array(np.full(m, "Mål")),
            "set_on": _dates(np.repeat(started, goals_per)),
            "outcome": pa.array(outcome),
        },
    )
    for model in (Client, Case, Decision, Intervention, Enrollment, Occasion, Value, Goal):
        _reset_sequence(model)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # Copied around the services: the bulk load moves the data version itself.
    from insyn.analytics.cache import bump

    bump(d["programme"].key)
    log("  COPY seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in timing.items()))
