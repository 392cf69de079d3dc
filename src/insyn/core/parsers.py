"""DRF's parsers, refusing control characters in what they parse (see insyn.core.validation).

`InputGuardMiddleware` already refuses them in JSON and urlencoded bodies; these also see the
bodies it cannot (multipart PUT and PATCH), so no API write reaches a service with a NUL.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from insyn.core.validation import CONTROL_CHARACTERS_MESSAGE, has_control_characters, strings_in


def _check(data: Any) -> Any:
    if hasattr(data, "lists"):  # a QueryDict from a form
        texts: Any = (t for key, values in data.lists() for t in (key, *values))
    else:
        texts = strings_in(data)
    if any(isinstance(t, str) and has_control_characters(t) for t in texts):
        raise ParseError(str(CONTROL_CHARACTERS_MESSAGE))
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return _check(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return _check(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        _check(result.data)
        names = (f.name or "" for _key, files in result.files.lists() for f in files)
        if any(has_control_characters(name) for name in names):
            raise ParseError(str(CONTROL_CHARACTERS_MESSAGE))
        return result
