"""Request context, extra security headers and the audit guard."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from insyn.core import context
from insyn.core.audit import record_access
from insyn.core.network import client_address
from insyn.core.redaction import safe_path

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
        ctx = context.RequestContext(path=safe_path(request.get_full_path())[:500])
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
