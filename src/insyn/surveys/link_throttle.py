"""The bad-link throttle of the public answer page, counted in the shared cache.

Only failed lookups count and only failed lookups are refused: a valid link always opens,
however many bad ones its address or anyone else sent before (behind a proxy or a school's
NAT a whole town shares an address). Failures are counted twice, per client address (taken
through the trusted proxies, `insyn.core.network.client_address`) and per token prefix, so
neither one noisy address nor many addresses guessing around one prefix can go on for long.

The counters live in Django's default cache, which settings make shared (Redis or the
database), so every worker and every app node sees the same counts.
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest

from insyn.core.network import client_address
from insyn.core.throttle import count_in_window, counts

BAD_TOKEN_LIMIT = 20
BAD_TOKEN_WINDOW = 15 * 60  # seconds
PREFIX_LENGTH = 8


def _keys(request: HttpRequest, token: str) -> list[str]:
    address = client_address(request) or "unknown"
    prefix = hashlib.sha256(token[:PREFIX_LENGTH].encode()).hexdigest()[:16]
    return [f"surveys:bad-link:addr:{address}", f"surveys:bad-link:prefix:{prefix}"]


def throttled(request: HttpRequest, token: str) -> bool:
    """True when this (already failed) lookup's address or token prefix has failed too often."""
    return any(count >= BAD_TOKEN_LIMIT for count in counts(_keys(request, token)).values())


def count_bad_token(request: HttpRequest, token: str) -> None:
    count_in_window(_keys(request, token), BAD_TOKEN_WINDOW)
