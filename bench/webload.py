"""The parts of the web load benchmark (`bench/web.py`) that know nothing of Django: the
loopback guard, percentiles, a cookie-keeping HTTP client, an HTML form reader, the per-page
tally and the CPU clock of a set of processes read from /proc.

Standard library only, so the bench needs no package beyond the project's own.
"""

from __future__ import annotations

import http.client
import http.cookies
import math
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

LOOPBACK = "127.0.0.1"
REQUEST_TIMEOUT = 30.0  # seconds; a request that takes longer is counted as an error


def loopback_base(url: str) -> str:
    """The URL's scheme://host:port when it is plain HTTP on 127.0.0.1 with a port; raise
    ValueError for anything else. The bench sends hundreds of requests a second: never at a
    machine other than this one (nor "localhost", which may resolve elsewhere)."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        raise ValueError(f"refusing {url!r}: the bench speaks plain http to {LOOPBACK} only")
    if parts.hostname != LOOPBACK:
        raise ValueError(f"refusing {url!r}: the bench runs against {LOOPBACK} only")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"refusing {url!r}: {exc}") from exc
    if port is None:
        raise ValueError(f"refusing {url!r}: give the port (http://{LOOPBACK}:PORT)")
    return f"http://{LOOPBACK}:{port}"


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation between the closest ranks (numpy's
    default); nan for no values."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 0–100")
    position = (len(ordered) - 1) * p / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def log(text: str = "") -> None:
    print(text, flush=True)


# --- HTTP ------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0 when the request failed without an answer (refused, reset, timed out)
    body: str
    location: str = ""
    error: str = ""


@dataclass
class Browser:
    """One user agent on the loopback server: its own cookies, no redirects followed, a new
    connection per request (gunicorn's sync workers close each one after answering)."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base = loopback_base(self.base)
        parts = urlsplit(self.base)
        self._host, self._port = LOOPBACK, int(parts.port or 0)

    def request(
        self,
        method: str,
        path: str,
        form: Mapping[str, str] | list[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        if not path.startswith("/"):
            raise ValueError(f"a path on the bench server, not {path!r}")
        all_headers = {"Host": f"{self._host}:{self._port}", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        con = http.client.HTTPConnection(self._host, self._port, timeout=REQUEST_TIMEOUT)
        try:
            con.request(method, path, body=body, headers=all_headers)
            response = con.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for header in response.msg.get_all("Set-Cookie") or []:
                self._keep(header)
            return Answer(response.status, text, response.getheader("Location") or "")
        except (OSError, http.client.HTTPException) as exc:
            return Answer(0, "", error=f"{type(exc).__name__}: {exc}")
        finally:
            con.close()

    def _keep(self, header: str) -> None:
        jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


# --- forms -----------------------------------------------------------------------------------

_SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}


@dataclass
class Form:
    attrs: dict[str, str]
    fields: list[tuple[str, str]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)  # every checkbox/radio value

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _FormReader(HTMLParser):
    """What a browser would submit for each form as rendered: inputs, checked boxes and radios,
    selected options (the first when none is), textareas; disabled controls left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._option_selected = False
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            self._form = Form(attrs)
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name", "")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in _SKIPPED_INPUTS:
                return
            if kind in {"checkbox", "radio"}:
                self._form.choices.setdefault(name, []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    self._form.fields.append((name, attrs.get("value", "on")))
                return
            self._form.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs, [])
        elif tag == "option" and self._select is not None:
            self._option = [attrs["value"]] if "value" in attrs else []
            self._option_selected = "selected" in attrs
            if self._option:  # a value attribute: the text does not matter
                self._select[2].append((self._option[0], self._option_selected))
                self._option = None
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select is not None:
            self._select[2].append(("".join(self._option).strip(), self._option_selected))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not multiple:
                chosen = [options[0][0]]
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._textarea[1])
            # The HTML parser keeps the newline that follows <textarea>; browsers drop it.
            self._form.fields.append((self._textarea[0], text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def read_forms(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_with_class(html: str, css_class: str) -> Form | None:
    return next((f for f in read_forms(html) if css_class in f.classes), None)


def form_with_field(html: str, name: str) -> Form | None:
    return next((f for f in read_forms(html) if any(k == name for k, _ in f.fields)), None)


# --- tally -----------------------------------------------------------------------------------


@dataclass
class PageStats:
    times_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.times_ms)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


class Tally:
    """Per-page response times and errors of one phase; threads add to it under a lock. An
    answer is an error unless its status is 2xx or 3xx (or the step says otherwise)."""

    def __init__(self, limit: int) -> None:
        self.pages: dict[str, PageStats] = {}
        self.limit = limit
        self.samples: list[str] = []  # the first few errors, to print
        self._count = 0
        self._lock = threading.Lock()
        self.full = threading.Event()

    def add(self, page: str, elapsed_ms: float, problem: str = "") -> None:
        with self._lock:
            stats = self.pages.setdefault(page, PageStats())
            stats.times_ms.append(elapsed_ms)
            if problem:
                stats.errors[problem] = stats.errors.get(problem, 0) + 1
                sample = f"{page}: {problem}"
                if len(self.samples) < 5 and sample not in self.samples:
                    self.samples.append(sample)
            self._count += 1
            if self._count >= self.limit:
                self.full.set()

    @property
    def count(self) -> int:
        return self._count

    @property
    def error_count(self) -> int:
        return sum(s.error_count for s in self.pages.values())

    def all_times(self) -> list[float]:
        return [t for s in self.pages.values() for t in s.times_ms]


def problem_of(answer: Answer, expect: Iterable[int] = ()) -> str:
    """'' for a good answer, else what was wrong ('HTTP 500', 'ConnectionResetError: …')."""
    if answer.status == 0:
        return answer.error.split(":")[0] or "no answer"
    wanted = set(expect)
    if wanted and answer.status not in wanted:
        return f"HTTP {answer.status}"
    if not 200 <= answer.status < 400:
        return f"HTTP {answer.status}"
    return ""


# --- CPU of processes from /proc -------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_times(pid: int) -> tuple[float, float] | None:
    """(utime + stime in seconds, start time in seconds after boot) of a process, or None when
    it is gone. The command name in field 2 may contain spaces: split after its ')'."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, int(fields[19]) / CLOCK_TICKS


def descendants(root: int) -> list[int]:
    """root and every process below it (gunicorn's master and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                text = handle.read()
        except OSError:
            continue
        ppid = int(text[text.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def uptime() -> float:
    with open("/proc/uptime") as handle:
        return float(handle.read().split()[0])


class CpuMeter:
    """CPU seconds a changing set of processes spent between start() and stop(): sampled so
    that a process that starts (a new worker, a new PostgreSQL backend) or ends during the phase
    still counts what it used while seen."""

    def __init__(self) -> None:
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._since = 0.0

    def start(self) -> None:
        self._first.clear()
        self._last.clear()
        self._since = uptime()

    def sample(self, pids: Iterable[int]) -> None:
        for pid in pids:
            seen = proc_times(pid)
            if seen is None:
                continue
            cpu, started = seen
            if pid not in self._first:
                # Born during the phase: everything it used belongs to the phase.
                self._first[pid] = 0.0 if started >= self._since else cpu
            self._last[pid] = cpu

    def seconds(self) -> float:
        return sum(self._last[pid] - self._first[pid] for pid in self._last)


# --- report ----------------------------------------------------------------------------------


@dataclass
class Phase:
    users: int
    think: float
    tally: Tally
    seconds: float
    finished: int  # requests answered within the phase's seconds (the rest were under way)
    server_cpu: float
    db_cpu: float | None
    bench_cpu: float
    load: tuple[float, float, float]

    @property
    def rate(self) -> float:
        return self.finished / self.seconds if self.seconds else 0.0


def ms(value: float) -> str:
    return f"{value:7.0f}" if value == value else "      –"  # nan for no values


def report(phase: Phase) -> None:
    tally = phase.tally
    log(
        f"\n{phase.users} user(s), think time {phase.think:g} s: {phase.finished} requests "
        f"in {phase.seconds:.1f} s (and {tally.count - phase.finished} under way at the end)"
    )
    log(f"  {'page':<26}{'n':>6}{'p50 ms':>8}{'p95 ms':>8}  errors")
    for page, stats in sorted(tally.pages.items()):
        errors = ", ".join(f"{k} ×{v}" for k, v in stats.errors.items()) or "0"
        times = stats.times_ms
        log(
            f"  {page:<26}{stats.count:>6}{ms(percentile(times, 50))} "
            f"{ms(percentile(times, 95))}  {errors}"
        )
    every = tally.all_times()
    log(
        f"  {'all pages':<26}{tally.count:>6}{ms(percentile(every, 50))} "
        f"{ms(percentile(every, 95))}  {tally.error_count}"
    )
    per = max(phase.finished, 1)
    db = f"{phase.db_cpu * 1000 / per:.1f} ms" if phase.db_cpu is not None else "not measured"
    log(
        f"  throughput {phase.rate:.1f} requests/s; CPU per request: "
        f"gunicorn {phase.server_cpu * 1000 / per:.1f} ms, PostgreSQL {db}, "
        f"bench client {phase.bench_cpu * 1000 / per:.1f} ms"
    )
    log(f"  load average {' '.join(f'{x:.2f}' for x in phase.load)} ({os.cpu_count()} cores)")
    for sample in tally.samples:
        log(f"  error: {sample}")


def summary(phases: list[Phase]) -> None:
    log("\nsummary")
    log("  users think   req/s  p50 ms  p95 ms  gunicorn ms/req  PostgreSQL ms/req  errors  load1")
    for p in phases:
        every = p.tally.all_times()
        per = max(p.finished, 1)
        db = f"{p.db_cpu * 1000 / per:17.1f}" if p.db_cpu is not None else f"{'–':>17}"
        log(
            f"  {p.users:>5} {p.think:>4g}s {p.rate:7.1f} {ms(percentile(every, 50))} "
            f"{ms(percentile(every, 95))} {p.server_cpu * 1000 / per:16.1f} {db} "
            f"{p.tally.error_count:7d} {p.load[0]:6.2f}"
        )
    errors = sum(p.tally.error_count for p in phases)
    if errors:
        log(f"\nTHIS RUN HAD {errors} ERROR(S): the figures include failed requests.")
