"""No identity number in logs or audit paths: gunicorn's access log, Django's logs, the audit."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from insyn.core.redaction import (
    MASK,
    RedactFilter,
    mask_identity_numbers,
    request_line_without_query,
    safe_path,
)

NUMBERS = [
    "191212121212",
    "19121212-1212",
    "121212-1212",
    "1212121212",
    "121212+1212",
    "19121212%2B1212",
    "121272-1234",  # samordningsnummer (day + 60)
    "20121212 1212",
]


@pytest.mark.parametrize("number", NUMBERS)
def test_identity_numbers_are_masked_in_any_spelling(number):
    masked = safe_path(f"/clients/?q={number}&page=2")
    assert masked == f"/clients/?q={MASK}&page=2"


def test_other_numbers_are_left_alone():
    for text in ("/clients/12/", "/api/occasions/?page=1234567", "1764383535", "20251301-1234"):
        assert mask_identity_numbers(text) == text


def test_request_line_loses_its_query():
    line = "GET /clients/?q=19121212-1212 HTTP/1.1"
    assert request_line_without_query(line) == "GET /clients/ HTTP/1.1"
    assert request_line_without_query("GET /x/191212121212/ HTTP/1.0") == f"GET /x/{MASK}/ HTTP/1.0"


def _gunicorn_line(uri: str, referer: str) -> str:
    import datetime as dt

    from gunicorn.config import Config

    from insyn.core.gunicorn_logging import RedactingLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", cfg.access_log_format + ' %(U)s %(q)s "%({referer}i)s"')
    logger = RedactingLogger(cfg)
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger.access_log.addHandler(Capture())
    path, _, query = uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "test",
    }
    resp = SimpleNamespace(status="200 OK", sent=12, headers=[])
    req = SimpleNamespace(headers=[("REFERER", referer)])
    logger.access(resp, req, environ, dt.timedelta(milliseconds=5))
    return records[-1]


def test_gunicorn_access_log_has_no_query_and_no_number():
    line = _gunicorn_line(
        "/clients/?q=19121212-1212", "https://insyn.example.se/clients/?q=191212121212"
    )
    assert "1212" not in line and "?q=" not in line
    assert '"GET /clients/ HTTP/1.1" 200' in line
    assert "https://insyn.example.se/clients/" in line


def test_insyn_run_serves_with_the_redacting_logger(monkeypatch, db):
    from django.core.management import call_command

    from insyn.core.management.commands import run

    started: list[list[str]] = []
    monkeypatch.setattr(run, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(run.os, "execv", lambda _exe, argv: started.append(argv))
    call_command("run", "--no-demo", "--port", "8123")
    argv = started[0]
    assert argv[argv.index("--logger-class") + 1] == "insyn.core.gunicorn_logging.RedactingLogger"


def test_log_records_are_masked():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s',
        ("GET /?q=121212-1212 HTTP/1.1", 200),
        None,
    )
    assert RedactFilter().filter(record)
    assert record.getMessage() == f'"GET /?q={MASK} HTTP/1.1" 200'


def test_configured_handlers_mask():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["console"]
    assert "redact" in handler["filters"]
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]


def test_link_keys_in_paths_are_masked():
    token = "AbC-def_0123456789abcdefghijklmnopqrstuvwxyz"
    assert safe_path(f"/surveys/a/{token}/?lang=en") == "/surveys/a/<secret>/?lang=en"
    assert request_line_without_query(f"GET /surveys/a/{token}/ HTTP/1.1") == (
        "GET /surveys/a/<secret>/ HTTP/1.1"
    )
    assert safe_path("/followup/programmes/12/stages/") == "/followup/programmes/12/stages/"
