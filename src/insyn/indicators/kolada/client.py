"""A small Kolada v3 client: path-form routes, at most 25 ids per path segment (longer lists
become several requests), `per_page` at most 5000, `next_url` followed until there is none,
`from_date` for increments. v2 is shut down; nothing here speaks it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from insyn.indicators.kolada import shapes
from insyn.indicators.kolada.transport import BASE_URL, Transport, build_url, default_transport

MAX_IDS = 25
PER_PAGE = 5000
MAX_PAGES = 10_000  # a safety stop against a next_url that loops


class KoladaError(Exception):
    """The API answered with an error or something that is not Kolada's envelope."""


def chunks(ids: Sequence[str], size: int = MAX_IDS) -> list[list[str]]:
    """Split a list of ids into path segments of at most `size` (order kept, duplicates out)."""
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + size] for i in range(0, len(unique), size)]


class KoladaClient:
    def __init__(self, transport: Transport | None = None, base_url: str = BASE_URL) -> None:
        self.transport = transport or default_transport()
        self.base_url = base_url
        self.requests = 0
        self.first_url = ""

    def rows(self, path: str, query: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every row of a listing, page after page by `next_url`."""
        url: str | None = build_url(path, {"per_page": PER_PAGE, **(query or {})}, self.base_url)
        seen: set[str] = set()
        while url:
            if url in seen or len(seen) >= MAX_PAGES:
                raise KoladaError(f"{url}: paging does not end (next_url repeats)")
            seen.add(url)
            self.first_url = self.first_url or url
            status, payload = self.transport.get(url)
            self.requests += 1
            if status != 200:
                raise KoladaError(f"{url}: HTTP {status}")
            try:
                page = shapes.envelope(payload, url)
            except shapes.ShapeError as exc:
                raise KoladaError(str(exc)) from exc
            yield from page
            next_url = payload.get("next_url")
            url = next_url if isinstance(next_url, str) and next_url else None

    def municipalities(self) -> Iterator[dict[str, Any]]:
        return self.rows("municipality")

    def groups(self) -> Iterator[dict[str, Any]]:
        return self.rows("municipality_groups")

    def kpis(self, ids: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
        if not ids:
            yield from self.rows("kpi")
            return
        for part in chunks(ids):
            yield from self.rows("kpi/" + ",".join(part))

    def data(
        self,
        kpis: Sequence[str],
        *,
        years: Sequence[int] = (),
        municipalities: Sequence[str] = (),
        from_date: datetime.date | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Value rows for KPIs × areas × years, every id list split into segments of 25."""
        if not kpis:
            raise KoladaError("data needs at least one KPI id")
        query = {"from_date": from_date.isoformat() if from_date else None}
        area_parts: list[list[str] | None] = list(chunks(municipalities)) or [None]
        year_parts: list[list[str] | None] = list(chunks([str(y) for y in years])) or [None]
        for kpi_part in chunks(kpis):
            for area_part in area_parts:
                for year_part in year_parts:
                    path = "data/kpi/" + ",".join(kpi_part)
                    if area_part:
                        path += "/municipality/" + ",".join(area_part)
                    if year_part:
                        path += "/year/" + ",".join(year_part)
                    yield from self.rows(path, query)
