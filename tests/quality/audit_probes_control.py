"""Audit probes of the internal-control routes that name cases (gathered by
tests/quality/audit_probes.py): the drawn list, the review form, my reviews, the results with
their failures, the data checks, and the API's drawn cases."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from insyn.clients.models import Case
from insyn.quality.models import ActionItem, ControlCase
from tests.audit_probe import Probe, Visit, post
from tests.quality import control_factories as f


def _round(tree, staff, **kwargs):
    return f.round_in_review(
        tree.vux_unit, staff.quality_lead, [staff.unit_manager], cases=1, **kwargs
    )


def _round_get(tree, staff):
    r = _round(tree, staff)
    return Visit(
        staff.quality_lead, reverse("quality:control_round", args=[r.pk]), shows=list(r.cases.all())
    )


def _round_post(tree, staff):
    f.case(tree.vux_unit)
    r = f.round_(tree.vux_unit, staff.quality_lead)
    return Visit(
        staff.quality_lead,
        reverse("quality:control_round", args=[r.pk]),
        method="POST",
        data={"op": "draw", "version": r.version},
        status=302,
        writes=[r],
    )


def _review_get(tree, staff):
    cc = _round(tree, staff).cases.get()
    return Visit(staff.unit_manager, reverse("quality:control_review", args=[cc.pk]), shows=[cc])


def _review_post(tree, staff):
    r = _round(tree, staff)
    cc = r.cases.get()
    data = {f"c{c.pk}": "yes" for c in r.template.criteria.all()}
    return Visit(
        staff.unit_manager,
        reverse("quality:control_review", args=[cc.pk]),
        method="POST",
        data=data,
        status=302,
        writes=[cc],
    )


def _mine(tree, staff):
    cc = _round(tree, staff).cases.get()
    return Visit(staff.unit_manager, reverse("quality:control_my_reviews"), shows=[cc])


def _results_get(tree, staff):
    r = _round(tree, staff)
    f.review_all(r, first="no")
    return Visit(
        staff.quality_lead,
        reverse("quality:control_results", args=[r.pk]),
        shows=list(r.cases.all()),
    )


def _results_post(tree, staff):
    r = _round(tree, staff)
    f.review_all(r, first="no")
    answer = r.cases.get().answers.get(answer="no")
    return Visit(
        staff.quality_lead,
        reverse("quality:control_results", args=[r.pk]),
        method="POST",
        data={"op": "action_item", "answer": answer.pk},
        status=302,
        writes=[ActionItem],
    )


def _checks(tree, staff):
    case = f.case(tree.vux_unit)
    f.investigation(case, dt.date(2025, 1, 1))  # open for over four months, not extended
    url = reverse("quality:control_checks")
    query = f"?unit={tree.vux_unit.pk}&period_start=2026-01-01&period_end=2026-06-30"
    return Visit(staff.quality_lead, url + query, shows=[Case.objects.get(pk=case.pk)])


def _api_cases(tree, staff):
    r = _round(tree, staff)
    return Visit(
        staff.quality_lead,
        reverse("control-case-list") + f"?round={r.pk}",
        shows=list(ControlCase.objects.filter(round=r)),
    )


def _api_case(tree, staff):
    cc = _round(tree, staff).cases.get()
    return Visit(staff.quality_lead, reverse("control-case-detail", args=[cc.pk]), shows=[cc])


PROBES: dict[str, Probe] = {
    "quality:control_round": _round_get,
    post("quality:control_round"): _round_post,
    "quality:control_review": _review_get,
    post("quality:control_review"): _review_post,
    "quality:control_my_reviews": _mine,
    "quality:control_results": _results_get,
    post("quality:control_results"): _results_post,
    "quality:control_checks": _checks,
    "control-case-list": _api_cases,
    "control-case-detail": _api_case,
}
