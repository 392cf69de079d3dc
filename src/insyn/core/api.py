"""API building blocks shared by every app: audited reads, scoped querysets, one error shape."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from insyn.core.audit import record_access
from insyn.core.concurrency import VersionConflict, etag_for, parse_if_match
from insyn.core.roles import Action
from insyn.core.scoping import has_action
from insyn.core.validation import parse_int
from insyn.core.viewmixins import declare, note_denied


class StaleVersion(exceptions.APIException):
    """A write based on an old version: 409 Conflict, or 412 Precondition Failed when the
    caller made it conditional with If-Match (decided by `exception_handler`)."""

    status_code = 409
    default_code = "conflict"

    def __init__(self, conflict: VersionConflict) -> None:
        self.conflict = conflict
        body: Any = {"detail": conflict.messages[0], "version": conflict.current}
        super().__init__(body, code="conflict")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, VersionConflict):
        exc = StaleVersion(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, Http404 | exceptions.NotFound):
        response.data = {"detail": "Not found."}
    if response is not None and isinstance(exc, StaleVersion):
        request = context.get("request")
        headers = request.headers if request is not None else {}
        if parse_if_match(headers.get("If-Match"))[0]:
            response.status_code = 412
        response.data = {"detail": exc.conflict.messages[0], "version": exc.conflict.current}
        response["ETag"] = etag_for(exc.conflict.current)
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


def service_error(exc: DjangoValidationError) -> exceptions.APIException:
    """A service's ValidationError as a DRF 400 body: field messages by field, the rest
    under "non_field_errors" (DRF's own name for them). A version conflict stays one
    (409/412, see `StaleVersion`)."""
    if isinstance(exc, VersionConflict):
        return StaleVersion(exc)
    if not hasattr(exc, "error_dict"):
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    body = dict(exc.message_dict)
    if "__all__" in body:
        body["non_field_errors"] = body.pop("__all__")
    return exceptions.ValidationError(body)


class HoldsAction(permissions.BasePermission):
    """The API's side of `InsynView.allows`: a user who holds the view's action nowhere gets
    the web's answer, 404, not an empty list (nor, in the browsable API, a form offering
    every unit in the country). The view names the action with `required_action()`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False  # DRF answers 401 with its WWW-Authenticate header
        if not has_action(request.user, view.required_action()):
            raise exceptions.NotFound
        return True


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

    def get_object(self) -> Any:
        """The object by its lookup in the scoped queryset; an object that exists outside
        scope answers the same 404 as a missing one and is recorded as a denied attempt."""
        try:
            return super().get_object()  # type: ignore[misc]
        except (Http404, exceptions.NotFound):
            field = getattr(self, "lookup_field", "pk")
            kwarg = getattr(self, "lookup_url_kwarg", None) or field
            value = self.kwargs.get(kwarg)  # type: ignore[attr-defined]
            if value is not None:
                try:
                    base = self.get_base_queryset()
                except NotImplementedError:
                    base = None
                if base is not None:
                    note_denied(self.request.user, base, {field: value})  # type: ignore[attr-defined]
            raise


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
        instance = self.get_object()
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


class VersionedMixin:
    """For viewsets of `Versioned` objects: a single-object answer carries the version in its
    body and as `ETag`; `expected_version()` is what a write must match (If-Match first,
    else the `version` the body sent, else nothing: last writer wins as before)."""

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        data = getattr(response, "data", None)
        if 200 <= response.status_code < 300 and isinstance(data, dict):
            version = data.get("version")
            if isinstance(version, int) and "id" in data:
                response["ETag"] = etag_for(version)
        return response

    def expected_version(self, body_version: int | None = None) -> int | None:
        request = self.request  # type: ignore[attr-defined]
        present, version = parse_if_match(request.headers.get("If-Match"))
        return version if present else body_version


# --- schema ------------------------------------------------------------------------------------

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The ETag of the version you read (e.g. `"3"`). When it is no longer the '
    "stored version, nothing is written and the answer is 412 Precondition Failed.",
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    description="The object's version as an entity tag; send it back in If-Match.",
    response=[200, 201],
)


class VersionConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The version stored now.")


VERSION_FIELD_HELP = (
    "The object's version, raised by every change. Send the version you read with a change: "
    "when it is no longer the stored one, nothing is written and the answer is 409 Conflict."
)


def version_field() -> serializers.IntegerField:
    """The `version` of a versioned object in a serializer: returned, and optional on writes."""
    return serializers.IntegerField(required=False, min_value=1, help_text=VERSION_FIELD_HELP)


def versioned_write_schema(request: Any, response: Any, **kwargs: Any) -> Any:
    """extend_schema for a write to a versioned object: If-Match, ETag, 409 and 412."""
    return extend_schema(
        request=request,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: response,
            409: OpenApiResponse(
                VersionConflictSerializer,
                description="The body's `version` is no longer the stored one; nothing written.",
            ),
            412: OpenApiResponse(
                VersionConflictSerializer,
                description="If-Match no longer matches the stored version; nothing written.",
            ),
        },
        **kwargs,
    )


def versioned_read_schema(**kwargs: Any) -> Any:
    return extend_schema(parameters=[ETAG], **kwargs)
