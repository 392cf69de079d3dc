"""Request context, extra security headers and the audit guard."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from insyn.core import context
from insyn.core.audit import record_access
from insyn.core.network import client_address
from insyn.core.redaction import safe_path
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
        # The audit trail keeps the query (what was searched for) but never an identity number.
        ctx = context.RequestContext(path=safe_path(request.get_full_path())[:500], memo={})
        if _REQUEST_ID.match(incoming):
            ctx.request_id = incoming.replace("-", "")[:32]
        ctx.ip_address = client_address(request)
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
        try:
            if any(has_control_characters(text) for text in _texts(request)):
                return _bad_input(request)
        except (TooManyFieldsSent, RequestDataTooBig):
            # Django's own limits: the same clear 400 (JSON for the API), not its HTML page
            return _bad_input(request, str(TOO_MUCH_MESSAGE))
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        """Multipart form posts are read here, once the view is known: a view that installs
        its own upload handlers (the encrypting import upload) must see the body first, and
        its form fields are checked by Django's forms (CharField refuses NUL)."""
        if request.method != "POST" or request.content_type != "multipart/form-data":
            return None
        if getattr(_view_class(view_func), "own_upload_handlers", False):
            return None
        if any(has_control_characters(text) for text in _multipart_texts(request)):
            return _bad_input(request)
        return None


def _multipart_texts(request: HttpRequest) -> Iterator[str]:
    for key, values in request.POST.lists():
        yield key
        yield from values
    for _field, uploads in request.FILES.lists():
        yield from (upload.name or "" for upload in uploads)


def _texts(request: HttpRequest) -> Iterator[str]:
    yield request.path
    for key, values in request.GET.lists():
        yield key
        yield from values
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        return  # POST: in process_view; PUT/PATCH: the API's parsers
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


TOO_MUCH_MESSAGE = gettext_lazy("The request holds too many fields or too much data.")


def _bad_input(request: HttpRequest, message: str | None = None) -> HttpResponse:
    if message is None:
        message = str(CONTROL_CHARACTERS_MESSAGE)
    logger.warning("Refused a request: %s", message)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "core/bad_input.html", {"message": message}, status=400)


def _view_class(view_func: Callable[..., Any]) -> Any:
    return getattr(view_func, "view_class", None) or getattr(view_func, "cls", None) or view_func


# Answers that show nothing of anyone: not allowed / not found (out of scope looks missing),
# wrong method, throttled. A redirect after GET shows nothing either.
_NOTHING_SHOWN = {401, 403, 404, 405, 410, 429}
_READ_METHODS = {"GET", "HEAD"}
# Django's own admin (under system/) is tested separately to hold no personal data.
_EXEMPT_MODULES = ("django.contrib.admin",)


def declared_personal_data(cls: Any) -> bool | None:
    """The view's declaration: True, False, or None when it declares nothing (must declare)."""
    value = getattr(cls, "personal_data", None)
    return None if value is None else bool(value)


def _needs_entry(request: HttpRequest, response: HttpResponse) -> str | None:
    """Which entry a personal-data answer needs: "access", "access-or-change", or None."""
    status = response.status_code
    if status >= 500 or status in _NOTHING_SHOWN or status in {100, 101}:
        return None
    if getattr(response, "exception", False):
        # A DRF error answer ({"field": ["message"]}): the body is the error, not a person.
        return None
    if request.method in _READ_METHODS:
        return "access" if not 300 <= status < 400 else None
    if request.method == "OPTIONS":
        return None
    if 200 <= status < 400:
        # A write that succeeded (or redirected after one): it changed or showed someone.
        return "access-or-change"
    # A re-rendered form (400, 409, 412, ...) shows the person's data again.
    return "access"


class AuditGuardMiddleware:
    """Every route must declare `personal_data`; a personal-data route must leave an entry.

    - GET/HEAD answered 2xx or a 4xx that renders a page (a form at 400, a conflict at 409):
      an access entry.
    - POST/PUT/PATCH/DELETE answered 2xx/3xx: a change entry or an access entry; answered
      with a re-rendered form (4xx): an access entry.
    - 401/403/404/405/410/429, 5xx and DRF error bodies show no one's data and need none.
    - A view that declares nothing fails in strict mode (tests) and counts as personal data
      in production.

    If an entry is missing, strict mode fails the request loudly; production writes a fallback
    entry naming the address, so a read without an entry cannot happen either way.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        declared = getattr(request, "_insyn_personal_data", False)
        view = getattr(request, "_insyn_view_name", "?")
        if declared is None:
            if settings.INSYN_AUDIT_STRICT:
                raise RuntimeError(f"{view} does not declare personal_data (True or False)")
            logger.error("%s does not declare personal_data; treated as personal data", view)
            declared = True
        if not declared:
            return response
        needed = _needs_entry(request, response)
        if needed is None:
            return response
        ctx = context.current()
        if ctx.accesses_recorded or ctx.nothing_personal_shown:
            return response
        if needed == "access-or-change" and ctx.changes_recorded:
            return response
        what = "an access entry" if needed == "access" else "a change or an access entry"
        if settings.INSYN_AUDIT_STRICT:
            raise RuntimeError(
                f"{view} answered {request.method} with {response.status_code} for personal "
                f"data without recording {what}"
            )
        logger.error("%s served personal data without %s; recorded a fallback", view, what)
        record_access(
            actor=getattr(request, "user", None),
            action="view",
            model=_fallback_model(),
            detail={"fallback": True, "view": view, "method": request.method},
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
        name = f"{cls.__module__}.{getattr(cls, '__name__', cls)}"
        declared = declared_personal_data(cls)
        if declared is None and str(cls.__module__).startswith(_EXEMPT_MODULES):
            declared = False
        request._insyn_personal_data = declared  # type: ignore[attr-defined]
        request._insyn_view_name = name  # type: ignore[attr-defined]


def _fallback_model() -> Any:
    from insyn.core.models import AccessEntry

    return AccessEntry
