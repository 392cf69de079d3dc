"""The data version of analysis frames, so an edit shows up in the next analysis.

A frame is stored as one Parquet partition per municipality. A partition's version is made of

1. the programme's *shape* (stage/variable keys, types, options, bands: `spec.fingerprint`),
2. *counters* in `DataVersion`, bumped inside the writing transaction, so a version and the
   data it describes become visible together and a rolled-back write bumps nothing:
   - (programme, municipality): the audit change listener `bump_for_change` bumps the
     partitions of a client's enrolments on every service write about the client
     (enrolments, occasions, values, goals, cases, decisions, interventions, survey
     answers, quality records): imports and demo loaders write through the same services;
   - (programme, 0): a change of the programme everywhere (bulk loaders call `bump(key)`);
   - ("*", 0), the *epoch*: everything everywhere (catalogue and org-unit edits, see
     `apps.py`; `insyn analyze --rebuild`). It is created with a random value the first time
     a database is read, so a recreated database never meets a cache file of its
     predecessor.

Counters grow by a random step, so a database restored from a backup does not re-use a
version whose cache file described other data.

Reading the versions costs two small indexed queries (the counters of one programme and the
municipalities of the org tree), whatever the amount of data: no request and no CLI start
scans the data. Writes that bypass the services (raw SQL, a restored table) are not seen
until `insyn analyze --recheck` (content fingerprints, a scan; `recheck.py`) or `--rebuild`.

A changed version rebuilds only that municipality's partition.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from insyn.analytics.models import DataVersion

if TYPE_CHECKING:
    from insyn.analytics.specs import ProgrammeSpec

ALL_MUNICIPALITIES = 0
EVERYTHING = "*"  # programme key of the epoch row: not a slug, so never a programme's key
FRAME_FORMAT = "4"  # bump when the frame's columns or the version are built differently
_STEP = 1 << 20


def bump(programme_key: str, municipality_id: int | None = None) -> None:
    """Mark a programme's data as changed (in one municipality, or everywhere).

    Call it inside the write's transaction, so the new version becomes visible together with
    the data it describes.
    """
    key, m = programme_key, municipality_id or ALL_MUNICIPALITIES
    step = secrets.randbelow(_STEP) + 1
    rows = DataVersion.objects.filter(programme_key=key, municipality_id=m)
    if rows.update(counter=F("counter") + step):
        return
    try:
        with transaction.atomic():
            DataVersion.objects.create(
                programme_key=key, municipality_id=m, counter=_first_value(key)
            )
    except IntegrityError:  # created meanwhile by a concurrent writer
        rows.update(counter=F("counter") + step)


def bump_everything() -> None:
    """Every partition of every programme is stale (a catalogue code or the org tree changed)."""
    bump(EVERYTHING)


def _first_value(key: str) -> int:
    return secrets.randbelow(1 << 62) + 1 if key == EVERYTHING else secrets.randbelow(_STEP) + 1


def bump_enrollment(enrollment: object) -> None:
    """After writing an enrolment, its occasions, values or goals."""
    from insyn.followup.models import Enrollment

    assert isinstance(enrollment, Enrollment)
    bump(enrollment.programme.key, enrollment.unit.municipality_id)


def bump_client(client_id: int) -> None:
    """After writing a client, or a case, decision or intervention of the client: every
    programme partition holding one of the client's enrolments. A removal calls it before
    deleting (the enrolments are how it finds the partitions)."""
    from insyn.followup.models import Enrollment

    for key, municipality_id in (
        Enrollment.objects.filter(client_id=client_id)
        .order_by()  # the model's ordering would defeat distinct()
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


def database_id() -> str:
    s = connection.settings_dict
    raw = f"{connection.vendor}|{s.get('HOST')}|{s.get('PORT')}|{s.get('NAME')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def _epoch() -> int:
    """The epoch row's value, created (random) on a database's first read."""
    value = _first_value(EVERYTHING)
    try:
        with transaction.atomic():
            DataVersion.objects.create(
                programme_key=EVERYTHING, municipality_id=ALL_MUNICIPALITIES, counter=value
            )
    except IntegrityError:  # another process created it first
        return int(
            DataVersion.objects.get(
                programme_key=EVERYTHING, municipality_id=ALL_MUNICIPALITIES
            ).counter
        )
    return value


def municipality_ids() -> list[int]:
    """Every municipality of the org tree: the possible partitions (a small table)."""
    from insyn.organisations.models import OrgUnit

    return sorted(
        OrgUnit.objects.exclude(municipality_id=None)
        .values_list("municipality_id", flat=True)
        .distinct()
    )


def partition_versions(spec: ProgrammeSpec) -> dict[int, str]:
    """{municipality_id: version} for every municipality (one with no data of the programme
    gets an empty partition, which the store keeps as a marker, not a file to read)."""
    found = {
        (key, m): counter
        for key, m, counter in DataVersion.objects.filter(
            programme_key__in=[spec.key, EVERYTHING]
        ).values_list("programme_key", "municipality_id", "counter")
    }
    epoch = found.get((EVERYTHING, ALL_MUNICIPALITIES))
    if epoch is None:
        epoch = _epoch()
    everywhere = found.get((spec.key, ALL_MUNICIPALITIES), 0)
    head = f"{FRAME_FORMAT}|{spec.fingerprint}|{epoch}|{everywhere}|"
    municipalities = set(municipality_ids())
    municipalities |= {m for key, m in found if key == spec.key and m != ALL_MUNICIPALITIES}
    return {
        m: hashlib.sha256(f"{head}{found.get((spec.key, m), 0)}".encode()).hexdigest()[:16]
        for m in municipalities
    }
