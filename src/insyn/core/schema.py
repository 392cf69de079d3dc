"""The OpenAPI schema tells the truth about errors and empty values, in one place.

`AutoSchema` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) adds the answers every endpoint can give
besides its success, unless a view declares its own for that code:

- 400 everywhere: InputGuardMiddleware refuses control characters in any path, query string or
  body; writes and filters also answer field messages ({"field": ["message"]}) or {"detail"};
- 401 and 403 where authentication is required (no or a bad token; a session without CSRF, or
  a role that may not do this);
- 404 everywhere: an id in the path or the query that is missing or out of scope (both look
  the same), a list's page beyond the last, and any /api/ address no route matches.

It also marks a read-only related field nullable when the model field it reads can be null
(drf-spectacular cannot see that through `source`), so a response with `null` is valid.
Apps that add codes (409/412 for stale writes, …) add them to `EXTRA_RESPONSES` or with
`@extend_schema(responses=...)` on the view.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers

_BAD_REQUEST = {
    "type": "object",
    "description": 'Either {"detail": "message"} or messages by field: {"field": ["message"]}.',
    "additionalProperties": {},
}
_DESCRIPTIONS = {
    "400": "The input cannot be used; the body says why (nothing was changed).",
    "401": "No valid credentials were given.",
    "403": "Not allowed (a session without the CSRF token, or a role without this action).",
    "404": "Not found (an object outside the user's scope looks exactly like a missing one).",
}
# Codes other parts of the system add to every operation of a method, e.g. {"PATCH": {...}}.
EXTRA_RESPONSES: dict[str, dict[str, dict[str, Any]]] = {}


def _json(schema: dict[str, Any], code: str) -> dict[str, Any]:
    return {"description": _DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


class DetailSerializer(serializers.Serializer):
    """The body of an error that is not about one field: {"detail": "message"}."""

    detail = serializers.CharField()


NOT_FOUND = OpenApiResponse(DetailSerializer, description=_DESCRIPTIONS["404"])


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = dict(super()._get_response_bodies(direction))
        if direction != "response":
            return responses
        detail = self.resolve_serializer(DetailSerializer, "response").ref
        defaults: dict[str, dict[str, Any]] = {"400": _json(_BAD_REQUEST, "400")}
        if self._requires_authentication():
            defaults["401"] = _json(detail, "401")
            defaults["403"] = _json(detail, "403")
        defaults["404"] = _json(detail, "404")
        defaults.update(EXTRA_RESPONSES.get(self.method, {}))
        for code, response in defaults.items():
            responses.setdefault(code, response)
        return responses

    def _requires_authentication(self) -> bool:
        classes = getattr(self.view, "permission_classes", ())
        return not any(c is permissions.AllowAny for c in classes)

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        if field.read_only and isinstance(field, serializers.Field):
            model_field, can_be_null = _source_model_field(field)
            if can_be_null:
                field.allow_null = True
            if getattr(model_field, "blank", False) and isinstance(field, serializers.ChoiceField):
                field.allow_blank = True  # DRF drops allow_blank from read-only fields
        return super()._map_serializer_field(field, direction, bypass_extensions)


def _source_model_field(field: Any) -> tuple[Any, bool]:
    """The model field a serializer field reads (through `source`, following relations), and
    whether the value can be None: a null foreign key on the way gives None too."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", "") or ""
    if model is None or not source or source == "*":
        return None, False
    can_be_null = False
    model_field: Any = None
    for name in source.split("."):
        if model is None:
            return None, False
        try:
            model_field = model._meta.get_field(name)
        except (FieldDoesNotExist, AttributeError):
            return None, False
        can_be_null = can_be_null or bool(getattr(model_field, "null", False))
        is_relation = isinstance(model_field, models.ForeignKey | models.OneToOneField)
        model = model_field.related_model if is_relation else None
    return model_field, can_be_null
