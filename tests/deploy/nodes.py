"""Helpers of the two-node test: a throwaway PostgreSQL database, `insyn` processes on free
loopback ports, and a small cookie-keeping HTTP client (standard library only).

Every loop here is bounded in count and time, every process is started in its own process group
and killed by that group's id, and every request goes to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHECKOUT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180.0  # seconds for a node to migrate, load catalogues and answer (2 busy cores)
REQUEST_TIMEOUT = 20.0
PROCESS_LIFETIME = 600  # seconds; a node outliving its test is stopped by then


def insyn_script() -> Path:
    """The `insyn` console script of the virtualenv that runs the tests."""
    return Path(sys.executable).parent / "insyn"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- services ---------------------------------------------------------------------------------


def redis_reachable(url: str) -> str:
    """'' when a Redis server answers PING at the URL's host and port, else why not."""
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=3
        ) as s:
            s.sendall(b"PING\r\n")
            answer = s.recv(64)
    except OSError as exc:
        return f"no Redis at {url}: {exc}"
    return "" if answer.startswith(b"+PONG") else f"Redis at {url} answered {answer!r}"


def server_url(database_url: str, name: str) -> str:
    """The same PostgreSQL server as database_url, another database."""
    parts = urllib.parse.urlsplit(database_url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _admin_connect(database_url: str) -> Any:
    import psycopg

    return psycopg.connect(server_url(database_url, "postgres"), autocommit=True, connect_timeout=5)


def pg_reachable(database_url: str) -> str:
    try:
        _admin_connect(database_url).close()
    except Exception as exc:  # any failure to connect is the reason to report
        return f"no PostgreSQL server for {database_url}: {exc}"
    return ""


@contextlib.contextmanager
def throwaway_database(database_url: str) -> Iterator[str]:
    """A new empty database on the server of database_url, dropped afterwards."""
    name = f"insyn_twonode_{secrets.token_hex(4)}"
    with _admin_connect(database_url) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url(database_url, name)
    finally:
        with _admin_connect(database_url) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(database_url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as con:
        return list(con.execute(sql, params).fetchall())


# --- processes --------------------------------------------------------------------------------


def node_environment(**overrides: str) -> dict[str, str]:
    """The environment of a node: this process's, without pytest's markers (they would switch
    the settings to the test environment), with the checkout's sources first on the path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "INSYN_", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"))
    }
    paths = [str(CHECKOUT / "src"), str(CHECKOUT)]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["DJANGO_SETTINGS_MODULE"] = "insyn.settings"
    env.update(overrides)
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate the process group, then kill it if it has not gone within ten seconds."""
        if self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


def start(name: str, argv: list[str], env: Mapping[str, str], log: Path) -> Process:
    """Start argv in its own process group, ended by `timeout` should the test never stop it
    (a test run killed outright leaves nothing serving for long)."""
    argv = ["timeout", "--kill-after=10", str(PROCESS_LIFETIME), *argv]
    handle = open(log, "wb")  # noqa: SIM115 - the child writes to it; closed with the file table
    try:
        popen = subprocess.Popen(
            argv,
            env=dict(env),
            cwd=CHECKOUT,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() kills gunicorn's workers too
        )
    finally:
        handle.close()
    return Process(name, popen, log)


def run(
    argv: list[str], env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        env=dict(env),
        cwd=CHECKOUT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def wait_until_serving(process: Process, base: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited early:\n{process.tail()}")
        url = f"{base}/healthz"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{process.name} did not answer within {timeout:.0f} s:\n{process.tail()}")


# --- HTTP -------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Browser:
    """One user agent: a cookie jar shared across the nodes it talks to, no redirects followed."""

    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def set_cookie(self, name: str, value: str) -> None:
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                version=0,
                name=name,
                value=value,
                port=None,
                port_specified=False,
                domain="127.0.0.1",
                domain_specified=False,
                domain_initial_dot=False,
                path="/",
                path_specified=True,
                secure=False,
                expires=None,
                discard=False,
                comment=None,
                comment_url=None,
                rest={},
            )
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        form: Mapping[str, str] | None = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        assert url.startswith("http://127.0.0.1:"), url  # loopback only
        body = None
        all_headers = dict(headers or {})
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None:
            body = json.dumps(data).encode()
            all_headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=body, method=method, headers=all_headers)
        try:
            with self._opener.open(req, timeout=REQUEST_TIMEOUT) as answer:
                return Answer(answer.status, answer.headers, answer.read().decode())
        except urllib.error.HTTPError as answer:
            return Answer(answer.code, answer.headers, answer.read().decode())

    def get(self, url: str, **kwargs: Any) -> Answer:
        return self.request("GET", url, **kwargs)

    def post_with_csrf(self, url: str, form: Mapping[str, str] | None = None) -> Answer:
        """A form post with the CSRF token of the cookie (as a page's form would carry it)."""
        return self.request(
            "POST", url, form={**(form or {}), "csrfmiddlewaretoken": self.cookie("csrftoken")}
        )

    def api(self, method: str, url: str, data: Any) -> Answer:
        return self.request(
            method, url, data=data, headers={"X-CSRFToken": self.cookie("csrftoken")}
        )

    def log_in(self, base: str, username: str, password: str) -> Answer:
        page = self.get(f"{base}/accounts/login/")
        assert page.status == 200, page.status
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        assert match, "the login page has no CSRF token"
        return self.request(
            "POST",
            f"{base}/accounts/login/",
            form={"username": username, "password": password, "csrfmiddlewaretoken": match[1]},
        )
