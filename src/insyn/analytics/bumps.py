"""The bulk form of the analytics change listener: a batch of change entries (an import) bumps
each programme's data version once per municipality, not once per entry. Only calls the public
`bump` of `insyn.analytics.cache`."""

from __future__ import annotations

from collections.abc import Sequence

from insyn.analytics.cache import bump

CHUNK = 500


def bump_for_changes(entries: Sequence[object]) -> None:
    """Every programme partition holding an enrolment of a client the entries are about, as
    `bump_for_change` does for one entry; one query per 500 clients."""
    from insyn.followup.models import Enrollment

    client_ids = sorted(
        {cid for e in entries if (cid := getattr(e, "client_id", None)) is not None}
    )
    partitions: set[tuple[str, int | None]] = set()
    for start in range(0, len(client_ids), CHUNK):
        partitions.update(
            Enrollment.objects.filter(client_id__in=client_ids[start : start + CHUNK])
            .order_by()
            .values_list("programme__key", "unit__municipality_id")
            .distinct()
        )
    for key, municipality_id in sorted(partitions, key=lambda p: (p[0], p[1] or 0)):
        bump(key, municipality_id)
