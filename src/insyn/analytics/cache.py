"""The data version of analysis frames, so an edit shows up in the next analysis.

A frame is stored as one Parquet partition per municipality. Each partition's version is
made of:

1. the programme's *shape* (stage/variable keys, types, options, bands; cheap, read on every
   query),
2. *counters* that the write services bump inside their transaction (`bump`,
   `bump_enrollment`, `bump_client`; one indexed row per programme and municipality, read
   on every query), and
3. a *content fingerprint* per municipality (counts, latest `updated_at`, id and value sums
   of enrolments, occasions, values and goals), which also catches writes that bypass the
   services. It costs a scan, so it is recomputed at most every `duration × FACTOR` seconds
   (`INSYN_ANALYTICS_RECHECK_FACTOR`, capped by `INSYN_ANALYTICS_RECHECK_MAX_SECONDS`):
   every query on a small installation, every few minutes at national scale.

A changed version rebuilds only that municipality's partition.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from insyn.analytics.models import DataVersion

if TYPE_CHECKING:
    from insyn.analytics.specs import ProgrammeSpec

ALL_MUNICIPALITIES = 0
FRAME_FORMAT = "3"  # bump when the frame's columns are built differently


def bump(programme_key: str, municipality_id: int | None = None) -> None:
    """Mark a programme's data as changed (in one municipality, or everywhere).

    Call it inside the write's transaction, so the new version becomes visible together with
    the data it describes.
    """
    key = (programme_key, municipality_id or ALL_MUNICIPALITIES)
    updated = DataVersion.objects.filter(programme_key=key[0], municipality_id=key[1]).update(
        counter=F("counter") + 1
    )
    if updated:
        return
    try:
        with transaction.atomic():
            DataVersion.objects.create(programme_key=key[0], municipality_id=key[1], counter=1)
    except IntegrityError:  # created meanwhile by a concurrent writer
        DataVersion.objects.filter(programme_key=key[0], municipality_id=key[1]).update(
            counter=F("counter") + 1
        )


def bump_enrollment(enrollment: object) -> None:
    """After writing an enrolment, its occasions, values or goals."""
    from insyn.followup.models import Enrollment

    assert isinstance(enrollment, Enrollment)
    bump(enrollment.programme.key, enrollment.unit.municipality_id)


def bump_client(client_id: int) -> None:
    """After writing a client, or a case, decision or intervention of the client: every
    programme partition holding one of the client's enrolments."""
    from insyn.followup.models import Enrollment

    for key, municipality_id in (
        Enrollment.objects.filter(client_id=client_id)
        .values_list("programme__key", "unit__municipality_id")
        .distinct()
    ):
        bump(key, municipality_id)


def bump_for_change(entry: object) -> None:
    """Change listener (insyn.core.audit): a write about a client changes that client's frames."""
    client_id = getattr(entry, "client_id", None)
    if client_id is not None:
        bump_client(client_id)


def counters(programme_key: str) -> dict[int, int]:
    return dict(
        DataVersion.objects.filter(programme_key=programme_key).values_list(
            "municipality_id", "counter"
        )
    )


# --- Content fingerprint ---------------------------------------------------------------------

_lock = threading.Lock()
_fingerprints: dict[tuple[str, str], tuple[float, float, dict[int, str]]] = {}


def database_id() -> str:
    s = connection.settings_dict
    raw = f"{connection.vendor}|{s.get('HOST')}|{s.get('PORT')}|{s.get('NAME')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def content_fingerprints(spec: ProgrammeSpec, *, force: bool = False) -> dict[int, str]:
    """{municipality_id: fingerprint} of the programme's data, recomputed when due."""
    cache_key = (database_id(), f"{spec.key}|{spec.fingerprint}")
    now = time.monotonic()
    with _lock:
        cached = _fingerprints.get(cache_key)
    if cached is not None and not force:
        computed_at, duration, value = cached
        interval = min(
            settings.INSYN_ANALYTICS_RECHECK_MAX_SECONDS,
            duration * settings.INSYN_ANALYTICS_RECHECK_FACTOR,
        )
        if now - computed_at < interval:
            return value
    started = time.monotonic()
    value = _compute_fingerprints(spec)
    with _lock:
        _fingerprints[cache_key] = (time.monotonic(), time.monotonic() - started, value)
    return value


def forget_fingerprints() -> None:
    with _lock:
        _fingerprints.clear()


def _compute_fingerprints(spec: ProgrammeSpec) -> dict[int, str]:
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


def partition_versions(spec: ProgrammeSpec) -> dict[int, str]:
    """{municipality_id: version} for every municipality with data of the programme."""
    content = content_fingerprints(spec)
    counts = counters(spec.key)
    everywhere = counts.get(ALL_MUNICIPALITIES, 0)
    municipalities = set(content) | {m for m in counts if m != ALL_MUNICIPALITIES}
    return {
        m: hashlib.sha256(
            "|".join(
                [
                    FRAME_FORMAT,
                    spec.fingerprint,
                    str(everywhere),
                    str(counts.get(m, 0)),
                    content.get(m, ""),
                ]
            ).encode()
        ).hexdigest()[:16]
        for m in municipalities
    }
