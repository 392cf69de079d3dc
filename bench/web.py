"""Web load benchmark: run with `make bench-web` (not part of `make test`). Prints figures; it
never passes or fails on time, but says so when any answer was an error.

Serves insyn as production does (`insyn run`: gunicorn, sync workers, INSYN_WORKERS=2 by default,
PostgreSQL connections kept 60 s) on its own database (`insyn_benchweb`, created, migrated and
loaded with the demo when empty), signs in as the demo users and drives the main pages — each
role's start page, "my follow-ups", a client, an occasion form (GET and a real POST with its CSRF
token and version), Analys (the form, and a result for one variable) and the occasions API —
with 1, 10 and 50 simultaneous users, first without pause and then with a think time of 2 s
between pages. Virtual user i signs in as demo role i mod 4 with a session of its own (the
first takes all four roles in turn, so that one user alone opens every page); each case worker
saves an occasion of its own, so the saves do not conflict. Per phase: p50/p95 per page,
requests/s, CPU per request of gunicorn's processes and of the PostgreSQL backends (from
/proc), and the load average.

Bounded: each phase stops after INSYN_BENCHWEB_SECONDS (20) or INSYN_BENCHWEB_REQUESTS (3000)
requests, and no phase starts once INSYN_BENCHWEB_BUDGET (240) seconds of load have passed
(the setup before them takes about a minute). Other settings: INSYN_BENCHWEB_USERS ("1,10,50"),
INSYN_BENCHWEB_THINK ("0,2" seconds), INSYN_BENCHWEB_WORKERS (INSYN_WORKERS or 2),
INSYN_BENCHWEB_DATABASE_URL (the name must contain "bench"). Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webload import (  # the sibling module, found through the line above
    LOOPBACK,
    Answer,
    Browser,
    CpuMeter,
    Phase,
    Tally,
    descendants,
    form_with_class,
    form_with_field,
    log,
    loopback_base,
    problem_of,
    report,
    summary,
)

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "benchweb"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/insyn_benchweb"
# The demo's users (insyn.organisations.demo.USERS; a test checks they still exist there).
DEMO_ROLES = ("handlaggare", "enhetschef", "kvalitet", "analytiker")
DEMO_PASSWORD = "insyn-demo-2026"  # the demo's printed password
START_TIMEOUT = 900.0  # the first start migrates and loads the demo on two busy cores
SAMPLE_EVERY = 0.5

# page label → (method, path); {occasion} and {client} are the virtual user's own.
PAGES = {
    "start": ("GET", "/"),
    "my follow-ups": ("GET", "/followup/my/"),
    "client": ("GET", "/clients/{client}/"),
    "occasion form": ("GET", "/followup/occasions/{occasion}/record/"),
    "occasion save": ("POST", "/followup/occasions/{occasion}/record/"),
    "Analys": ("GET", "/analysis/query/"),
    "Analys result": ("GET", "/analysis/query/?{query}"),
    "API occasions": ("GET", "/api/followup/occasions/"),
}


def env_list(name: str, default: str) -> list[float]:
    return [float(x) for x in os.environ.get(name, default).split(",") if x.strip()]


@dataclass
class Settings:
    database_url: str
    users: list[int]
    think: list[float]
    seconds: float
    requests: int
    budget: float
    workers: int

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            database_url=os.environ.get("INSYN_BENCHWEB_DATABASE_URL", DEFAULT_URL),
            users=[int(x) for x in env_list("INSYN_BENCHWEB_USERS", "1,10,50")],
            think=env_list("INSYN_BENCHWEB_THINK", "0,2"),
            seconds=float(os.environ.get("INSYN_BENCHWEB_SECONDS", "20")),
            requests=int(os.environ.get("INSYN_BENCHWEB_REQUESTS", "3000")),
            budget=float(os.environ.get("INSYN_BENCHWEB_BUDGET", "240")),
            workers=int(
                os.environ.get("INSYN_BENCHWEB_WORKERS", os.environ.get("INSYN_WORKERS", "2"))
            ),
        )


# --- database and server ---------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlsplit(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to run against {name!r}: the bench database name must contain 'bench'")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            con.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}: the server migrates it and loads the demo (minutes)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def server_environment(settings: Settings) -> dict[str, str]:
    """This environment without the caller's INSYN_*/database settings, as `insyn run` serves
    it (development settings with debug off: production's would demand HTTPS), tasks queued in
    the database as in production (no worker runs them here)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("INSYN_", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_"))
    }
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
            "DJANGO_SETTINGS_MODULE": "insyn.settings",
            "DATABASE_URL": settings.database_url,
            "INSYN_ENV": "development",
            "INSYN_DEBUG": "0",
            "INSYN_VAR_DIR": str(VAR),
            "INSYN_ANALYTICS_CACHE": str(VAR / "analytics"),
            "INSYN_TASKS": "database",
        }
    )
    return env


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[tuple[str, int]]:
    """`insyn run` on a free loopback port in a process group of its own, stopped at the end.
    `insyn run` replaces itself with gunicorn, so the child's pid is gunicorn's master."""
    VAR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = VAR / "server.log"
    argv = [sys.executable, "-m", "insyn.cli", "run", "--host", LOOPBACK, "--port", str(port)]
    argv += ["--workers", str(settings.workers)]
    with open(log_path, "wb") as handle:
        server = subprocess.Popen(
            argv,
            env=server_environment(settings),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = loopback_base(f"http://{LOOPBACK}:{port}")
        deadline = time.monotonic() + START_TIMEOUT
        probe = Browser(base)
        while probe.request("GET", "/healthz").status != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace").splitlines()[-30:]
                sys.exit("the server did not start:\n" + "\n".join(tail))
            time.sleep(0.5)
        yield base, server.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


# --- virtual users ---------------------------------------------------------------------------


def log_in(base: str, username: str) -> Browser:
    browser = Browser(base)
    page = browser.request("GET", "/accounts/login/")
    form = form_with_field(page.body, "username") if page.status == 200 else None
    token = dict(form.fields).get("csrfmiddlewaretoken", "") if form else ""
    answer = browser.request(
        "POST",
        "/accounts/login/",
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
    )
    if answer.status != 302 or "2fa" in answer.location:
        sys.exit(f"could not sign in as {username}: HTTP {answer.status} {answer.location}")
    return browser


@dataclass
class VirtualUser:
    index: int
    sessions: dict[str, Browser]
    occasion: int
    client: int
    query: str = ""
    step: int = 0  # where in its round of pages the user is; kept from one phase to the next
    form: Answer | None = field(default=None, repr=False)

    def path(self, page: str) -> str:
        return PAGES[page][1].format(occasion=self.occasion, client=self.client, query=self.query)

    def visit(self, role: str, page: str) -> tuple[Answer, str]:
        """One page as the given role; (answer, problem or '')."""
        browser = self.sessions[role]
        if page != "occasion save":
            answer = browser.request("GET", self.path(page))
            if page == "occasion form":
                self.form = answer
            return answer, problem_of(answer, expect=[200])  # not a redirect to the login
        # The form as the last GET rendered it: its CSRF token and the occasion's version.
        form = form_with_class(self.form.body, "occasion-form") if self.form else None
        if form is None:
            return Answer(0, "", error="no occasion form"), "no occasion form to save"
        answer = browser.request("POST", self.path(page), form.fields)
        self.form = None  # its version is spent
        return answer, problem_of(answer, expect=[302])  # 400 re-renders the form: an error


def discover_occasions(base: str, browser: Browser, wanted: int) -> list[tuple[int, int]]:
    """(occasion, client) pairs the case worker can save as rendered: done occasions whose form,
    sent back unchanged, is accepted (each tried once here; that save is not timed)."""
    import json

    found: list[tuple[int, int]] = []
    for page_number in range(1, 20):
        answer = browser.request("GET", f"/api/followup/occasions/?status=done&page={page_number}")
        if answer.status != 200:
            break
        for row in json.loads(answer.body)["results"]:
            user = VirtualUser(0, {"c": browser}, int(row["id"]), int(row["client"]))
            if (
                user.visit("c", "occasion form")[1] == ""
                and user.visit("c", "occasion save")[1] == ""
            ):
                found.append((user.occasion, user.client))
                if len(found) >= wanted:
                    return found
    return found


def analysis_query(browser: Browser) -> str:
    """The analysis form as it opens, with its first variable ticked and results asked for."""
    page = browser.request("GET", PAGES["Analys"][1])
    form = form_with_field(page.body, "programme") if page.status == 200 else None
    if form is None or not form.choices.get("variable"):
        return ""
    fields = [*form.fields, ("variable", form.choices["variable"][0]), ("show", "1")]
    log(f"  Analys result: /analysis/query/?{urlencode(fields)}")
    return urlencode(fields)


def role_pages(users: list[VirtualUser]) -> dict[str, list[str]]:
    """The pages each role may open (one probe each; refused pages are left out of its round)."""
    probe = users[0]
    allowed: dict[str, list[str]] = {}
    for role in DEMO_ROLES:
        allowed[role] = []
        for page in PAGES:
            if page.startswith("occasion") and role != "handlaggare":
                continue  # the virtual user's occasion belongs to the case worker
            answer, problem = probe.visit(role, page)
            if not problem:
                allowed[role].append(page)
            elif answer.status not in (403, 404):
                sys.exit(f"{page} as {role}: {problem}")
        log(f"  {role:<12} {', '.join(allowed[role])}")
    return allowed


def virtual_users(base: str, count: int) -> tuple[list[VirtualUser], dict[str, list[str]]]:
    """count virtual users, each a demo role in turn with its own session (and the case
    workers an occasion of their own); the first takes every role in turn, so that one user
    alone still opens every page. With the pages each role may open."""
    first = {role: log_in(base, role) for role in DEMO_ROLES}
    roles = [DEMO_ROLES[i % len(DEMO_ROLES)] for i in range(1, count)]
    occasions = discover_occasions(base, first["handlaggare"], 1 + roles.count("handlaggare"))
    if not occasions:
        sys.exit("the case worker has no done occasion whose form saves: is the demo loaded?")
    log(f"  {len(occasions)} occasions to save; signing in {count} virtual users …")
    with ThreadPoolExecutor(max_workers=4) as pool:
        logins = list(pool.map(lambda role: {role: log_in(base, role)}, roles))
    query = analysis_query(first["analytiker"])
    users, saving = [], 0
    for i, session in enumerate([first, *logins]):
        occasion, client = occasions[saving % len(occasions)]  # every role opens the client
        if "handlaggare" in session:
            saving += 1
        users.append(VirtualUser(i, session, occasion, client, query=query))
    if saving > len(occasions):
        log(f"  only {len(occasions)} occasions for {saving} case workers: saves may conflict")
    log("pages per role:")
    allowed = role_pages(users)
    for _ in range(2):  # the workers' first requests import and compile templates
        for role, page in rounds(users[0], allowed):
            users[0].visit(role, page)
    for user in users[1:]:  # each starts somewhere else in its round: every page from the start
        user.step = random.Random(user.index).randrange(len(rounds(user, allowed)))
    return users, allowed


# --- phases ----------------------------------------------------------------------------------


def page_label(role: str, page: str) -> str:
    return f"start ({role})" if page == "start" else page


def drive(
    user: VirtualUser,
    allowed: dict[str, list[str]],
    think: float,
    tally: Tally,
    stop: threading.Event,
) -> None:
    steps = rounds(user, allowed)
    while not stop.is_set():
        role, page = steps[user.step % len(steps)]
        user.step += 1
        if page == "occasion save" and user.form is None:
            continue  # a user who came in mid-round saves after its next form
        started = time.perf_counter()
        _answer, problem = user.visit(role, page)
        tally.add(page_label(role, page), (time.perf_counter() - started) * 1000, problem)
        if think:
            stop.wait(think)


def rounds(user: VirtualUser, allowed: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(role, page) for role in user.sessions for page in allowed[role]]


class Backends:
    """The PostgreSQL backends serving the bench database (not this connection's), when the
    server is on this machine so that /proc shows them; None otherwise."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.local = urlsplit(url).hostname in {LOOPBACK, "localhost", ""}
        self.name = urlsplit(url).path.lstrip("/")
        self._con = psycopg.connect(url, autocommit=True, connect_timeout=5)

    def pids(self) -> list[int]:
        sql = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        return [int(row[0]) for row in self._con.execute(sql, [self.name]).fetchall()]


def run_phase(
    users: list[VirtualUser],
    count: int,
    think: float,
    allowed: dict[str, list[str]],
    seconds: float,
    limit: int,
    server_pid: int,
    backends: Backends,
) -> Phase:
    tally = Tally(limit)
    stop = threading.Event()
    server, database = CpuMeter(), CpuMeter()

    def sample() -> None:
        server.sample(descendants(server_pid))
        if backends.local:
            database.sample(backends.pids())

    server.start()
    database.start()
    sample()
    bench_started = time.process_time()
    threads = [
        threading.Thread(target=drive, args=(u, allowed, think, tally, stop), daemon=True)
        for u in users[:count]
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    deadline = started + seconds
    while time.perf_counter() < deadline and not tally.full.is_set():
        tally.full.wait(SAMPLE_EVERY)
        sample()
    stop.set()
    # Throughput counts what finished within the phase; the answers still under way are
    # waited for (their times count) but not while the server's CPU is read.
    elapsed, finished = time.perf_counter() - started, tally.count
    sample()
    for thread in threads:
        thread.join(timeout=40)
    return Phase(
        count,
        think,
        tally,
        elapsed,
        finished,
        server.seconds(),
        database.seconds() if backends.local else None,
        time.process_time() - bench_started,
        os.getloadavg(),
    )


def main() -> None:
    settings = Settings.from_environment()
    begun = time.monotonic()
    log(
        f"insyn web load bench: {settings.workers} gunicorn workers, users {settings.users}, "
        f"think {settings.think} s, ≤ {settings.seconds:g} s or {settings.requests} requests a "
        f"phase; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    ensure_database(settings.database_url)
    with serving(settings) as (base, server_pid):
        log(f"serving on {base} (gunicorn master pid {server_pid}); log in {VAR / 'server.log'}")
        log(f"  up after {time.monotonic() - begun:.0f} s")
        users, allowed = virtual_users(base, max(settings.users))
        log(f"  ready after {time.monotonic() - begun:.0f} s")
        backends = Backends(settings.database_url)
        phases: list[Phase] = []
        loaded = time.monotonic()
        for think in settings.think:
            for count in settings.users:
                left = settings.budget - (time.monotonic() - loaded)
                if left < 5:
                    log(f"\nbudget spent: skipped {count} users, think {think:g} s")
                    continue
                phases.append(
                    run_phase(
                        users,
                        count,
                        think,
                        allowed,
                        min(settings.seconds, left),
                        settings.requests,
                        server_pid,
                        backends,
                    )
                )
                report(phases[-1])
        summary(phases)
    log(f"\nwhole run {time.monotonic() - begun:.0f} s")


if __name__ == "__main__":
    main()
