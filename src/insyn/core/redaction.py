"""Keep identity numbers out of logs and request paths.

A personnummer typed into a GET search travels in the query string, so every place that
writes a path (the audit trail, gunicorn's access log, Django's and the app's logs) masks
anything shaped like a Swedish identity number: 10 or 12 digits whose first digits read as a
date (day + 60 for coordination numbers), with or without the `-` or `+` separator, also
URL-encoded. Masking the shape rather than valid numbers also hides a mistyped number.
Path segments of 32 or more key characters (questionnaire and password links) are masked too.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

MASK = "<personnummer>"

IDENTITY_NUMBER = re.compile(
    r"(?<![0-9])"
    r"(?:(?:18|19|20)[0-9]{2}|[0-9]{2})"  # year, with or without the century
    r"(?:0[1-9]|1[0-2])"  # month
    r"(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])"  # day, or day + 60
    r"(?:[-+ ]|%2[bB]|%20)?"  # the separator, typed or URL-encoded
    r"[0-9]{4}"
    r"(?![0-9])"
)


# A path segment this long is a key, not a name: a questionnaire link's token or a password
# link's. Whoever reads the log or the audit trail must not be able to open the link.
SECRET_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=[/?#\s\"]|$)")
KEY_MASK = "<secret>"


def mask_identity_numbers(text: str) -> str:
    """Identity numbers, and link keys in paths, masked."""
    return SECRET_SEGMENT.sub(KEY_MASK, IDENTITY_NUMBER.sub(MASK, text))


def safe_path(path: str) -> str:
    """A request path (with its query) fit to store in the audit trail: numbers masked."""
    return mask_identity_numbers(path)


def without_query(url: str) -> str:
    """A path or URL without its query string and fragment, numbers in the path masked."""
    if not url or url == "-":
        return url
    parts = urlsplit(url)
    return mask_identity_numbers(urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")))


def request_line_without_query(line: str) -> str:
    """`GET /clients/?q=… HTTP/1.1` as `GET /clients/ HTTP/1.1`."""
    method, sep, rest = line.partition(" ")
    if not sep:
        return mask_identity_numbers(line)
    target, sep2, protocol = rest.rpartition(" ")
    if not sep2:
        target, protocol = rest, ""
    cleaned = f"{method} {without_query(target)}"
    return f"{cleaned} {protocol}" if protocol else cleaned


class RedactFilter(logging.Filter):
    """Masks identity numbers in every log record's message (attach it to each handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's problem, not ours
            return True
        masked = mask_identity_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
