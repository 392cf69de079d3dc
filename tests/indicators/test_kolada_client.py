"""The v3 client and its transports, against recorded pages; no test reaches the network."""

from __future__ import annotations

import io
import json
import socket
import urllib.error
from email.message import Message
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from insyn.indicators.kolada.client import MAX_IDS, KoladaClient, KoladaError, chunks
from insyn.indicators.kolada.transport import (
    FileTransport,
    HttpTransport,
    NetworkRefused,
    RefusingTransport,
    TransportError,
    default_transport,
)
from tests.indicators.recorded_routes import BASE, DATA, RECORDED, recorded_client


def test_paging_follows_next_url_over_three_pages() -> None:
    client, transport = recorded_client()
    rows = list(
        client.data(["U31462", "U31402"], years=[2024, 2025], municipalities=["0780", "0880"])
    )
    assert transport.calls == [DATA, DATA + "&page=2", DATA + "&page=3"]
    expected = sum(
        len(json.loads((RECORDED / f"data_page{n}.json").read_text())["values"]) for n in (1, 2, 3)
    )
    assert len(rows) == expected
    assert client.requests == 3


def test_thirty_kpi_ids_become_two_requests_of_at_most_25() -> None:
    ids = [f"N{n:05d}" for n in range(1, 31)]
    first = BASE + "data/kpi/" + ",".join(ids[:25]) + "/year/2024?per_page=5000"
    second = BASE + "data/kpi/" + ",".join(ids[25:]) + "/year/2024?per_page=5000"
    transport = FileTransport(RECORDED, {first: "empty.json", second: "empty.json"})
    assert list(KoladaClient(transport).data(ids, years=[2024])) == []
    assert transport.calls == [first, second]
    for url in transport.calls:
        segment = url.split("/data/kpi/")[1].split("/")[0]
        assert len(segment.split(",")) <= MAX_IDS


def test_chunks_split_every_segment_and_drop_duplicates() -> None:
    assert [len(c) for c in chunks([str(i) for i in range(60)])] == [25, 25, 10]
    assert chunks(["a", "b", "a"]) == [["a", "b"]]


def test_every_id_segment_is_split_kpi_area_and_year() -> None:
    areas = [f"{n:04d}" for n in range(1000, 1030)]
    transport = FileTransport(RECORDED, {})
    client = KoladaClient(transport)
    with pytest.raises(KoladaError):  # the recording has no such page: 404
        list(client.data(["U31462"], municipalities=areas, years=[2024]))
    assert transport.calls[0].count(",") == 24  # 25 areas in the first request


def test_from_date_and_per_page_are_in_the_query() -> None:
    url = BASE + "data/kpi/U31462/municipality/0780?from_date=2026-01-31&per_page=5000"
    transport = FileTransport(RECORDED, {url: "empty.json"})
    import datetime

    list(
        KoladaClient(transport).data(
            ["U31462"], municipalities=["0780"], from_date=datetime.date(2026, 1, 31)
        )
    )
    assert transport.calls == [url]


def test_an_error_status_or_a_wrong_envelope_is_a_clear_error() -> None:
    url = BASE + "municipality?per_page=5000"
    with pytest.raises(KoladaError, match="HTTP 500"):
        list(KoladaClient(FileTransport(RECORDED, {url: [(500, None)]})).municipalities())
    with pytest.raises(KoladaError, match='"values" list'):
        list(KoladaClient(FileTransport(RECORDED, {url: "wrong_shape.json"})).municipalities())


class FakeResponse:
    def __init__(self, payload: Any) -> None:
        self.status = 200
        self.body = json.dumps(payload).encode()

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self) -> bytes:
        return self.body


def http_error(url: str, code: int, retry_after: str | None = None) -> urllib.error.HTTPError:
    headers = Message()
    if retry_after:
        headers["Retry-After"] = retry_after
    return urllib.error.HTTPError(url, code, "error", headers, io.BytesIO(b""))


def test_retry_with_exponential_backoff_on_429_and_5xx_then_success() -> None:
    url = BASE + "municipality?per_page=5000"
    answers: list[Any] = [
        http_error(url, 429),
        http_error(url, 503),
        http_error(url, 502),
        FakeResponse({"values": []}),
    ]
    sleeps: list[float] = []

    def opener(request: Any, timeout: float) -> Any:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    transport = HttpTransport(
        opener=opener, sleep=sleeps.append, clock=lambda: 1000.0, backoff=0.5, min_interval=0
    )
    assert transport.get(url) == (200, {"values": []})
    assert sleeps == [0.5, 1.0, 2.0]  # 0.5 · 2^attempt


def test_retry_after_is_honoured_and_retries_run_out() -> None:
    url = BASE + "kpi?per_page=5000"
    calls: list[str] = []
    sleeps: list[float] = []

    def opener(request: Any, timeout: float) -> Any:
        calls.append(request.full_url)
        raise http_error(url, 429, retry_after="7")

    transport = HttpTransport(opener=opener, sleep=sleeps.append, retries=2, min_interval=0)
    with pytest.raises(TransportError, match="gave up after 3 attempts"):
        transport.get(url)
    assert len(calls) == 3 and sleeps == [7.0, 7.0]


def test_a_404_is_returned_not_retried() -> None:
    url = BASE + "kpi/NOPE?per_page=5000"

    def opener(request: Any, timeout: float) -> Any:
        raise http_error(url, 404)

    status, _ = HttpTransport(opener=opener, sleep=lambda s: None, min_interval=0).get(url)
    assert status == 404


def test_the_throttle_spaces_requests() -> None:
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    transport = HttpTransport(
        opener=lambda request, timeout: FakeResponse({"values": []}),
        sleep=sleep,
        clock=lambda: now[0],
        min_interval=0.25,
    )
    transport.get(BASE + "a")
    transport.get(BASE + "b")
    assert sleeps == [0.25]


def test_only_https_is_fetched() -> None:
    transport = HttpTransport(opener=lambda request, timeout: None, min_interval=0)
    with pytest.raises(TransportError, match="https"):
        transport.get("file:///etc/passwd")


def test_the_network_is_never_touched_in_tests(monkeypatch: pytest.MonkeyPatch, db: None) -> None:
    touched: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        touched.append(args)
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert isinstance(default_transport(), RefusingTransport)
    with pytest.raises(NetworkRefused):
        HttpTransport()  # no injected opener in tests
    with pytest.raises(CommandError, match="refused"):
        call_command("kolada", "import", "--api", "--kpi", "U31462", "--years", "2024")
    assert touched == []
