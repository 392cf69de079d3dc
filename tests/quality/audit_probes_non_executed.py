"""Audit probes of this area's personal-data routes (gathered by tests/quality/audit_probes.py):
`PROBES = {url name or "POST <url name>": probe}`; see tests/audit_probe.py."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from insyn.clients.models import Decision, InterventionType
from insyn.quality.models import NonExecutedDecision
from insyn.quality.selectors import non_executed as sel
from insyn.quality.services.non_executed import episode_row
from tests.audit_probe import Probe, Visit, post
from tests.quality import non_executed_factories as nf


def _catalogues() -> None:
    if not InterventionType.objects.exists():
        from insyn.core.catalogue_loader import load_catalogues

        load_catalogues()


def _late(tree) -> Decision:
    """A decision 120 days old, not executed: reportable today."""
    _catalogues()
    return nf.quick(tree.vux_unit, timezone.localdate() - dt.timedelta(days=120))


def _episode(tree) -> NonExecutedDecision:
    d = _late(tree)
    return episode_row(sel.decision_episodes(d, timezone.localdate())[0])


def _quarter() -> str:
    return sel.quarter_of(timezone.localdate()).label


def _list(tree, staff) -> Visit:
    d = _late(tree)
    return Visit(staff.unit_manager, reverse("quality:non_executed_list"), shows=[d])


def _export(tree, staff) -> Visit:
    d = _late(tree)
    url = reverse("quality:non_executed_export", args=[_quarter(), "csv"])
    return Visit(staff.unit_manager, url, shows=[d])


def _episode_get(tree, staff) -> Visit:
    e = _episode(tree)
    return Visit(
        staff.unit_manager, reverse("quality:non_executed_episode", args=[e.pk]), shows=[e]
    )


def _episode_post(tree, staff) -> Visit:
    e = _episode(tree)
    return Visit(
        staff.unit_manager,
        reverse("quality:non_executed_episode", args=[e.pk]),
        method="POST",
        data={"op": "texts", "reason_for_delay": "Ingen plats", "version": e.version},
        status=302,
        writes=[e],
    )


def _open_post(tree, staff) -> Visit:
    d = _late(tree)
    return Visit(
        staff.unit_manager,
        reverse("quality:non_executed_open", args=[d.pk]),
        method="POST",
        data={"kind": "not_executed", "clock_from": d.decided_on.isoformat()},
        status=302,
        writes=[NonExecutedDecision],
    )


def _api_list(tree, staff) -> Visit:
    d = _late(tree)
    url = reverse("non-executed-list") + f"?quarter={_quarter()}&municipality={tree.vaxjo.code}"
    return Visit(staff.unit_manager, url, shows=[d])


def _api_episodes(tree, staff) -> Visit:
    e = _episode(tree)
    return Visit(staff.unit_manager, reverse("nonexecuteddecision-list"), shows=[e])


def _api_episode(tree, staff) -> Visit:
    e = _episode(tree)
    return Visit(staff.unit_manager, reverse("nonexecuteddecision-detail", args=[e.pk]), shows=[e])


PROBES: dict[str, Probe] = {
    "quality:non_executed_list": _list,
    "quality:non_executed_export": _export,
    "quality:non_executed_episode": _episode_get,
    post("quality:non_executed_episode"): _episode_post,
    post("quality:non_executed_open"): _open_post,
    "non-executed-list": _api_list,
    "nonexecuteddecision-list": _api_episodes,
    "nonexecuteddecision-detail": _api_episode,
}
