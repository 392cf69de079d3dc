"""`insyn analyze` and `insyn export frame`: documented columns, numbers that agree with the
independent computation, clear messages and a non-zero exit for bad arguments."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from insyn.core.models import AccessEntry
from tests.analytics import expected

DOCUMENTED = Path(__file__).resolve().parents[2] / "docs" / "analysis.md"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("analyze", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_list_shows_stages_and_variables(design):
    text = run("--programme", "vux", "--list")
    assert "before" in text and "later" in text
    assert "days" in text and "integer" in text
    assert "housing" in text and "own, rent, none, dk" in text
    assert "audit" in text and "bands: low, high" in text
    assert "note" not in text  # free text is never analysed


def test_csv_has_the_documented_columns_and_agrees(generated):
    text = run("--programme", "vux", "--variable", "days", "--stage", "before", "--by", "sex")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = list(rows[0])
    assert header[0] == "sex"
    assert header[1] == "n"
    assert header[-1] == "suppressed"
    for column in (
        "n_value",
        "mean",
        "median",
        "sd",
        "due",
        "done",
        "completion_rate",
        "goals",
        "share_achieved",
        "completed",
        "interrupted",
    ):
        assert column in header
    documented = DOCUMENTED.read_text()
    for column in header:
        if not column.startswith(("nonresponse_", "count_", "share_")) and column != "sex":
            assert f"`{column}`" in documented, column
    df = expected.frame("vux")
    total = next(r for r in rows if r["sex"] == "(all)")
    assert int(total["n"]) == len(df)
    assert float(total["mean"]) == pytest.approx(df["days__before"].astype(float).mean())
    assert total["suppressed"] == "false"


def test_compare_json_and_age_groups(generated):
    text = run(
        "--programme",
        "vux",
        "--variable",
        "days",
        "--compare",
        "before:after",
        "--by",
        "age_group",
        "--age-groups",
        "0-39,40-",
        "--format",
        "json",
    )
    doc = json.loads(text)
    assert doc["compare"] == ["before", "after"]
    assert doc["columns"][:2] == ["age_group", "n"]
    assert {r["age_group"] for r in doc["rows"]} <= {"0-39", "40-", "(all)", "(missing)"}
    df = expected.frame("vux")
    total = next(r for r in doc["rows"] if r["age_group"] == "(all)")
    p = expected.paired(df["days__before"], df["days__after"])
    assert total["pairs"] == p["pairs"]
    assert total["mean_change"] == pytest.approx(p["mean_change"])
    assert total["wilcoxon_p"] == pytest.approx(p["wilcoxon_p"])
    assert total["change_ci_low"] == pytest.approx(p["change_ci_low"])
    assert doc["caveat"]


def test_xlsx_output_and_unit_filter(generated, tmp_path, tree):
    target = tmp_path / "out.xlsx"
    out = io.StringIO()
    err = io.StringIO()
    call_command(
        "analyze",
        "--programme",
        "vux",
        "--variable",
        "housing",
        "--stage",
        "after",
        "--unit",
        "0780",
        "--format",
        "xlsx",
        "--output",
        str(target),
        stdout=out,
        stderr=err,
    )
    assert "written to" in err.getvalue()
    sheet = openpyxl.load_workbook(target).worksheets[0]
    values = list(sheet.values)
    # people's headers (Swedish), numbers as numeric cells
    assert values[0][0] == "antal (inskrivningar)" and values[0][-1] == "Dold (liten grupp)"
    assert sheet.cell(row=2, column=1).data_type == "n"
    df = expected.frame("vux")
    assert values[1][0] == int((df["municipality_id"] == tree.vaxjo.pk).sum())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--programme", "nope", "--variable", "days"], "nope"),
        (["--programme", "vux"], "--variable"),
        (["--programme", "vux", "--variable", "days", "--compare", "before"], "BEFORE:AFTER"),
        (["--programme", "vux", "--variable", "days", "--from", "2024-13-01"], "YYYY-MM-DD"),
        (["--programme", "vux", "--variable", "days", "--age-groups", "12-3"], "12-3"),
        (["--programme", "vux", "--variable", "days", "--by", "sex,shoe_size"], "shoe_size"),
        (["--programme", "vux", "--variable", "days", "--unit", "NOPE"], "NOPE"),
        (["--programme", "vux", "--variable", "days", "--format", "xlsx"], "--output"),
        (["--programme", "vux", "--variable", "days", "--programme-version", "x"], "x"),
    ],
)
def test_bad_arguments_get_a_clear_message(design, args, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        run(*args)


def test_bad_arguments_exit_non_zero_from_the_shell():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "insyn.cli",
            "analyze",
            "--programme",
            "x",
            "--stage",
            "a",
            "--compare",
            "a:b",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "not allowed with argument" in done.stderr


def test_export_frame_csv_with_codebook_and_log(generated, tmp_path):
    target = tmp_path / "frame.csv"
    out = io.StringIO()
    call_command(
        "export",
        "frame",
        "--programme",
        "vux",
        "--output",
        str(target),
        "--key",
        "study-1",
        stdout=out,
    )
    assert "240 enrolments" in out.getvalue()
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 240
    header = list(rows[0])
    assert header[:2] == ["person_pid", "enrollment_pid"]
    for forbidden in ("enrollment_id", "client_id", "birth_date", "unit_path", "unit_id"):
        assert forbidden not in header
    assert "days__before" in header and "audit_band__after" in header
    ids = {str(e.pk) for e in generated.enrollments}
    assert not ids & {r["enrollment_pid"] for r in rows}
    book = list(
        csv.DictReader(
            io.StringIO((tmp_path / "frame.codebook.csv").read_text(encoding="utf-8-sig"))
        )
    )
    assert [b["column"] for b in book] == header
    housing = next(b for b in book if b["column"] == "housing__after")
    assert "own=Eget boende" in housing["options"]
    entry = AccessEntry.objects.filter(object_type="followup.enrollment").latest("id")
    assert entry.action == "export" and entry.actor is None
    assert entry.detail["rows"] == 240 and entry.detail["via"] == "cli"
    assert entry.org_paths  # the exported units' auditors see it
    manifest = AccessEntry.objects.filter(
        object_type="clients.client", detail__export_id=entry.detail["export_id"]
    )
    assert manifest.count() == entry.detail["persons"] > 0
    # the same key gives the same pseudonyms, another key others
    again = tmp_path / "again.csv"
    call_command(
        "export",
        "frame",
        "--programme",
        "vux",
        "--output",
        str(again),
        "--key",
        "study-1",
        stdout=io.StringIO(),
    )
    other = tmp_path / "other.csv"
    call_command(
        "export",
        "frame",
        "--programme",
        "vux",
        "--output",
        str(other),
        "--key",
        "study-2",
        stdout=io.StringIO(),
    )

    def pids(path):
        text = path.read_text(encoding="utf-8-sig")
        return {r["enrollment_pid"] for r in csv.DictReader(io.StringIO(text))}

    assert pids(target) == pids(again)
    assert not pids(target) & pids(other)


def test_export_frame_parquet_and_xlsx(generated, tmp_path):
    target = tmp_path / "frame.parquet"
    call_command(
        "export",
        "frame",
        "--programme",
        "vux",
        "--format",
        "parquet",
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    table = pq.read_table(target)
    assert table.num_rows == 240
    assert b"insyn.codebook" in table.schema.metadata
    xlsx = tmp_path / "frame.xlsx"
    call_command(
        "export",
        "frame",
        "--programme",
        "vux",
        "--format",
        "xlsx",
        "--output",
        str(xlsx),
        stdout=io.StringIO(),
    )
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames == ["frame", "codebook"]
    assert book["frame"].max_row == 241


def test_export_unknown_programme(design):
    with translation.override("en"), pytest.raises(CommandError, match="no programme"):
        call_command("export", "frame", "--programme", "nope", stdout=io.StringIO())


def test_export_in_slices_keeps_every_row_once_in_pseudonym_order(generated, tmp_path, monkeypatch):
    from insyn.analytics import frame_export

    monkeypatch.setattr(frame_export, "SLICE_ROWS", 10)  # forces slicing by pseudonym prefix
    target = tmp_path / "frame.csv"
    call_command(
        "export", "frame", "--programme", "vux", "--output", str(target), stdout=io.StringIO()
    )
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 240
    assert len({r["enrollment_pid"] for r in rows}) == 240
    for municipality in {r["municipality"] for r in rows}:
        pids = [
            (r["person_pid"], r["enrollment_pid"])
            for r in rows
            if r["municipality"] == municipality
        ]
        assert pids == sorted(pids)
