"""The yearly statistics and the live dashboard over the API and `insyn quality stats`: the
same figures, the same scope, clear refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from insyn.core.models import AccessEntry
from insyn.core.roles import Role
from insyn.quality.models import Complaint, Deviation, LexSarahReport
from tests.factories import user_with_role
from tests.quality import factories as f


@pytest.fixture
def rows(tree, staff, catalogues, officer):
    r = staff.case_worker
    f.deviation(tree.vux_unit, r, reported_at=f.local(2025, 1, 1, 0, 0))
    f.deviation(tree.vux_unit, r, reported_at=f.local(2024, 12, 31, 23, 59))
    f.deviation(tree.bof_unit, r, reported_at=f.local(2025, 7, 7), category="bemotande")
    f.deviation(tree.kalmar_unit, staff.kalmar_case_worker, reported_at=f.local(2025, 7, 7))
    f.lex_sarah(
        tree.bof_unit,
        r,
        reported_at=f.local(2025, 2, 2),
        serious=True,
        seriousness_decided_on=dt.date(2025, 3, 1),
        ivo_notified_on=dt.date(2025, 3, 10),
        diary_number="LS 2025/1",
        state="assessed",
    )
    f.complaint(
        tree.vux_unit,
        received_on=dt.date(2025, 5, 1),
        answer_due_on=dt.date(2025, 5, 15),
        answered_on=dt.date(2025, 5, 15),
        theme="beslut",
        state="answered",
    )
    f.complaint(tree.bof_unit, received_on=timezone.localdate(), kind="suggestion")


def api(user, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def _figures(document):
    return {
        (s["key"], line["key"]): line["value"] for s in document["sections"] for line in s["lines"]
    }


def _independent(tree):
    devs = [
        d
        for d in Deviation.objects.filter(unit__path__startswith=tree.vaxjo.path)
        if timezone.localtime(d.reported_at).year == 2025
    ]
    complaints = Complaint.objects.filter(
        unit__path__startswith=tree.vaxjo.path, received_on__year=2025
    )
    lex = LexSarahReport.objects.filter(unit__path__startswith=tree.vaxjo.path)
    return {
        ("deviations_by_category", "all"): len(devs),
        ("deviations_by_category", "handlaggning"): sum(
            d.category.code == "handlaggning" for d in devs
        ),
        ("lex_sarah", "notified_ivo"): sum(
            r.ivo_notified_on is not None and r.ivo_notified_on.year == 2025 for r in lex
        ),
        ("complaints_answered", "answered_within_target"): sum(
            c.answered_on is not None and c.answered_on <= c.answer_due_on for c in complaints
        ),
    }


def test_api_stats_match_an_independent_count(rows, tree, staff):
    response = api(staff.quality_lead).get("/api/quality/stats/?year=2025&municipality=0780")
    assert response.status_code == 200
    doc = response.json()
    assert doc["period_start"] == "2025-01-01" and "Växjö" in doc["source"]
    figures = _figures(doc)
    want = _independent(tree)
    assert {k: figures[k] for k in want} == want
    assert want[("deviations_by_category", "all")] == 2
    assert want[("complaints_answered", "answered_within_target")] == 1


def test_api_stats_refuse_bad_input_clearly(rows, staff, tree):
    client = api(staff.quality_lead)
    bad = client.get("/api/quality/stats/?year=20x5&municipality=0780")
    assert bad.status_code == 400 and "four digits" in bad.json()["detail"]
    assert client.get("/api/quality/stats/?municipality=0780").status_code == 400
    far = client.get("/api/quality/stats/?year=1066&municipality=0780")
    assert far.status_code == 400 and "between" in far.json()["detail"]
    no_code = client.get("/api/quality/stats/?year=2025")
    assert no_code.status_code == 400 and "municipality" in no_code.json()["detail"]
    for code in ("0880", "9999", "AOV"):
        missing = client.get(f"/api/quality/stats/?year=2025&municipality={code}")
        assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    outside = client.get(
        f"/api/quality/stats/?year=2025&municipality=0780&unit={tree.kalmar_unit.pk}"
    )
    assert outside.status_code == 404
    assert client.get("/api/quality/stats/?year=2025&municipality=0780&unit=x").status_code == 400


def test_api_scope_kalmar_sees_nothing_of_vaxjo(rows, tree, staff):
    kalmar_lead = user_with_role(Role.QUALITY_LEAD, tree.kalmar, username="kq")
    client = api(kalmar_lead)
    assert client.get("/api/quality/stats/?year=2025&municipality=0780").status_code == 404
    own = client.get("/api/quality/stats/?year=2025&municipality=0880").json()
    assert _figures(own)[("deviations_by_category", "all")] == 1
    board = client.get("/api/quality/dashboard/").json()
    assert board["lex_sarah"] == [] and board["complaints_waiting"] == []
    assert client.get(f"/api/quality/dashboard/?unit={tree.vux_unit.pk}").status_code == 404


def test_api_dashboard_hides_lex_sarah_from_unit_managers_and_records_access(rows, staff, tree):
    manager = api(staff.unit_manager).get("/api/quality/dashboard/").json()
    assert manager["lex_sarah"] is None
    manager_stats = api(staff.unit_manager).get("/api/quality/stats/?year=2025&municipality=0780")
    assert not any(s["key"] == "lex_sarah" for s in manager_stats.json()["sections"])
    lead = api(staff.quality_lead).get("/api/quality/dashboard/").json()
    assert [d["diary_number"] for d in lead["lex_sarah"]] == ["LS 2025/1"]
    waiting = lead["complaints_waiting"]
    assert len(waiting) == 1 and waiting[0]["days_left"] == 14
    named = set(
        AccessEntry.objects.filter(actor=staff.quality_lead).values_list("object_type", flat=True)
    )
    assert {"quality.complaint", "quality.lexsarahreport"} <= named


def test_api_needs_view_quality(rows, staff):
    assert api(staff.case_worker).get("/api/quality/dashboard/").status_code == 404
    response = api(staff.analyst).get("/api/quality/stats/?year=2025&municipality=0780")
    assert response.status_code == 404


def _cli(*args):
    out = io.StringIO()
    call_command("quality", "stats", *args, stdout=out)
    return out.getvalue()


def test_cli_csv_and_json_give_the_same_independent_figures(rows, tree):
    want = _independent(tree)
    doc = json.loads(_cli("--year", "2025", "--municipality", "0780", "--format", "json"))
    assert doc["year"] == 2025 and doc["period_end"] == "2025-12-31"
    assert {k: _figures(doc)[k] for k in want} == want
    lines = list(csv.DictReader(io.StringIO(_cli("--year", "2025", "--municipality", "0780"))))
    got = {(r["section"], r["key"]): r["value"] for r in lines if r["section"] != "about"}
    assert {k: int(got[k]) for k in want} == want
    about = {r["key"]: r["label"] for r in lines if r["section"] == "about"}
    assert about["scope"] == "municipality" and "Växjö" in about["source"]
    kalmar = json.loads(_cli("--year", "2025", "--municipality", "0880", "--format", "json"))
    assert _figures(kalmar)[("deviations_by_category", "all")] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2025", "--municipality", "9999"], "no municipality"),
        (["--year", "2025", "--municipality", "AOV"], "no municipality"),
        (["--year", "25", "--municipality", "0780"], "four digits"),
        (["--year", "3000", "--municipality", "0780"], "between"),
        (["--year", "2025", "--municipality", "0780", "--format", "xml"], "csv or json"),
    ],
)
def test_cli_refuses_bad_input(rows, args, message, english):
    with pytest.raises(CommandError) as exc:
        _cli(*args)
    assert message in str(exc.value)
