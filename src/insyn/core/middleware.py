"""Request context, extra security headers and the audit guard."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from insyn.core import context
from insyn.core.audit import record_access
from insyn.core.validation import (
    CONTROL_CHARACTERS_MESSAGE,
    has_control_characters,
    strings_in,
)

logger = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

Handler = Callable[[HttpRequest], HttpResponse]


class RequestContextMiddleware:
    """Gives every request an id (or takes a well-formed X-Request-ID from the proxy)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        ctx = context.RequestContext(path=request.get_full_path()[:500])
        if _REQUEST_ID.match(incoming):
            ctx.request_id = incoming.replace("-", "")[:32]
        ctx.ip_address = request.META.get("REMOTE_ADDR") or None
        token = context.begin(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.end(token)
        response["X-Request-ID"] = ctx.request_id
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself; personal data must not linger in shared caches."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Cache-Control", "no-store")
        return response


class InputGuardMiddleware:
    """Refuses a request whose path, query string, form fields or JSON body hold control
    characters (NUL and the like) or lone surrogates, with 400 and one clear message (JSON for
    the API), before any view or database sees them.

    Bodies it cannot read without consuming them (multipart PUT/PATCH) and text arriving in
    files are left to `insyn.core.validation.reject_control_characters` in forms, serializers
    and the import reader.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(has_control_characters(text) for text in _texts(request)):
            return _bad_input(request)
        return self.get_response(request)


def _texts(request: HttpRequest) -> Iterator[str]:
    yield request.path
    for key, values in request.GET.lists():
        yield key
        yield from values
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        if request.method == "POST":  # Django parses multipart only for POST
            for key, values in request.POST.lists():
                yield key
                yield from values
            for _field, uploads in request.FILES.lists():
                yield from (upload.name or "" for upload in uploads)
        return
    if content_type == "application/x-www-form-urlencoded":
        form = QueryDict(request.body, encoding=request.encoding)
        for key, values in form.lists():
            yield key
            yield from values
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body or b"null")
        except ValueError:
            return  # the view answers 400 for a body that is not JSON
        yield from strings_in(data)


def _bad_input(request: HttpRequest) -> HttpResponse:
    message = str(CONTROL_CHARACTERS_MESSAGE)
    logger.warning("Refused a request with control characters in its input")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "core/bad_input.html", {"message": message}, status=400)


def _view_class(view_func: Callable[..., Any]) -> Any:
    return getattr(view_func, "view_class", None) or getattr(view_func, "cls", None) or view_func


class AuditGuardMiddleware:
    """A view that declares `personal_data = True` must record an access entry for a read.

    If it did not, strict mode (tests) fails the request loudly; production writes a fallback
    entry naming the address, so a read without an entry cannot happen either way.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "_insyn_personal_data", False):
            return response
        if request.method not in {"GET", "HEAD"} or not 200 <= response.status_code < 300:
            return response
        if context.current().accesses_recorded:
            return response
        view = getattr(request, "_insyn_view_name", "?")
        if settings.INSYN_AUDIT_STRICT:
            raise RuntimeError(f"{view} served personal data without recording an access entry")
        logger.error("%s served personal data without an access entry; recorded a fallback", view)
        record_access(
            actor=getattr(request, "user", None),
            action="view",
            model=_fallback_model(),
            detail={"fallback": True, "view": view},
        )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> None:
        cls = _view_class(view_func)
        request._insyn_personal_data = bool(getattr(cls, "personal_data", False))  # type: ignore[attr-defined]
        request._insyn_view_name = f"{cls.__module__}.{getattr(cls, '__name__', cls)}"  # type: ignore[attr-defined]


def _fallback_model() -> Any:
    from insyn.core.models import AccessEntry

    return AccessEntry
