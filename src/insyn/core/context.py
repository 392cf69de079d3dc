"""Per-request context (request id, actor, address) that services and the audit trail read.

A context variable rather than thread-locals so it also holds under ASGI and in task workers.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    path: str = ""
    ip_address: str | None = None
    accesses_recorded: int = 0
    changes_recorded: int = 0
    # Set by a personal-data view whose answer this time shows no one's data (a start page
    # without a personal panel); the audit guard then asks for no entry. See
    # `insyn.core.audit.nothing_personal_shown`.
    nothing_personal_shown: bool = False


_current: ContextVar[RequestContext | None] = ContextVar("insyn_request_context", default=None)


def current() -> RequestContext:
    """The running request's context; outside a request (CLI, tasks) a fresh one per call site."""
    ctx = _current.get()
    if ctx is None:
        ctx = RequestContext()
        _current.set(ctx)
    return ctx


def begin(ctx: RequestContext) -> object:
    return _current.set(ctx)


def end(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
