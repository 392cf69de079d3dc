"""API and CLI of non-executed decisions: the same list and summary; bad input says so."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from insyn.quality.selectors import non_executed as sel
from insyn.quality.services.non_executed import episode_row
from tests.quality import non_executed_factories as nf

pytestmark = pytest.mark.usefixtures("catalogues")
D = dt.date


@pytest.fixture
def known(tree):
    u = tree.vux_unit
    return [
        nf.quick(u, D(2026, 5, 15)),
        nf.quick(u, D(2026, 5, 15), executed_on=D(2026, 8, 16), sex="M"),
        nf.quick(u, D(2026, 5, 15), executed_on=D(2026, 8, 15)),
        nf.quick(u, D(2026, 1, 10), basis=nf.NOT_REPORTABLE),
    ]


def test_api_list_and_summary(login, staff, known, tree, settings) -> None:
    settings.INSYN_MIN_CELL = 1
    c = login(staff.unit_manager)
    r = c.get(reverse("non-executed-list") + "?quarter=2026Q3&municipality=0780")
    assert r.status_code == 200
    rows = r.json()
    assert sorted(row["decision"] for row in rows) == sorted([known[0].pk, known[1].pk])
    late = next(row for row in rows if row["decision"] == known[1].pk)
    assert (late["resolved_on"], late["resolution"], late["days"]) == ("2026-08-16", "executed", 93)
    r = c.get(reverse("non-executed-list") + "?quarter=2026Q13&municipality=0780")
    assert r.status_code == 400 and "2026Q13" in r.json()["detail"]
    r = c.get(reverse("non-executed-list") + "?quarter=2026Q3&municipality=0880")
    assert r.status_code == 404
    s = login(staff.quality_lead).get(
        reverse("non-executed-summary") + "?quarter=2026Q3&municipality=0780"
    )
    assert s.status_code == 200 and s.json()["total"] == 2


def test_api_episode_update(login, staff, known) -> None:
    e = episode_row(sel.decision_episodes(known[0], timezone.localdate())[0])
    c = login(staff.unit_manager)
    url = reverse("nonexecuteddecision-detail", args=[e.pk])
    r = c.get(url)
    assert r.status_code == 200 and r.json()["report"]["pseudonym"].startswith(
        f"{known[0].case.client.birth_date:%Y%m%d}-T"
    )
    r = c.patch(
        url, {"reason_for_delay": "Kö", "version": e.version}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["reason_for_delay"] == "Kö"
    r = c.patch(
        url, {"reason_for_delay": "Igen", "version": e.version}, content_type="application/json"
    )
    assert r.status_code == 409
    assert login(staff.kalmar_case_worker).get(url).status_code == 404


def test_cli_list_and_summary(known, tmp_path: Path, settings) -> None:
    settings.INSYN_MIN_CELL = 1
    out = io.StringIO()
    call_command("quality", "evb", "--quarter", "2026Q3", "--municipality", "0780", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line]
    assert len(lines) == 3  # header + two decisions
    target = tmp_path / "ivo.xlsx"
    call_command(
        "quality",
        "evb",
        "--quarter",
        "2026Q3",
        "--municipality",
        "0780",
        "--format",
        "xlsx",
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    assert target.read_bytes().startswith(b"PK")
    pdf = tmp_path / "sum.pdf"
    call_command(
        "quality",
        "evb",
        "--quarter",
        "2026Q3",
        "--municipality",
        "0780",
        "--format",
        "pdf",
        "--summary",
        "--output",
        str(pdf),
        stdout=io.StringIO(),
    )
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026Q5", "--municipality", "0780"], "2026Q5"),
        (["--quarter", "2026Q3", "--municipality", "9999"], "9999"),
        (["--quarter", "2026Q3", "--municipality", "0780", "--format", "doc"], "doc"),
        (["--quarter", "2026Q3", "--municipality", "0780", "--format", "pdf"], "--output"),
    ],
)
def test_cli_bad_input(known, args, message) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("quality", "evb", *args, stdout=io.StringIO())
    assert message in str(exc.value)
