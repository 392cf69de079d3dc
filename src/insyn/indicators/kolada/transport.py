"""How the Kolada client reaches the API: `get(url) -> (status, json)`.

`HttpTransport` uses the standard library (no extra dependency), throttles to one request
per `min_interval` seconds and retries 429 and 5xx answers (and connection errors) with
exponential backoff, honouring `Retry-After`. `FileTransport` answers from recorded JSON
files for tests. `default_transport()` refuses in tests, so no test can reach the network.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

BASE_URL = "https://api.kolada.se/v3/"
USER_AGENT = "insyn (+https://github.com/) kolada-client"


class TransportError(Exception):
    """The API could not be reached or kept failing; the message says which URL."""


class NetworkRefused(TransportError):
    """Raised by the transport used in tests: the live API is never called there."""


class Transport(Protocol):
    def get(self, url: str) -> tuple[int, Any]: ...


class RefusingTransport:
    def get(self, url: str) -> tuple[int, Any]:
        raise NetworkRefused(f"network access refused (tests never call Kolada): {url}")


Opener = Callable[..., Any]


class HttpTransport:
    """urllib with a throttle and retry/backoff. `opener`, `sleep` and `clock` are injectable
    so tests can drive it without a network or real waiting."""

    RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

    def __init__(
        self,
        *,
        opener: Opener | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        min_interval: float = 0.25,
        timeout: float = 60.0,
    ) -> None:
        if opener is None and getattr(settings, "TESTING", False):
            raise NetworkRefused("HttpTransport needs an injected opener in tests")
        self.opener: Opener = opener or urllib.request.urlopen
        self.sleep, self.clock = sleep, clock
        self.retries, self.backoff, self.max_backoff = retries, backoff, max_backoff
        self.min_interval, self.timeout = min_interval, timeout
        self._last: float | None = None

    def _throttle(self) -> None:
        if self._last is not None:
            wait = self.min_interval - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), self.max_backoff)
        return float(min(self.backoff * (2**attempt), self.max_backoff))

    def get(self, url: str) -> tuple[int, Any]:
        if not url.startswith("https://"):
            raise TransportError(f"{url}: only https URLs are fetched")
        request = urllib.request.Request(  # noqa: S310 (https only, checked above)
            url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        last_error = ""
        for attempt in range(self.retries + 1):
            self._throttle()
            retry_after: str | None = None
            try:
                with self.opener(request, timeout=self.timeout) as response:
                    status = getattr(response, "status", 200)
                    body = response.read()
                return status, json.loads(body.decode("utf-8")) if body else None
            except urllib.error.HTTPError as exc:
                if exc.code not in self.RETRY_STATUSES:
                    try:
                        payload = json.loads(exc.read().decode("utf-8") or "null")
                    except ValueError:
                        payload = None
                    return exc.code, payload
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                last_error = f"HTTP {exc.code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last_error = str(exc)
            except ValueError as exc:
                raise TransportError(f"{url}: the answer is not JSON ({exc})") from exc
            if attempt < self.retries:
                self.sleep(self._delay(attempt, retry_after))
        raise TransportError(f"{url}: gave up after {self.retries + 1} attempts ({last_error})")


class FileTransport:
    """Answers from recorded pages: `routes` maps a URL (exactly as the client builds it) to
    a JSON file name in `folder`, or to a list of (status, file) answered in turn. Records
    every URL asked for in `calls`."""

    def __init__(self, folder: Path, routes: dict[str, Any]) -> None:
        self.folder, self.routes = folder, routes
        self.calls: list[str] = []
        self._turn: dict[str, int] = {}

    def get(self, url: str) -> tuple[int, Any]:
        self.calls.append(url)
        if url not in self.routes:
            return 404, {"error": f"no recording for {url}"}
        answer = self.routes[url]
        if isinstance(answer, list):
            n = self._turn.get(url, 0)
            self._turn[url] = n + 1
            status, name = answer[min(n, len(answer) - 1)]
        else:
            status, name = 200, answer
        if name is None:
            return status, None
        return status, json.loads((self.folder / name).read_text(encoding="utf-8"))


def default_transport() -> Transport:
    """The live transport, except under tests, where every request is refused."""
    if getattr(settings, "TESTING", False):
        return RefusingTransport()
    return HttpTransport()


def build_url(path: str, query: dict[str, Any] | None = None, base: str = BASE_URL) -> str:
    """`base` + path (segments already joined) + a sorted query string (stable for recordings)."""
    url = base + path.lstrip("/")
    if query:
        pairs = sorted((k, str(v)) for k, v in query.items() if v not in (None, ""))
        url += "?" + urllib.parse.urlencode(pairs, safe=",")
    return url
