"""API building blocks shared by every app: audited reads, scoped querysets, one error shape."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from insyn.core.audit import record_access
from insyn.core.roles import Action
from insyn.core.validation import parse_int
from insyn.core.viewmixins import declare


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, Http404 | exceptions.NotFound):
        response.data = {"detail": "Not found."}
    return response


def int_param(request: Request, name: str) -> int | None:
    """A whole-number query parameter (an id to filter by): None when absent, 400 when it is
    not written in ASCII digits (so "²" or "1e3" is refused, not read or crashed on)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    number = parse_int(raw)
    if number is None:
        raise exceptions.ValidationError({name: [gettext("Enter a whole number.")]})
    return number


def service_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as a DRF 400 body: field messages by field, the rest
    under "non_field_errors" (DRF's own name for them)."""
    if not hasattr(exc, "error_dict"):
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    body = dict(exc.message_dict)
    if "__all__" in body:
        body["non_field_errors"] = body.pop("__all__")
    return exceptions.ValidationError(body)


class ScopedViewSetMixin:
    """Queryset comes from `restrict(user, scope_action)`; outside scope is a plain 404."""

    scope_action: ClassVar[Action] = Action.VIEW_ORG

    def scoped_queryset(self) -> Any:
        user = self.request.user  # type: ignore[attr-defined]
        return self.get_base_queryset().restrict(user, self.scope_action)

    def get_base_queryset(self) -> Any:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        return self.scoped_queryset()


class AuditedReadMixin(ScopedViewSetMixin):
    """Records an access entry for every object a list or detail response shows."""

    personal_data: ClassVar[bool] = True
    audit_purpose_param = "purpose"

    def _purpose(self) -> str:
        params = self.request.query_params  # type: ignore[attr-defined]
        return str(params.get(self.audit_purpose_param, ""))[:200]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        items = list(page if page is not None else queryset)
        record_access(
            actor=request.user,
            action="list",
            objects=items,
            model=queryset.model,
            purpose=self._purpose(),
        )
        serializer = self.get_serializer(items, many=True)  # type: ignore[attr-defined]
        if page is not None:
            return self.get_paginated_response(serializer.data)  # type: ignore[attr-defined]
        return Response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        record_access(
            actor=request.user, action="view", objects=[instance], purpose=self._purpose()
        )
        return Response(self.get_serializer(instance).data)  # type: ignore[attr-defined]


class AuditedReadOnlyViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    pass


@declare(personal_data=False)
@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any /api/ address no route matches (an id that is not a number, a typo) answers like a
    missing object, in JSON, not with the HTML page of the web."""
    return JsonResponse({"detail": "Not found."}, status=404)


# An app's api.register() may return plain paths (APIViews) besides its router viewsets.
ApiExtra = Any
