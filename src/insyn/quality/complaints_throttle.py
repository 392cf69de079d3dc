"""The submission throttle of the public complaint page, counted in the shared cache.

Every POST counts, twice: per client address (through the trusted proxies,
`insyn.core.network.client_address`) and per municipality, so neither one noisy address nor a
flood spread over many addresses can fill a municipality's list. Past the limit the page
answers 429 with a friendly text until the hour has passed. The counters live in Django's
default cache, which settings make shared (Redis or the database), so every worker sees them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from insyn.core.network import client_address
from insyn.core.throttle import count_in_window, counts

WINDOW = 60 * 60  # seconds


def limits() -> tuple[int, int]:
    """(per address, per municipality) submissions an hour; settings may change them."""
    return (
        int(getattr(settings, "INSYN_COMPLAINTS_PER_ADDRESS_HOUR", 5)),
        int(getattr(settings, "INSYN_COMPLAINTS_PER_MUNICIPALITY_HOUR", 200)),
    )


def _keys(request: HttpRequest, municipality_code: str) -> tuple[str, str]:
    address = client_address(request) or "unknown"
    return (
        f"quality:complaints:addr:{address}",
        f"quality:complaints:muni:{municipality_code}",
    )


def throttled(request: HttpRequest, municipality_code: str) -> bool:
    per_address, per_municipality = limits()
    addr_key, muni_key = _keys(request, municipality_code)
    found = counts([addr_key, muni_key])
    return found[addr_key] >= per_address or found[muni_key] >= per_municipality


def count_submission(request: HttpRequest, municipality_code: str) -> None:
    count_in_window(_keys(request, municipality_code), WINDOW)
