"""Who is calling: the client's address, read through the configured reverse proxies.

Behind the TLS proxy every request arrives from the proxy's address, so REMOTE_ADDR alone
would put every respondent and every member of staff in one bucket. `X-Forwarded-For` is only
believed when the request really comes from a proxy named in `INSYN_TRUSTED_PROXIES`; then the
right-most address that is not itself a trusted proxy is the client (everything to its left
was written by the client and can say anything).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """`INSYN_TRUSTED_PROXIES` entries (addresses or CIDR ranges) as networks."""
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"INSYN_TRUSTED_PROXIES: {entry!r} is not an IP address or network"
            ) from exc
    return tuple(networks)


def _address(value: str) -> Address | None:
    """An address from a header hop: plain, `[v6]:port` or `v4:port`; None when malformed."""
    text = value.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request: HttpRequest) -> str | None:
    """The calling client's IP address as a string (None when the server gave none)."""
    remote = _address(str(request.META.get("REMOTE_ADDR") or ""))
    if remote is None:
        return None
    networks = parse_networks(tuple(getattr(settings, "INSYN_TRUSTED_PROXIES", ())))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    hops = [h for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    client = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a garbled hop: nothing to its left can be believed
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
