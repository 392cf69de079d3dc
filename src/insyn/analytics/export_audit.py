"""The audit trail of an analysis-frame export: what left, for whom, and whose data it was.

One summary entry (programme, scope, format, number of rows and persons, an export id) whose
org paths are every unit with a row in the file, plus one entry per exported person naming the
client and their pseudonymous id in this export (the manifest), with the units of that
person's rows, so "who looked at this client" shows the export and each unit's auditors see
what left about their clients.
"""

from __future__ import annotations

import uuid
from typing import Any

from insyn.analytics.frame_export import Extract
from insyn.clients.models import Client
from insyn.core.audit import path_fields
from insyn.core.context import current
from insyn.core.models import AccessEntry
from insyn.followup.models import Enrollment

BATCH = 2_000


def record_frame_export(
    *, actor: Any, extract: Extract, fmt: str, purpose: str = "", via: str, linkable: bool
) -> str:
    """Write the export's entries; return its export id (named in every entry)."""
    ctx = current()
    export_id = uuid.uuid4().hex
    actor_fields = (
        {"actor": actor, "actor_label": actor.get_username()}
        if actor is not None and actor.is_authenticated
        else {"actor": None, "actor_label": ""}
    )
    common = {
        **actor_fields,
        "request_id": ctx.request_id,
        "action": AccessEntry.Kind.EXPORT,
        "purpose": purpose[:200],
        "path": ctx.path[:500],
        "ip_address": ctx.ip_address,
    }
    units = sorted({u for _c, _p, paths in extract.persons for u in paths})
    summary = AccessEntry(
        **common,
        object_type=Enrollment._meta.label_lower,
        detail={
            "what": "analysis frame",
            "export_id": export_id,
            "programme": extract.spec.key,
            "scope": list(extract.scope_paths) if extract.scope_paths is not None else "all",
            "format": fmt,
            "rows": extract.rows,
            "persons": len(extract.persons),
            "linkable": linkable,
            "via": via,
            "manifest": "one entry per person with this export_id",
        },
        **path_fields(units, actor),
    )
    AccessEntry.objects.bulk_create([summary])
    client_type = Client._meta.label_lower
    batch: list[AccessEntry] = []
    for client_id, pid, paths in extract.persons:
        batch.append(
            AccessEntry(
                **common,
                object_type=client_type,
                object_id=str(client_id),
                client_id=client_id,
                detail={"export_id": export_id, "programme": extract.spec.key, "person_pid": pid},
                **path_fields(paths, actor),
            )
        )
        if len(batch) >= BATCH:
            AccessEntry.objects.bulk_create(batch)
            batch = []
    AccessEntry.objects.bulk_create(batch)
    ctx.accesses_recorded += 1 + len(extract.persons)
    return export_id
