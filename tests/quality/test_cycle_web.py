"""The annual cycle's pages: the wheel draws every task of the year (one SVG marker per task,
accessible name and description, a table with the same tasks), the list filters, a task's
page moves it along the workflow, activities are created and edited, the default cycle is
installed and a year generated from buttons; outside the unit is the same 404 as missing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from insyn.quality.models import CycleActivity, CycleTask
from insyn.quality.services import cycle as services
from tests.quality import cycle_factories as f

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def year() -> int:
    return timezone.localdate().year


def test_wheel_draws_every_task_of_the_year(login, tree, staff, year):
    services.install_default(actor=None, unit=tree.aov)
    services.generate_tasks(actor=None, year=year)
    services.generate_tasks(actor=None, year=year + 1)  # not drawn
    expected = CycleTask.objects.filter(year=year).count()
    task = CycleTask.objects.filter(year=year).first()
    services.task_transition(actor=None, task=task, action="complete", done_on=task.due_on)
    html = login(staff.quality_lead).get(reverse("quality:cycle_wheel")).content.decode()
    svg = re.search(r"<svg id=\"cycle-wheel\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert len(re.findall(r'class="cycle-marker"', svg)) == expected
    ids = set(re.findall(r'data-task="(\d+)"', svg))
    assert ids == {
        str(pk) for pk in CycleTask.objects.filter(year=year).values_list("pk", flat=True)
    }
    assert len(re.findall(r'class="cycle-sector"', svg)) == 12
    assert 'data-status="done"' in svg
    # the table alternative lists the same tasks
    assert html.count('class="cycle-row"') == expected
    assert len(re.findall(r'<path class="cycle-sector"[^>]*><title>\w+</title>', svg)) == 12


def test_wheel_in_swedish_has_swedish_months(client, login, tree, staff, year):
    login(staff.quality_lead)
    html = client.get(reverse("quality:cycle_wheel"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    for name in ("januari", "februari", "mars", "december"):
        assert f">{name}</text>" in html


def test_wheel_coordinates_are_numbers_in_swedish_too(client, login, tree, staff, year):
    """Swedish formats 313.5 as "313,5", which SVG reads as two coordinates: the labels then
    scatter and the markers vanish. Every coordinate in the wheel must be a plain number."""
    services.install_default(actor=None, unit=tree.aov)
    services.generate_tasks(actor=None, year=year)
    login(staff.quality_lead)
    html = client.get(reverse("quality:cycle_wheel"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    svg = re.search(r"<svg id=\"cycle-wheel\".*?</svg>", html, re.S).group(0)
    values = re.findall(r'\b(?:x|y|cx|cy|r|width|height)="([^"]*)"', svg)
    assert len(values) > 12 * 2 + CycleTask.objects.filter(year=year).count() * 2
    assert [v for v in values if not re.fullmatch(r"-?\d+(\.\d+)?%?", v)] == []
    assert f">{year}</text>" in svg


def test_wheel_for_another_year_and_bad_year(login, tree, staff, year):
    f.activity(tree.aov, month=5)
    services.generate_tasks(actor=None, year=2024)
    c = login(staff.quality_lead)
    html = c.get(reverse("quality:cycle_wheel"), {"year": 2024}).content.decode()
    assert html.count('class="cycle-marker"') == 1
    assert c.get(reverse("quality:cycle_wheel"), {"year": "x²"}).status_code == 200


def test_list_filters(login, tree, staff, year):
    a = f.activity(tree.vux_unit, title="Till nämnden", reported_to="committee")
    f.activity(
        tree.vux_unit, title="Till personalen", reported_to="staff", responsible=staff.case_worker
    )
    f.tasks(year)
    task = CycleTask.objects.get(activity=a)
    services.task_transition(actor=None, task=task, action="start")
    c = login(staff.quality_lead)
    url = reverse("quality:cycle_list")
    html = c.get(url).content.decode()
    assert "Till nämnden" in html and "Till personalen" in html
    html = c.get(url, {"status": "ongoing"}).content.decode()
    assert "Till nämnden" in html and "Till personalen" not in html
    html = c.get(url, {"reported_to": "staff"}).content.decode()
    assert "Till nämnden" not in html and "Till personalen" in html
    html = c.get(url, {"responsible": staff.case_worker.pk}).content.decode()
    assert "Till nämnden" not in html and "Till personalen" in html


def test_outside_the_unit_is_404(login, tree, staff, year):
    f.activity(tree.bof_unit, title="Barn")
    (task,) = f.tasks(year)
    c = login(staff.unit_manager)  # VUX: sees nothing of BOF
    assert c.get(reverse("quality:cycle_task", args=[task.pk])).status_code == 404
    assert c.get(reverse("quality:cycle_task", args=[999999])).status_code == 404
    assert "Barn" not in c.get(reverse("quality:cycle_wheel")).content.decode()
    activity = task.activity
    assert c.get(reverse("quality:cycle_activity_edit", args=[activity.pk])).status_code == 404
    c = login(staff.kalmar_admin)
    assert c.get(reverse("quality:cycle_task", args=[task.pk])).status_code == 404


def test_case_worker_sees_only_own_tasks_and_may_move_them(login, tree, staff, year):
    f.activity(tree.vux_unit, title="Min uppgift", responsible=staff.case_worker)
    f.activity(tree.vux_unit, title="Annans uppgift")
    f.tasks(year)
    mine = CycleTask.objects.get(activity__title="Min uppgift")
    other = CycleTask.objects.get(activity__title="Annans uppgift")
    c = login(staff.case_worker)
    html = c.get(reverse("quality:cycle_wheel")).content.decode()
    assert html.count('class="cycle-marker"') == 1
    assert c.get(reverse("quality:cycle_task", args=[other.pk])).status_code == 404
    url = reverse("quality:cycle_task", args=[mine.pk])
    page = c.get(url).content.decode()
    assert 'name="step"' in page and 'name="edit-due_on"' not in page
    r = c.post(url, {"step": "complete", "note": "Klart", "done_on": "", "version": mine.version})
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "done" and mine.note == "Klart"
    # an illegal step: message, nothing changes
    r = c.post(url, {"step": "start", "note": "", "version": mine.version})
    assert r.status_code == 400
    mine.refresh_from_db()
    assert mine.status == "done"
    assert c.get(reverse("quality:cycle_activities")).status_code == 404


def test_activity_create_and_edit(login, tree, staff):
    c = login(staff.quality_lead)
    url = reverse("quality:cycle_activity_add")
    assert c.get(url).status_code == 200
    data = {
        "unit": tree.aov.pk,
        "title": "Brukarenkät",
        "code": "brukarenkat",
        "frequency": "biennial",
        "month": "10",
        "day": "31",
        "first_year": "",
        "reported_to": "citizens",
        "linked": "survey_round",
        "sort_order": "5",
        "active": "on",
    }
    r = c.post(url, data)
    assert r.status_code == 400 and "första året" in r.content.decode()
    assert not CycleActivity.objects.exists()
    r = c.post(url, {**data, "month": "13", "first_year": "2026"})
    assert r.status_code == 400 and "mellan 1 och 12" in r.content.decode()
    r = c.post(url, {**data, "first_year": "2026"})
    assert r.status_code == 302
    a = CycleActivity.objects.get()
    assert (a.frequency, a.month, a.first_year, a.municipality) == (
        "biennial",
        10,
        2026,
        tree.vaxjo,
    )
    edit = reverse("quality:cycle_activity_edit", args=[a.pk])
    assert c.get(edit).status_code == 200
    r = c.post(edit, {**data, "first_year": "2026", "day": "0", "version": a.version})
    assert r.status_code == 400
    r = c.post(
        edit, {**data, "first_year": "2026", "title": "Brukarundersökning", "version": a.version}
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.title == "Brukarundersökning" and a.version == 2


def test_install_and_generate_buttons(login, tree, staff, year):
    c = login(staff.quality_lead)
    page = c.get(reverse("quality:cycle_activities")).content.decode()
    assert "Installera standardårshjulet" in page
    r = c.post(reverse("quality:cycle_install"), {"unit": tree.aov.pk})
    assert r.status_code == 302
    n = CycleActivity.objects.count()
    assert n == len(services.default_cycle())
    c.post(reverse("quality:cycle_install"), {"unit": tree.aov.pk})
    assert CycleActivity.objects.count() == n
    r = c.post(reverse("quality:cycle_generate"), {"year": year})
    assert r.status_code == 302
    count = CycleTask.objects.count()
    assert count > n
    c.post(reverse("quality:cycle_generate"), {"year": year})
    assert CycleTask.objects.count() == count
    # a case worker has no such buttons
    cw = login(staff.case_worker)
    assert cw.post(reverse("quality:cycle_install"), {"unit": tree.aov.pk}).status_code == 404
    assert cw.post(reverse("quality:cycle_generate"), {"year": year}).status_code == 404


def test_handler_edits_task_responsible_and_due_date(login, tree, staff, year):
    f.activity(tree.vux_unit, month=3, day=15)
    (task,) = f.tasks(year)
    c = login(staff.unit_manager)
    url = reverse("quality:cycle_task", args=[task.pk])
    r = c.post(
        url,
        {
            "edit-responsible": staff.case_worker.pk,
            "edit-due_on": f"{year}-03-20",
            "edit-version": task.version,
        },
    )
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.responsible == staff.case_worker and task.due_on.day == 20


def test_dashboard_panel_and_subnav(login, tree, staff):
    today = timezone.localdate()
    f.activity(tree.aov, title="Denna månad", month=today.month, day=today.day)
    f.activity(tree.aov, title="Försenad", month=1, day=1, first_year=None)
    f.tasks(today.year)
    html = login(staff.quality_lead).get(reverse("quality:dashboard")).content.decode()
    assert "Denna månad" in html
    if today.month > 1:
        assert "Försenad" in html
    assert reverse("quality:cycle_wheel") in html
