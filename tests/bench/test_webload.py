"""The pure parts of the web load bench (bench/webload.py, bench/web.py): no server, no load."""

from __future__ import annotations

import importlib.util
import math
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # web.py imports webload by this name
    spec.loader.exec_module(module)
    return module


webload = _load("webload")


@pytest.mark.parametrize(
    ("p", "expected"),
    [(0, 15.0), (40, 29.0), (50, 35.0), (95, 48.0), (100, 50.0)],
)
def test_percentile_interpolates_between_closest_ranks(p: float, expected: float) -> None:
    # Five values: position (5 - 1) * p / 100, e.g. p40 → 1.6 → 20 + 0.6 × (35 - 20) = 29,
    # p95 → 3.8 → 40 + 0.8 × (50 - 40) = 48.
    assert webload.percentile([50, 15, 40, 20, 35], p) == pytest.approx(expected)


def test_percentile_of_twenty_values_and_of_one_and_none() -> None:
    # p95 of 1..20: position 19 × 0.95 = 18.05 → 19 + 0.05 × 1.
    assert webload.percentile(range(1, 21), 95) == pytest.approx(19.05)
    assert webload.percentile([7.0], 95) == 7.0
    assert math.isnan(webload.percentile([], 50))
    with pytest.raises(ValueError, match="outside"):
        webload.percentile([1, 2], 101)


def test_loopback_base_keeps_scheme_host_and_port_only() -> None:
    assert webload.loopback_base("http://127.0.0.1:8123/some/path?q=1") == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000",
        "http://10.0.0.5:8000",
        "http://127.0.0.2:8000",
        "http://example.org:80",
        "https://127.0.0.1:8000",
        "http://127.0.0.1",  # no port
        "http://127.0.0.1:80@example.org:81",  # the host is example.org
        "http://127.0.0.1.example.org:8000",
        "127.0.0.1:8000",
    ],
)
def test_loopback_base_refuses_other_hosts(url: str) -> None:
    with pytest.raises(ValueError, match="refusing"):
        webload.loopback_base(url)


def test_browser_refuses_another_host_and_absolute_urls() -> None:
    with pytest.raises(ValueError, match="refusing"):
        webload.Browser("http://example.org:80")
    browser = webload.Browser("http://127.0.0.1:9")
    with pytest.raises(ValueError, match="a path"):
        browser.request("GET", "http://example.org/")


def test_browser_keeps_and_drops_cookies() -> None:
    browser = webload.Browser("http://127.0.0.1:9")
    browser._keep("csrftoken=abc; Path=/; SameSite=Lax")
    browser._keep("sessionid=s1; HttpOnly; Path=/")
    browser._keep('messages=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')
    browser._keep("sessionid=s2; Path=/")
    assert browser.cookies == {"csrftoken": "abc", "sessionid": "s2"}


FORMS = """
<form method="post" action="/login/"><input type="text" name="username" value="x"></form>
<form method="post" class="occasion-form wide">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok&amp;en">
  <input type="hidden" name="version" value="7">
  <input name="done_on" value="2026-01-02">
  <input type="checkbox" name="flag" checked><input type="checkbox" name="off" value="1">
  <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
  <select name="s1"><option value="">–</option><option value="2" selected>two</option></select>
  <select name="s2"><option>first</option><option>second</option></select>
  <select name="m" multiple><option value="1" selected>1</option><option value="2">2</option>
    <option value="3" selected>3</option></select>
  <textarea name="note">
Line &lt;one&gt;</textarea>
  <input name="gone" value="1" disabled>
  <button type="submit" name="go">Save</button><input type="submit" value="Save">
</form>
"""


def test_form_reader_sends_what_a_browser_would() -> None:
    form = webload.form_with_class(FORMS, "occasion-form")
    assert form is not None
    assert form.fields == [
        ("csrfmiddlewaretoken", "tok&en"),
        ("version", "7"),
        ("done_on", "2026-01-02"),
        ("flag", "on"),
        ("r", "b"),
        ("s1", "2"),
        ("s2", "first"),
        ("m", "1"),
        ("m", "3"),
        ("note", "Line <one>"),
    ]
    login = webload.form_with_field(FORMS, "username")
    assert login is not None and login.attrs["action"] == "/login/"
    assert webload.form_with_class(FORMS, "missing") is None


def test_problem_of_counts_anything_but_2xx_and_3xx() -> None:
    answer = webload.Answer
    assert webload.problem_of(answer(200, "")) == ""
    assert webload.problem_of(answer(302, "")) == ""
    assert webload.problem_of(answer(404, "")) == "HTTP 404"
    assert webload.problem_of(answer(500, "")) == "HTTP 500"
    # A save that re-renders its form (400) or answers 200 instead of redirecting failed.
    assert webload.problem_of(answer(302, ""), expect=[302]) == ""
    assert webload.problem_of(answer(200, ""), expect=[302]) == "HTTP 200"
    failed = answer(0, "", error="ConnectionRefusedError: [Errno 111] refused")
    assert webload.problem_of(failed) == "ConnectionRefusedError"


def test_tally_counts_errors_per_page_and_stops_at_its_limit() -> None:
    tally = webload.Tally(limit=3)
    tally.add("start", 10.0)
    tally.add("start", 30.0, "HTTP 500")
    assert not tally.full.is_set()
    tally.add("Analys", 20.0)
    assert tally.full.is_set()
    assert (tally.count, tally.error_count) == (3, 1)
    assert tally.pages["start"].errors == {"HTTP 500": 1}
    assert sorted(tally.all_times()) == [10.0, 20.0, 30.0]


def test_cpu_of_this_process_is_read_from_proc() -> None:
    assert os.getpid() in webload.descendants(os.getpid())
    seen = webload.proc_times(os.getpid())
    assert seen is not None and seen[0] >= 0
    meter = webload.CpuMeter()
    meter.start()
    meter.sample([os.getpid(), 2**22 + 1])  # a pid that does not exist is skipped
    assert meter.seconds() == 0.0


def test_the_bench_signs_in_as_users_the_demo_creates() -> None:
    from insyn.organisations import demo

    web = _load("web")
    assert set(web.DEMO_ROLES) <= {username for username, *_rest in demo.USERS}
    assert web.DEMO_PASSWORD == demo.DEMO_PASSWORD
    with pytest.raises(SystemExit, match="must contain 'bench'"):
        web.ensure_database("postgresql://postgres@127.0.0.1:5432/insyn")


def test_the_report_counts_what_finished_in_time_and_says_when_there_were_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tally = webload.Tally(limit=100)
    for elapsed in (100.0, 200.0, 300.0, 400.0):
        tally.add("start (kvalitet)", elapsed)
    tally.add("occasion save", 900.0, "HTTP 400")  # under way when the phase ended
    # 4 answered in 2 s: 2 requests/s; 0.3 s of gunicorn CPU over 4 requests: 75 ms each.
    phase = webload.Phase(10, 0.0, tally, 2.0, 4, 0.3, 0.1, 0.05, (1.0, 0.5, 0.25))
    assert phase.rate == pytest.approx(2.0)
    webload.report(phase)
    webload.summary([phase])
    out = capsys.readouterr().out
    assert "4 requests in 2.0 s (and 1 under way at the end)" in out
    assert "occasion save" in out and "HTTP 400 ×1" in out
    assert "gunicorn 75.0 ms, PostgreSQL 25.0 ms" in out
    assert "THIS RUN HAD 1 ERROR(S)" in out
