"""Audit probes of the deviation pages and API (gathered by tests/quality/audit_probes.py)."""

from __future__ import annotations

from django.urls import reverse

from insyn.quality.models import Deviation
from tests.audit_probe import Visit, post
from tests.quality.deviation_factories import category, deviation, linked


def _report_get(tree, staff):
    category()
    return Visit(staff.case_worker, reverse("quality:deviation_report"), model=Deviation)


def _report_post(tree, staff):
    cat = category()
    return Visit(
        staff.case_worker,
        reverse("quality:deviation_report"),
        method="POST",
        data={
            "description": "Dörren var olåst.",
            "category": cat.pk,
            "occurred_on": "2026-01-05",
            "unit": tree.vux_unit.pk,
        },
        status=302,
        writes=[Deviation],
    )


def _report_refused(tree, staff):
    cat = category()
    return Visit(
        staff.case_worker,
        reverse("quality:deviation_report"),
        method="POST",
        data={"description": "", "category": cat.pk, "occurred_on": "2099-01-01"},
        status=400,
        model=Deviation,
    )


def _list(name, user="unit_manager"):
    def probe(tree, staff):
        d = linked(tree, staff)
        return Visit(getattr(staff, user), reverse(name), shows=[d])

    return probe


def _detail(tree, staff):
    d = linked(tree, staff)
    return Visit(staff.unit_manager, reverse("quality:deviation_detail", args=[d.pk]), shows=[d])


def _detail_post(tree, staff):
    d = linked(tree, staff)
    return Visit(
        staff.unit_manager,
        reverse("quality:deviation_detail", args=[d.pk]),
        method="POST",
        data={"op": "receive", "receive-version": d.version},
        status=302,
        writes=[d],
    )


def _detail_refused(tree, staff):
    d = linked(tree, staff, state="received")
    return Visit(
        staff.unit_manager,
        reverse("quality:deviation_detail", args=[d.pk]),
        method="POST",
        data={"op": "investigate", "investigate-investigation_facts": ""},
        status=400,
        shows=[d],
    )


def _api_list(tree, staff):
    d = linked(tree, staff)
    return Visit(staff.unit_manager, reverse("deviation-list"), shows=[d])


def _api_detail(tree, staff):
    d = linked(tree, staff)
    return Visit(staff.unit_manager, reverse("deviation-detail", args=[d.pk]), shows=[d])


def _api_create(tree, staff):
    category()
    return Visit(
        staff.case_worker,
        reverse("deviation-list"),
        method="POST",
        json=True,
        data={"category": "bemotande", "occurred_on": "2026-01-05", "description": "Otrevligt."},
        status=201,
        writes=[Deviation],
    )


def _api_step(name, state, data):
    def probe(tree, staff):
        d = linked(tree, staff, state=state)
        return Visit(
            staff.unit_manager,
            reverse(name, args=[d.pk]),
            method="POST",
            json=True,
            data=data,
            shows=[d],
            writes=[d],
        )

    return probe


def _api_dpa(tree, staff):
    d = deviation(tree, staff, code="sekretess")
    return Visit(
        staff.unit_manager,
        reverse("deviation-dpa-notification", args=[d.pk]),
        method="POST",
        json=True,
        data={"dpa_not_notified_reason": "Ingen risk för de registrerade."},
        shows=[d],
        writes=[d],
    )


PROBES = {
    "quality:deviation_report": _report_get,
    post("quality:deviation_report"): _report_post,
    "quality:deviation_mine": _list("quality:deviation_mine", "case_worker"),
    "quality:deviation_list": _list("quality:deviation_list"),
    "quality:deviation_export": _list("quality:deviation_export"),
    "quality:deviation_detail": _detail,
    post("quality:deviation_detail"): _detail_post,
    "deviation-list": _api_list,
    post("deviation-list"): _api_create,
    "deviation-detail": _api_detail,
    post("deviation-receive"): _api_step("deviation-receive", "reported", {}),
    post("deviation-investigate"): _api_step(
        "deviation-investigate",
        "received",
        {
            "investigation_facts": "Fel ärende.",
            "root_causes": ["rutin_foljs_ej"],
            "consequences": "Ingen skada.",
        },
    ),
    post("deviation-decide-measures"): _api_step(
        "deviation-decide-measures", "investigated", {"measures_text": "Ny rutin."}
    ),
    post("deviation-close"): _api_step("deviation-close", "measures", {"feedback": "Tack."}),
    post("deviation-dpa-notification"): _api_dpa,
}

EXTRA_PROBES = {
    "quality:deviation_report (refused)": _report_refused,
    "quality:deviation_detail (refused)": _detail_refused,
}
