"""Odd input, decided in one place.

- Control characters (NUL and the other C0 controls except tab, line feed and carriage return)
  and lone UTF-16 surrogates are refused in every text: PostgreSQL cannot store NUL, no
  database driver can encode a lone surrogate, and XML-based exports (DOCX, XLSX) cannot hold
  either. `InputGuardMiddleware` refuses them in query strings, form fields and JSON bodies;
  `reject_control_characters` is the validator for what it cannot see (import cells, PUT and
  PATCH multipart bodies, values that reach a form some other way).
- `parse_int` reads an id or a count from text: ASCII digits only, bounded. `str.isdigit()`
  says yes to "²" and "١", which `int()` then rejects or reads as another number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls except \t \n \r, and lone surrogates (a JSON body may carry "\ud800").
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_DIGITS = re.compile(r"[0-9]{1,18}")
# The largest value a 64-bit signed integer column holds (SQLite and PostgreSQL bigint).
MAX_INT = 2**63 - 1

CONTROL_CHARACTERS_MESSAGE = _(
    "The input contains control characters (such as a NUL byte) that are not allowed."
)


def has_control_characters(text: str) -> bool:
    return _FORBIDDEN.search(text) is not None


def reject_control_characters(value: Any) -> None:
    """A Django/DRF validator: refuses text with control characters or lone surrogates."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


def strings_in(data: Any) -> Iterator[str]:
    """Every string in a parsed JSON document, keys included."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, str):
                    yield key
                stack.append(value)
        elif isinstance(item, list | tuple):
            stack.extend(item)


def parse_int(value: object, *, maximum: int = MAX_INT) -> int | None:
    """A non-negative whole number written in ASCII digits, or None.

    Leading and trailing spaces are allowed; signs, "²", other scripts' digits, decimals and
    numbers above `maximum` are not.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= maximum else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None
