"""gunicorn's access log without query strings: `insyn run` passes `--logger-class` here.

gunicorn writes the raw request line (`GET /clients/?q=191212121212 HTTP/1.1`) and the
referrer, so a personnummer typed into a search would land in the access log. This logger
drops query strings from the request line, the referrer and the URL atoms, and masks anything
shaped like an identity number in every other atom. It imports nothing from Django: gunicorn's
master process loads it before the application.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from insyn.core.redaction import (
    mask_identity_numbers,
    request_line_without_query,
    without_query,
)

DROPPED = {"q", "{query_string}e", "{raw_uri}e"}
URLS = {"f", "{referer}i", "{http_referer}e", "{path_info}e", "U"}


def redact_atoms(atoms: dict[str, Any]) -> dict[str, Any]:
    safe: dict[str, Any] = {}
    for key, value in atoms.items():
        if key in DROPPED:
            safe[key] = "-"
        elif key == "r" and isinstance(value, str):
            safe[key] = request_line_without_query(value)
        elif key in URLS and isinstance(value, str):
            safe[key] = without_query(value)
        elif isinstance(value, str):
            safe[key] = mask_identity_numbers(value)
        else:
            safe[key] = value
    return safe


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        return redact_atoms(super().atoms(resp, req, environ, request_time))
