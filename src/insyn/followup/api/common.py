"""What the follow-up endpoints share: audited, scoped viewsets and one error shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from insyn.core.api import AuditedReadMixin, StaleVersion, int_param
from insyn.core.audit import record_access
from insyn.core.concurrency import VersionConflict
from insyn.core.roles import Action

WRITE_ACTIONS = {"create", "partial_update"}


def api_error(exc: DjangoValidationError, values_keys: set[str] | None = None) -> APIException:
    """A service's ValidationError as a DRF 400 body; value errors go under "values".
    A version conflict stays one (409/412)."""
    if isinstance(exc, VersionConflict):
        return StaleVersion(exc)
    if not hasattr(exc, "error_dict"):
        return ValidationError({"non_field_errors": exc.messages})
    body: dict[str, Any] = {}
    for key, messages in exc.message_dict.items():
        if values_keys is not None and key not in values_keys:
            body.setdefault("values", {})[key] = messages
        else:
            body[key if key != "__all__" else "non_field_errors"] = messages
    return ValidationError(body)


class AuditedViewSet(AuditedReadMixin, viewsets.GenericViewSet):
    """Reads audited and restricted to VIEW_INDIVIDUAL; writes restricted to CHANGE_INDIVIDUAL."""

    scope_action = Action.VIEW_INDIVIDUAL
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        action_ = Action.CHANGE_INDIVIDUAL if self.action in WRITE_ACTIONS else self.scope_action
        return self.get_base_queryset().restrict(self.request.user, action_)

    def _shown(self, obj: Any, status_code: int = status.HTTP_200_OK) -> Response:
        """A write answers with the object as it is now: that is a read, so it is audited."""
        obj.refresh_from_db()
        record_access(actor=self.request.user, action="view", objects=[obj])
        return Response(self.get_serializer(obj).data, status=status_code)

    def _int_param(self, name: str) -> int | None:
        return int_param(self.request, name)
