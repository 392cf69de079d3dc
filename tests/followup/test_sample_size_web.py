"""The sample-size planner page, the plan in the YAML, and the programme's own history."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.core.models import ChangeEntry
from insyn.followup import sample_size as ss
from insyn.followup.models import Occasion, Programme, Value, Variable
from insyn.followup.sample_history import programme_history
from insyn.followup.services.exchange import programme_export, programme_import
from tests.followup.factories import enrolled, programme

pytestmark = pytest.mark.usefixtures("english_pages", "catalogues")

PLAN = {
    "intake_per_year": "150",
    "measure": "change",
    "variable": "audit",
    "sd": "6.5",
    "completion_percent": "70",
    "precision": "2",
}


def _url(p: Programme) -> str:
    return reverse("followup:programme_sample_size", args=[p.pk])


def test_designer_computes_and_saves_the_plan_on_a_draft(tree, staff, login):
    p = programme(tree.aov, published=False, sampling="birth_days", sampling_days=[5, 15, 25])
    client = login(staff.quality_lead)
    page = client.post(_url(p), {**PLAN, "op": "compute"})
    assert page.status_code == 200
    text = page.content.decode()
    n = int(150 * 36 / 365.2425 * 0.7)  # 10
    assert f"n = {n}" in text
    assert f"± {ss.t_half_width(6.5, n):.1f}" in text
    p.refresh_from_db()
    assert p.planning == {}  # computing stores nothing
    response = client.post(_url(p), {**PLAN, "op": "save"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.planning == {
        "intake_per_year": 150.0,
        "measure": "change",
        "variable": "audit",
        "sd": 6.5,
        "completion_percent": 70.0,
        "precision": 2.0,
    }
    entry = ChangeEntry.objects.filter(object_id=str(p.pk), action="update").latest("id")
    assert entry.after["planning"]["sd"] == 6.5
    # the programme page links to the planner, and the planner shows the stored plan
    assert _url(p) in client.get(reverse("followup:programme", args=[p.pk])).content.decode()
    assert 'value="6.5"' in client.get(_url(p)).content.decode()


def test_zero_intake_is_refused_with_a_message_and_nothing_saved(tree, staff, login):
    p = programme(tree.aov, published=False)
    client = login(staff.quality_lead)
    for op in ("compute", "save"):
        response = client.post(_url(p), {**PLAN, "intake_per_year": "0", "op": op})
        assert response.status_code == 400
        assert "must be above 0" in response.content.decode()
    p.refresh_from_db()
    assert p.planning == {}
    assert not ChangeEntry.objects.filter(object_id=str(p.pk), action="update").exists()


def test_a_published_programme_cannot_take_a_plan_and_readers_only_compute(tree, staff, login):
    published = programme(tree.aov, published=True)
    client = login(staff.quality_lead)
    response = client.post(_url(published), {**PLAN, "op": "save"})
    assert response.status_code == 400
    assert "published programme cannot be changed" in response.content.decode()
    published.refresh_from_db()
    assert published.planning == {}
    reader = login(staff.case_worker)
    assert reader.post(_url(published), {**PLAN, "op": "compute"}).status_code == 200
    assert reader.post(_url(published), {**PLAN, "op": "save"}).status_code in (403, 404)
    assert "Save in the draft" not in reader.get(_url(published)).content.decode()


def test_a_user_outside_gets_the_same_404_as_for_a_missing_programme(tree, staff, login):
    p = programme(tree.aov, published=False)
    outsider = login(staff.kalmar_case_worker)
    missing = reverse("followup:programme_sample_size", args=[p.pk + 999])
    assert outsider.get(_url(p)).status_code == 404
    assert outsider.get(missing).status_code == 404
    assert outsider.post(_url(p), {**PLAN, "op": "save"}).status_code == 404


def test_the_plan_travels_in_the_yaml_and_bad_plans_are_named(tree, staff):
    p = programme(tree.aov, published=False)
    p.planning = {"sd": 6.5, "intake_per_year": 150, "measure": "change", "variable": "audit"}
    p.save()
    p.refresh_from_db()
    text = programme_export(p)
    assert "planning:\n  intake_per_year: 150\n  measure: change\n  variable: audit\n" in text
    Programme.objects.all().delete()
    again = programme_import(actor=None, text=text).programme
    assert again.planning == p.planning
    assert programme_export(again) == text
    Programme.objects.all().delete()
    bad = text.replace("intake_per_year: 150", "intake_per_year: 0")
    with pytest.raises(Exception) as caught:
        programme_import(actor=None, text=bad)
    assert "planning.intake_per_year" in str(caught.value)
    assert not Programme.objects.exists()


def _finish(enrollment, before: float | None, after: float | None) -> None:
    """Mark the enrolment's before and after occasions done with AUDIT totals."""
    audit = Variable.objects.get(programme=enrollment.programme, key="audit")
    today = timezone.localdate()
    for kind, number in (("before", before), ("after", after)):
        occasion = Occasion.objects.get(enrollment=enrollment, stage__kind=kind)
        occasion.due_on = today - dt.timedelta(days=10)
        if number is None:
            occasion.status = Occasion.Status.MISSED
        else:
            occasion.status = Occasion.Status.DONE
            occasion.done_on = today - dt.timedelta(days=10)
            Value.objects.create(occasion=occasion, variable=audit, number=number)
        occasion.save()


def test_history_gives_intake_completion_and_the_spread_of_the_change(tree, staff):
    pairs = [(20, 12), (18, 15), (25, 10), (14, 14), (30, 21), (22, 16)]
    enrollments = [enrolled(tree, staff) for _ in range(len(pairs) + 2)]
    for e, (b, a) in zip(enrollments, pairs, strict=False):
        _finish(e, b, a)
    for e in enrollments[len(pairs) :]:
        _finish(e, 19, None)  # after-measure missed
    p = enrollments[0].programme
    h = programme_history(staff.quality_lead, p, "audit")
    assert h.enrolled_last_year == 8 and h.intake_per_year == 8
    assert h.completion_percent == pytest.approx(100 * 6 / 8)
    assert h.pairs == 6
    assert h.sd_change == pytest.approx(statistics.stdev([a - b for b, a in pairs]))
    # someone who sees none of it gets nothing: too few to show
    empty = programme_history(staff.kalmar_case_worker, p, "audit")
    assert empty.enrolled_last_year is None and empty.sd_change is None


def test_history_below_the_threshold_is_not_shown(tree, staff):
    enrollments = [enrolled(tree, staff) for _ in range(3)]
    for e in enrollments:
        _finish(e, 20, 10)
    h = programme_history(staff.quality_lead, enrollments[0].programme, "audit")
    assert (h.enrolled_last_year, h.completion_percent, h.sd_change) == (None, None, None)
