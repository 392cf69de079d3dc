"""What an audit probe returns: one request to a personal-data route and the entries it must
leave. Each app lists its probes in tests/<app>/audit_probes.py as `PROBES = {key: probe}`,
where `probe(tree, staff) -> Visit` and the key is the url name for a GET and
"POST <url name>" for a POST; tests/core/test_audit_completeness.py gathers and runs them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass
class Visit:
    user: Any
    url: str
    # The objects the answer shows: each must be named (object_type, object_id) by an access
    # entry of this request.
    shows: Sequence[models.Model] = ()
    # Model-level entries (an empty form, an empty list, an export): their object type.
    model: type[models.Model] | None = None
    method: str = "GET"
    data: Any = None
    json: bool = False  # send `data` as JSON (API) rather than as a form
    status: int | tuple[int, ...] = 200
    # A write: the objects its change entries must name (a model class: any object of it,
    # for a create whose id the probe cannot know beforehand).
    writes: Sequence[models.Model | type[models.Model]] = ()
    extra: dict[str, Any] = field(default_factory=dict)


Probe = Callable[[Any, Any], Visit]


def post(key: str) -> str:
    return f"POST {key}"


def send(client: Any, visit: Visit) -> Any:
    """Log in as the probe's user and make its request; the response, fully read."""
    import json as _json

    client.force_login(visit.user, backend="django.contrib.auth.backends.ModelBackend")
    if visit.method == "GET":
        response = client.get(visit.url)
    elif visit.json:
        response = client.generic(
            visit.method, visit.url, _json.dumps(visit.data), content_type="application/json"
        )
    else:
        response = client.post(visit.url, visit.data or {})
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    expected = visit.status if isinstance(visit.status, tuple) else (visit.status,)
    assert response.status_code in expected, (response.status_code, response.content[:500])
    return response
