"""No read of personal data without an access entry, through any view or API endpoint.

Two halves: every insyn route must declare whether it serves personal data (so a new view
cannot slip through undeclared), and every route that does is called here and must leave an
access entry. The audit guard middleware turns a missing entry into an error in tests.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from insyn.core.middleware import declared_personal_data
from insyn.core.models import AccessEntry, ChangeEntry
from tests.audit_probe import Probe, Visit, post, send
from tests.routes import routes
from tests.routes import view_class as _view_class


def test_every_route_declares_whether_it_serves_personal_data():
    """There is no default: a view that says nothing is listed here (and fails in strict mode,
    see the guard tests below)."""
    undeclared = [
        route for route, _name, cb in routes() if declared_personal_data(_view_class(cb)) is None
    ]
    assert undeclared == [], f"declare personal_data on the views of: {undeclared}"


def _methods(callback: Callable[..., Any]) -> set[str]:
    """The HTTP methods a route answers with its own code (GET and POST are probed)."""
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route: {"get": "list", "post": "create"}
        return {m.upper() for m in actions}
    cls = _view_class(callback)
    if isinstance(cls, type):
        return {m.upper() for m in ("get", "post") if hasattr(cls, m)}
    return {"GET"}


CORE_PROBES: dict[str, Probe] = {
    "core:audit": lambda tree, staff: Visit(
        staff.quality_lead, reverse("core:audit"), model=AccessEntry
    ),
    "core:audit_export": lambda tree, staff: Visit(
        staff.quality_lead, reverse("core:audit_export"), model=AccessEntry
    ),
    "core:home": lambda tree, staff: _home(tree, staff),
}


def _home(tree: Any, staff: Any) -> Visit:
    from tests.followup.factories import enrolled

    occasion = enrolled(tree, staff).occasions.get(stage__key="before")  # due: on the panel
    return Visit(staff.case_worker, reverse("core:home"), shows=[occasion])


def _gather_probes() -> tuple[dict[str, Probe], dict[str, Probe]]:
    """Each app's PROBES (one per personal route and method) and EXTRA_PROBES (unhappy paths
    of the same routes: a re-rendered form, a conflict)."""
    import tests

    probes = dict(CORE_PROBES)
    extras: dict[str, Probe] = {}
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg and importlib.util.find_spec(f"tests.{info.name}.audit_probes"):
            module = importlib.import_module(f"tests.{info.name}.audit_probes")
            probes.update(module.PROBES)
            extras.update(getattr(module, "EXTRA_PROBES", {}))
    return probes, extras


PROBES, EXTRA_PROBES = _gather_probes()


def personal_probe_keys() -> list[str]:
    """One key per personal-data route and method: "name" for GET, "POST name" for POST."""
    keys = set()
    for _route, name, cb in routes():
        if not name or not declared_personal_data(_view_class(cb)):
            continue
        methods = _methods(cb)
        if "GET" in methods:
            keys.add(name)
        if "POST" in methods:
            keys.add(post(name))
    return sorted(keys)


def test_every_personal_route_has_a_probe_for_each_method():
    missing = [key for key in personal_probe_keys() if key not in PROBES]
    assert missing == [], f"add an audit probe for: {missing}"


def _label(obj: Any) -> str:
    return obj._meta.label_lower


@pytest.mark.parametrize("key", personal_probe_keys() + sorted(EXTRA_PROBES))
def test_personal_route_records_what_it_shows_and_writes(key, tree, staff, client):
    visit = {**PROBES, **EXTRA_PROBES}[key](tree, staff)
    assert visit.shows or visit.model or visit.writes, "a probe names what the answer shows"
    last_access = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_change = ChangeEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    send(client, visit)
    accesses = AccessEntry.objects.filter(id__gt=last_access)
    changes = ChangeEntry.objects.filter(id__gt=last_change)
    assert accesses.exists() or changes.exists()
    assert {e.actor_id for e in accesses} <= {visit.user.pk}
    named = set(accesses.values_list("object_type", "object_id"))
    for obj in visit.shows:
        assert (_label(obj), str(obj.pk)) in named, f"no access entry names {obj!r}: {named}"
    if visit.model is not None:
        assert _label(visit.model) in {t for t, _ in named}, named
    written = set(changes.values_list("object_type", "object_id"))
    for obj in visit.writes:
        if isinstance(obj, type):
            assert _label(obj) in {t for t, _ in written}, f"no change entry for {obj}: {written}"
        else:
            assert (_label(obj), str(obj.pk)) in written, f"no change entry names {obj!r}"


def test_django_admin_registers_no_personal_data_model():
    personal = [m.__name__ for m in admin.site._registry if getattr(m, "PERSONAL_DATA", False)]
    assert personal == []


def test_guard_fails_a_personal_view_that_forgets_its_entry(rf, staff, settings):
    """The safety net itself: strict in tests, a fallback entry in production."""
    from django.http import HttpResponse

    from insyn.core import context
    from insyn.core.middleware import AuditGuardMiddleware

    class Forgetful:
        personal_data = True

    def view(request):
        return HttpResponse("secret")

    view.view_class = Forgetful  # type: ignore[attr-defined]
    request = rf.get("/x")
    request.user = staff.case_worker
    token = context.begin(context.RequestContext(path="/x"))
    try:
        guard = AuditGuardMiddleware(lambda r: view(r))
        guard.process_view(request, view, (), {})
        settings.INSYN_AUDIT_STRICT = True
        with pytest.raises(RuntimeError):
            guard(request)
        settings.INSYN_AUDIT_STRICT = False
        before = AccessEntry.objects.count()
        assert guard(request).status_code == 200
        assert AccessEntry.objects.count() == before + 1
        assert AccessEntry.objects.latest("id").detail["fallback"] is True
    finally:
        context.end(token)


def _guarded(rf, user, settings, view_class, method="get", status=200, write=None, **attrs):
    """Run a stand-in view through the guard in strict mode; returns the answer."""
    from django.http import HttpResponse

    from insyn.core import context
    from insyn.core.middleware import AuditGuardMiddleware

    def view(request):
        if write is not None:
            write()
        response = HttpResponse("data", status=status)
        for k, v in attrs.items():
            setattr(response, k, v)
        return response

    view.view_class = view_class  # type: ignore[attr-defined]
    request = getattr(rf, method)("/x")
    request.user = user
    settings.INSYN_AUDIT_STRICT = True
    token = context.begin(context.RequestContext(path="/x"))
    try:
        guard = AuditGuardMiddleware(view)
        guard.process_view(request, view, (), {})
        return guard(request)
    finally:
        context.end(token)


class _Personal:
    personal_data = True


class _Undeclared:
    pass


def test_guard_fails_an_undeclared_view_in_strict_mode(rf, staff, settings):
    with pytest.raises(RuntimeError, match="does not declare personal_data"):
        _guarded(rf, staff.case_worker, settings, _Undeclared)


def test_guard_checks_posts_and_rerendered_forms(rf, staff, settings, tree):
    from insyn.core.audit import record_access, record_change

    def change():
        record_change(actor=staff.admin, action="update", obj=tree.vaxjo, before={}, after={})

    def access():
        record_access(actor=staff.admin, action="view", objects=[staff.case_worker])

    # A POST that redirects after neither a change nor an access entry fails ...
    with pytest.raises(RuntimeError, match="POST with 302"):
        _guarded(rf, staff.admin, settings, _Personal, "post", 302)
    # ... one that wrote a change entry, or showed the person, passes.
    assert _guarded(rf, staff.admin, settings, _Personal, "post", 302, write=change).status_code
    assert _guarded(rf, staff.admin, settings, _Personal, "post", 201, write=access).status_code
    # A form sent back (400, 409) shows the person again: a change entry alone is not enough.
    for status in (400, 409):
        with pytest.raises(RuntimeError, match=f"POST with {status}"):
            _guarded(rf, staff.admin, settings, _Personal, "post", status, write=change)
        assert _guarded(rf, staff.admin, settings, _Personal, "post", status, write=access)
    # A GET answered 400 that renders the page needs its access entry too.
    with pytest.raises(RuntimeError, match="GET with 400"):
        _guarded(rf, staff.admin, settings, _Personal, "get", 400)


def test_guard_asks_nothing_of_answers_that_show_no_one(rf, staff, settings):
    for status in (302, 401, 403, 404, 405, 429, 500):
        assert _guarded(rf, staff.admin, settings, _Personal, "get", status).status_code == status
    # A DRF error body (validation failed, nothing shown, nothing written).
    response = _guarded(rf, staff.admin, settings, _Personal, "post", 400, exception=True)
    assert response.status_code == 400
