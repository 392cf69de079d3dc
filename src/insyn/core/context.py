"""Per-request context (request id, actor, address) that services and the audit trail read.

A context variable rather than thread-locals so it also holds under ASGI and in task workers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


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
    # Values computed once per request and reused (a programme's analysis spec, asked for by
    # every chart on a page); None outside a request. Any recorded write empties it.
    memo: dict[object, object] | None = None


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


def request_memo() -> dict[object, object] | None:
    """The running request's memo, or None outside a request (CLI, tasks, tests without a
    request), where nothing is memoised: there is no end that would drop it."""
    ctx = _current.get()
    return ctx.memo if ctx is not None else None


def forget_memo() -> None:
    """After a write: whatever the request memoised may describe the data before it."""
    ctx = _current.get()
    if ctx is not None and ctx.memo:
        ctx.memo.clear()


def memoised(key: object, compute: Callable[[], T]) -> T:
    """`compute()` once per request under `key` (every call outside a request)."""
    memo = request_memo()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: Any = memo[key]
    return value
