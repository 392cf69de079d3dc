"""Writes of the individual report: bad input is a message on the field and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from insyn.core.models import ChangeEntry
from insyn.quality.models import NonExecutedReportRecord
from insyn.quality.selectors import non_executed as sel
from insyn.quality.services import non_executed as svc
from tests.quality import non_executed_factories as nf

pytestmark = pytest.mark.usefixtures("catalogues")
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def episode(tree):
    d = nf.quick(tree.vux_unit, dt.date(2026, 5, 15))  # reportable from 16 Aug (Q3)
    return svc.episode_row(sel.decision_episodes(d, TODAY)[0], today=TODAY)


def test_texts_saved_and_audited(episode, staff) -> None:
    svc.episode_update(
        actor=staff.unit_manager,
        episode=episode,
        expected_version=episode.version,
        reason_for_delay="  Ingen plats  ",
    )
    episode.refresh_from_db()
    assert episode.reason_for_delay == "Ingen plats"
    assert ChangeEntry.objects.filter(object_id=str(episode.pk), action="update").exists()
    with pytest.raises(ValidationError) as exc:
        svc.episode_update(
            actor=staff.unit_manager,
            episode=episode,
            expected_version=None,
            consequences="x" * 4001,
        )
    assert "consequences" in exc.value.message_dict


def test_reported_rules(episode, staff) -> None:
    def rec(quarter: str, day: dt.date | None, actor=staff.unit_manager):
        return svc.record_reported(
            actor=actor, episode=episode, quarter=quarter, reported_on=day, today=TODAY
        )

    for quarter, day, field in (
        ("2026Q2", dt.date(2026, 7, 5), "quarter"),  # not yet reportable then
        ("2026Q3", dt.date(2026, 6, 30), "reported_on"),  # before the quarter began
        ("2026Q3", dt.date(2026, 12, 1), "reported_on"),  # in the future
        ("2026Q3", None, "reported_on"),
        ("Q3", dt.date(2026, 10, 5), "quarter"),
    ):
        with pytest.raises(ValidationError) as exc:
            rec(quarter, day)
        assert field in exc.value.message_dict, (quarter, day)
    assert not NonExecutedReportRecord.objects.exists()
    rec("2026Q3", dt.date(2026, 10, 5))
    with pytest.raises(ValidationError):
        rec("2026Q3", dt.date(2026, 10, 6))
    with pytest.raises(ValidationError):
        rec("2026Q4", dt.date(2026, 11, 1), actor=None)
    assert NonExecutedReportRecord.objects.count() == 1


def test_outsider_cannot_write(episode, staff) -> None:
    with pytest.raises(Http404):
        svc.episode_update(
            actor=staff.kalmar_case_worker,
            episode=episode,
            expected_version=None,
            reason_for_delay="x",
        )
    with pytest.raises(Http404):  # a case worker has no handle_quality
        svc.offer_add(
            actor=staff.case_worker,
            episode=episode,
            offered_on=TODAY,
            description="x",
            today=TODAY,
        )
