"""Audit probes for the lex Sarah routes (web and API), gathered through
tests/quality/audit_probes.py by tests/core/test_audit_completeness.py."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from insyn.core.catalogue_loader import load_catalogues
from insyn.quality.models import LexSarahReport
from tests.audit_probe import Visit, post
from tests.factories import user_with_role
from tests.quality import lex_sarah_factories as lf

S = LexSarahReport.State


def _officer(tree: Any) -> Any:
    return user_with_role("lex_sarah_officer", tree.aov, username="probe_officer")


def _report(tree: Any, staff: Any, state: str = S.REPORTED, **kwargs: Any) -> tuple[Any, Any]:
    load_catalogues(["surveys", "quality"])
    officer = _officer(tree)
    return lf.in_state(state, staff.case_worker, tree.vux_unit, officer, **kwargs), officer


def _get(name: str, *, as_officer: bool = True, args: Any = None, **report: Any) -> Any:
    def probe(tree: Any, staff: Any) -> Visit:
        obj, officer = _report(tree, staff, **report)
        url = reverse(name, args=[a if a != "pk" else obj.pk for a in (args or [])])
        return Visit(officer if as_officer else staff.case_worker, url, shows=[obj])

    return probe


def _create_page(tree: Any, staff: Any) -> Visit:
    return Visit(staff.case_worker, reverse("quality:lex_sarah_create"), model=LexSarahReport)


def _create(tree: Any, staff: Any) -> Visit:
    return Visit(
        staff.case_worker,
        reverse("quality:lex_sarah_create"),
        method="POST",
        data={
            "kind": "maladministration",
            "unit": tree.vux_unit.pk,
            "description": "Brukaren fick fel mat.",
        },
        status=302,
        writes=[LexSarahReport],
    )


def _create_refused(tree: Any, staff: Any) -> Visit:
    return Visit(
        staff.case_worker,
        reverse("quality:lex_sarah_create"),
        method="POST",
        data={"kind": "maladministration", "unit": tree.vux_unit.pk, "description": ""},
        status=400,
        model=LexSarahReport,
    )


def _step(tree: Any, staff: Any) -> Visit:
    obj, officer = _report(tree, staff)
    return Visit(
        officer,
        reverse("quality:lex_sarah_step", args=[obj.pk, "register"]),
        method="POST",
        data={"registered_on": timezone.localdate().isoformat(), "version": obj.version},
        status=302,
        writes=[obj],
    )


def _step_refused(tree: Any, staff: Any) -> Visit:
    obj, officer = _report(tree, staff)
    return Visit(
        officer,
        reverse("quality:lex_sarah_step", args=[obj.pk, "assess"]),
        method="POST",
        data={"serious": "yes", "seriousness_reasons": "x", "version": obj.version},
        status=400,
        shows=[obj],
    )


def _grant(tree: Any, staff: Any) -> Visit:
    obj, officer = _report(tree, staff)
    return Visit(
        officer,
        reverse("quality:lex_sarah_grant", args=[obj.pk]),
        method="POST",
        data={"user": staff.unit_manager.pk},
        status=302,
        writes=[obj],
    )


def _escalate(tree: Any, staff: Any) -> Visit:
    load_catalogues(["surveys", "quality"])
    deviation = lf.deviation(staff.case_worker, tree.vux_unit)
    return Visit(
        staff.unit_manager,
        reverse("quality:lex_sarah_escalate", args=[deviation.pk]),
        method="POST",
        status=302,
        writes=[LexSarahReport],
    )


def _api_list(tree: Any, staff: Any) -> Visit:
    obj, officer = _report(tree, staff)
    return Visit(officer, reverse("lexsarahreport-list"), shows=[obj])


def _api_create(tree: Any, staff: Any) -> Visit:
    return Visit(
        staff.case_worker,
        reverse("lexsarahreport-list"),
        method="POST",
        json=True,
        data={"kind": "risk", "unit": tree.vux_unit.pk, "description": "Larmet fungerade inte."},
        status=201,
        writes=[LexSarahReport],
    )


def _api_step(tree: Any, staff: Any) -> Visit:
    obj, officer = _report(tree, staff)
    return Visit(
        officer,
        reverse("lexsarahreport-step", args=[obj.pk, "register"]),
        method="POST",
        json=True,
        data={"version": obj.version},
        writes=[obj],
        shows=[obj],
    )


def _api_access(tree: Any, staff: Any) -> Visit:
    obj, officer = _report(tree, staff)
    return Visit(
        officer,
        reverse("lexsarahreport-access", args=[obj.pk]),
        method="POST",
        json=True,
        data={"user": staff.unit_manager.pk},
        writes=[obj],
        shows=[obj],
    )


SERIOUS = {"state": S.ASSESSED, "serious": True}

PROBES = {
    "quality:lex_sarah_list": _get("quality:lex_sarah_list"),
    "quality:lex_sarah_overdue": lambda tree, staff: _overdue(tree, staff),
    "quality:lex_sarah_create": _create_page,
    post("quality:lex_sarah_create"): _create,
    "quality:lex_sarah_detail": _get("quality:lex_sarah_detail", args=["pk"], as_officer=False),
    post("quality:lex_sarah_step"): _step,
    post("quality:lex_sarah_grant"): _grant,
    "quality:lex_sarah_ivo_document": lambda tree, staff: _document(tree, staff),
    post("quality:lex_sarah_escalate"): _escalate,
    "lexsarahreport-list": _api_list,
    post("lexsarahreport-list"): _api_create,
    "lexsarahreport-detail": _get("lexsarahreport-detail", args=["pk"]),
    post("lexsarahreport-step"): _api_step,
    post("lexsarahreport-access"): _api_access,
    "lexsarahreport-ivo-pdf": _get("lexsarahreport-ivo-pdf", args=["pk"], **SERIOUS),
    "lexsarahreport-ivo-docx": _get("lexsarahreport-ivo-docx", args=["pk"], **SERIOUS),
}

EXTRA_PROBES = {
    "lex sarah: refused report form": _create_refused,
    "lex sarah: refused step": _step_refused,
}


def _overdue(tree: Any, staff: Any) -> Visit:
    import datetime as dt

    load_catalogues(["surveys", "quality"])
    officer = _officer(tree)
    obj = lf.report(
        staff.case_worker, tree.vux_unit, reported_at=timezone.now() - dt.timedelta(days=30)
    )
    return Visit(officer, reverse("quality:lex_sarah_overdue"), shows=[obj])


def _document(tree: Any, staff: Any) -> Visit:
    obj, officer = _report(tree, staff, **SERIOUS)
    return Visit(
        officer, reverse("quality:lex_sarah_ivo_document", args=[obj.pk, "docx"]), shows=[obj]
    )
