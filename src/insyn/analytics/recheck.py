"""The safety net for writes that bypass the services (raw SQL, a table restored by hand):
`insyn analyze --recheck` compares a content fingerprint per municipality with the one it
saw last time and bumps the data version of each municipality that differs.

The fingerprint is a scan of the programme's enrolments, occasions, values and goals (a few
seconds on a million occasions), so it is never run on a request or on a CLI query's start:
an operator (or a nightly job) runs it after such a write. `--rebuild` is the blunt form: it
bumps the epoch, and every partition is rebuilt at its next query.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import connection, transaction

from insyn.analytics import cache
from insyn.analytics.frames import store
from insyn.analytics.specs import ProgrammeSpec


def recheck(spec: ProgrammeSpec) -> list[int]:
    """Bump the municipalities whose content changed since the last recheck (all of them on
    the first). Returns their ids."""
    current = content_fingerprints(spec)
    saved = store.root() / spec.key / "content.json"
    try:
        previous: dict[str, str] | None = json.loads(saved.read_text())
    except (FileNotFoundError, ValueError):
        previous = None
    if previous is None:
        changed = sorted(current)
        with transaction.atomic():
            cache.bump(spec.key)
    else:
        keys = set(current) | {int(m) for m in previous}
        changed = sorted(m for m in keys if current.get(m) != previous.get(str(m)))
        with transaction.atomic():
            for m in changed:
                cache.bump(spec.key, m)
    saved.parent.mkdir(parents=True, exist_ok=True)
    tmp = saved.with_suffix(".tmp")
    tmp.write_text(json.dumps({str(m): fp for m, fp in current.items()}))
    tmp.replace(saved)
    return changed


def content_fingerprints(spec: ProgrammeSpec) -> dict[int, str]:
    """{municipality_id: fingerprint}: counts, latest `updated_at`, id and value sums of the
    programme's enrolments, occasions, values and goals, and the frame sources' fingerprints."""
    from insyn.analytics.frames.extract import _t, placeholders
    from insyn.analytics.frames.sources import frame_sources
    from insyn.clients.models import Client, Decision, Intervention
    from insyn.followup.models import Enrollment, Goal, Occasion, Value
    from insyn.organisations.models import OrgUnit

    ids = list(spec.programme_ids)
    variable_ids = [i for v in spec.variables for i in v.ids]
    enrolments = (
        f"JOIN {_t(Enrollment)} e ON e.id = {{fk}} JOIN {_t(OrgUnit)} u ON u.id = e.unit_id "
        f"WHERE e.programme_id IN ({placeholders(ids)})"
    )
    queries: list[tuple[str, list[Any]]] = [
        (
            f"""SELECT u.municipality_id, COUNT(*), MAX(e.updated_at), SUM(e.id),
                       SUM(e.client_id), MAX(c.updated_at), MAX(i.updated_at),
                       SUM(COALESCE(d.legal_basis_id, 0)), SUM(COALESCE(i.id, 0))
                FROM {_t(Enrollment)} e JOIN {_t(OrgUnit)} u ON u.id = e.unit_id
                JOIN {_t(Client)} c ON c.id = e.client_id
                LEFT JOIN {_t(Intervention)} i ON i.id = e.intervention_id
                LEFT JOIN {_t(Decision)} d ON d.id = i.decision_id
                WHERE e.programme_id IN ({placeholders(ids)}) GROUP BY u.municipality_id""",  # noqa: S608
            ids,
        ),
        (
            f"""SELECT u.municipality_id, COUNT(*), MAX(o.updated_at), SUM(o.id)
                FROM {_t(Occasion)} o {enrolments.format(fk="o.enrollment_id")}
                GROUP BY u.municipality_id""",  # noqa: S608
            ids,
        ),
        (
            f"""SELECT u.municipality_id, COUNT(*), MAX(g.updated_at), SUM(g.id)
                FROM {_t(Goal)} g {enrolments.format(fk="g.enrollment_id")}
                GROUP BY u.municipality_id""",  # noqa: S608
            ids,
        ),
    ]
    if variable_ids:
        # Exact sums: a float sum's order (parallel workers) would change the fingerprint.
        queries.append(
            (
                f"""SELECT u.municipality_id, COUNT(*), MAX(v.id),
                           SUM(CAST(v.number AS NUMERIC)), SUM(COALESCE(v.option_id, 0)),
                           COUNT(v.date)
                    FROM {_t(Value)} v JOIN {_t(Occasion)} o ON o.id = v.occasion_id
                    JOIN {_t(Enrollment)} e ON e.id = o.enrollment_id
                    JOIN {_t(OrgUnit)} u ON u.id = e.unit_id
                    WHERE v.variable_id IN ({placeholders(variable_ids)})
                    GROUP BY u.municipality_id""",  # noqa: S608
                variable_ids,
            )
        )
    results: list[dict[int, str]] = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            results.append({int(row[0]): repr(row[1:]) for row in cursor.fetchall()})
    for source in frame_sources():
        results.append({int(m): fp for m, fp in source.fingerprint(spec, None).items()})
    municipalities = set().union(*results) if results else set()
    return {
        m: hashlib.sha256("|".join(r.get(m, "-") for r in results).encode()).hexdigest()[:16]
        for m in municipalities
    }
