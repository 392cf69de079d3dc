"""The import: everything checked before anything is kept, problems named by file, row and
column, one transaction, idempotent, and later files update what changed."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from insyn.clients.models import Case, Client, Intervention
from insyn.core.identity import person_key
from insyn.core.models import ChangeEntry
from insyn.followup.models import Enrollment, Goal, Occasion, Value
from insyn.imports.formats import read_path
from insyn.imports.pipeline import run_import
from tests.imports.helpers import copy_examples, database_state, edit, import_folder


def test_example_files_import_completely(tree, addiction_programme, examples):
    report = import_folder(examples, tree.vaxjo)
    assert report.ok and report.applied, [str(i) for i in report.issues]
    counts = {k: (c.rows, c.created) for k, c in report.counts.items()}
    assert counts == {
        "clients": (4, 4),
        "cases": (5, 5),
        "interventions": (5, 5),
        "investigations": (6, 6),
        "appeals": (3, 3),
        "measurements": (18, 4),
        "goals": (3, 3),
    }
    tolvan = Client.objects.get(client_ref="KL-1001")
    assert tolvan.person_key == person_key("198503152467")
    assert tolvan.birth_date == dt.date(1985, 3, 15) and tolvan.sex == "K"
    assert tolvan.unit == tree.vux_unit
    assert Client.objects.get(client_ref="KL-1004").id_kind == "samordningsnummer"
    assert Client.objects.get(client_ref="KL-1003").sex == "X"
    assert Case.objects.get(case_ref="AR-2004").reactualisation
    assert not Case.objects.get(case_ref="AR-2001").reactualisation
    i1 = Intervention.objects.get(intervention_ref="IN-3001")
    assert i1.decision.legal_basis.code == "sol2001_4_1"
    assert i1.decision.executed_on == dt.date(2024, 2, 19)
    assert (i1.sessions_planned, i1.sessions_held, i1.sessions_missed) == (12, 11, 1)
    assert Intervention.objects.get(intervention_ref="IN-3002").provider.code == "sis"
    before = Occasion.objects.get(enrollment__intervention=i1, stage__key="before")
    audit_total = Value.objects.get(occasion=before, variable__key="audit", item__isnull=True)
    assert audit_total.number == 16  # computed from the ten items
    assert Value.objects.filter(occasion=before, item__isnull=False).count() == 10
    missed = Occasion.objects.get(
        enrollment__intervention__intervention_ref="IN-3003", stage__key="after"
    )
    assert missed.status == "missed" and missed.non_response_reason.code == "not_reachable"
    goal = Goal.objects.get(goal_ref="M-1")
    assert (goal.baseline, goal.target, goal.outcome) == (16, 7, "partly")
    assert goal.set_on == dt.date(2024, 2, 19)
    assert Enrollment.objects.get(intervention=i1).method == "automatic"


def test_importing_the_same_files_twice_changes_nothing(tree, addiction_programme, examples):
    assert import_folder(examples, tree.vaxjo).applied
    first = database_state()
    report = import_folder(examples, tree.vaxjo)
    assert report.applied
    assert database_state() == first  # incl. no new change entry
    for sheet, count in report.counts.items():
        assert count.created == count.updated == 0, sheet


def test_dry_run_counts_but_writes_nothing(tree, addiction_programme, examples):
    empty = database_state()
    report = import_folder(examples, tree.vaxjo, dry_run=True)
    assert report.ok and not report.applied
    assert report.counts["clients"].created == 4
    assert database_state() == empty


def test_a_bad_date_in_one_row_writes_nothing(tree, addiction_programme, examples, tmp_path):
    folder = copy_examples(examples, tmp_path)
    edit(
        folder,
        "cases.csv",
        "AR-2003,KL-1003,VUX-OPV,2024-05-06",
        "AR-2003,KL-1003,VUX-OPV,2024-13-06",
    )
    empty = database_state()
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    assert [(i.file, i.row, i.column) for i in report.issues] == [("cases.csv", 4, "opened_on")]
    assert "2024-13-06" in report.issues[0].message
    assert database_state() == empty


def test_invalid_personnummer_is_named_but_never_echoed(
    tree, addiction_programme, examples, tmp_path
):
    folder = copy_examples(examples, tmp_path)
    edit(folder, "clients.csv", "19721102-9157", "19721102-9158")
    report = import_folder(folder, tree.vaxjo)
    assert [(i.file, i.row, i.column) for i in report.issues] == [
        ("clients.csv", 3, "personnummer")
    ]
    assert "9158" not in str(report.to_dict())
    assert Client.objects.count() == 0


def test_value_out_of_range_uses_the_occasion_forms_rules(
    tree, addiction_programme, examples, tmp_path
):
    folder = copy_examples(examples, tmp_path)
    edit(
        folder,
        "measurements.csv",
        "before,2024-02-19,problem_days,18",
        "before,2024-02-19,problem_days,31",
    )
    edit(folder, "measurements.csv", "audit.q9,2,", "audit.q9,3,")  # item 9 scores 0, 2 or 4
    report = import_folder(folder, tree.vaxjo)
    where = {(i.file, i.row, i.column) for i in report.issues}
    assert where == {("measurements.csv", 12, "value"), ("measurements.csv", 10, "value")}
    messages = " ".join(i.message for i in report.issues)
    assert "30" in messages
    assert Client.objects.count() == 0 and Value.objects.count() == 0


def test_unknown_codes_and_references(tree, addiction_programme, examples, tmp_path):
    folder = copy_examples(examples, tmp_path)
    edit(
        folder,
        "interventions.csv",
        "IN-3003,AR-2003,opv_adults_relapse",
        "IN-3003,AR-2003,no_such_type",
    )
    edit(folder, "cases.csv", "AR-2005,KL-1004,BOF-UTR", "AR-2005,KL-9999,NOPE")
    edit(folder, "measurements.csv", "after,2024-11-20,,,not_reachable", "after,2024-11-20,,,gone")
    report = import_folder(folder, tree.vaxjo)
    where = {(i.file, i.row, i.column) for i in report.issues}
    assert where == {
        ("interventions.csv", 4, "intervention_type"),
        ("cases.csv", 6, "client_ref"),
        ("cases.csv", 6, "unit_code"),
        ("measurements.csv", 19, "non_response_reason"),
    }
    assert any("no_such_type" in i.message for i in report.issues)
    assert Client.objects.count() == 0


def test_business_rules_are_checked_row_by_row_and_nothing_is_kept(
    tree, addiction_programme, examples, tmp_path
):
    folder = copy_examples(examples, tmp_path)
    # closes before it opens; and a decision under the old act after 1 July 2025
    edit(
        folder,
        "cases.csv",
        "2024-02-01,application,alcohol,2024-09-30",
        "2024-02-01,application,alcohol,2024-01-30",
    )
    edit(folder, "interventions.csv", "sol2025_assistance", "sol2001_4_1")
    changes = ChangeEntry.objects.count()
    report = import_folder(folder, tree.vaxjo)
    where = {(i.file, i.row, i.column) for i in report.issues}
    assert ("cases.csv", 2, "closed_on") in where
    assert ("interventions.csv", 5, "legal_basis") in where
    assert Client.objects.count() == Case.objects.count() == 0
    assert ChangeEntry.objects.count() == changes


def test_a_later_file_updates_what_changed(tree, addiction_programme, examples, tmp_path):
    assert import_folder(examples, tree.vaxjo).applied
    folder = copy_examples(examples, tmp_path)
    edit(
        folder, "interventions.csv", "2025-08-11,,,12,,", "2025-08-11,2025-10-31,completed,12,10,2"
    )
    edit(
        folder,
        "measurements.csv",
        "after,2024-09-29,problem_days,4",
        "after,2024-09-29,problem_days,3",
    )
    edit(
        folder,
        "cases.csv",
        "2025-03-03,application,alcohol,",
        "2025-03-03,application,alcohol,2025-11-15",
    )
    changes = ChangeEntry.objects.count()
    report = import_folder(folder, tree.vaxjo)
    assert report.applied
    updated = {k: c.updated for k, c in report.counts.items()}
    assert updated == {
        "clients": 0,
        "cases": 1,
        "interventions": 1,
        "investigations": 0,
        "appeals": 0,
        "measurements": 1,
        "goals": 0,
    }
    i4 = Intervention.objects.get(intervention_ref="IN-3004")
    assert i4.ended_on == dt.date(2025, 10, 31) and i4.end_reason.code == "completed"
    after = Occasion.objects.get(
        enrollment__intervention__intervention_ref="IN-3001", stage__key="after"
    )
    assert after.values.get(variable__key="problem_days").number == 3
    assert ChangeEntry.objects.count() > changes
    # The rescheduled occasion of IN-3004 follows the new end date.
    due = Occasion.objects.get(enrollment__intervention=i4, stage__key="after").due_on
    assert due == dt.date(2025, 11, 30)


def test_workbook_gives_the_same_result_as_the_csv_files(
    tree, addiction_programme, examples, tmp_path
):
    import csv

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in (
        "clients",
        "cases",
        "interventions",
        "investigations",
        "appeals",
        "measurements",
        "goals",
    ):
        sheet = workbook.create_sheet(name)
        with (examples / f"{name}.csv").open(encoding="utf-8") as fh:
            for i, row in enumerate(csv.reader(fh)):
                # Real workbooks hold dates and numbers as such.
                cells: list[object] = []
                for value in row:
                    if i and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                        cells.append(dt.datetime.fromisoformat(value))
                    elif i and re.fullmatch(r"\d{1,3}", value):
                        cells.append(int(value))
                    else:
                        cells.append(value)
                sheet.append(cells)
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    report = run_import(read_path(path), municipality=tree.vaxjo, actor=None, dry_run=False)
    assert report.applied, [str(i) for i in report.issues]
    state = database_state()
    assert import_folder(examples, tree.vaxjo).applied
    assert database_state() == state  # the CSV files find nothing new


def test_header_problems_are_reported_at_row_1(tree, catalogues, tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "clients.csv").write_text("client_ref,personnumer,birth_date,sex\n", encoding="utf-8")
    (folder / "clientz.csv").write_text("a\n", encoding="utf-8")
    report = import_folder(folder, tree.vaxjo)
    where = {(i.file, i.row, i.column) for i in report.issues}
    assert where == {
        ("clients.csv", 1, "personnumer"),
        ("clients.csv", 1, "personnummer"),
        ("clientz.csv", None, ""),
    }


def test_semicolon_separated_files_from_swedish_excel(tree, catalogues, tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "clients.csv").write_bytes(
        "\ufeffclient_ref;personnummer;birth_date;sex\nA-1;;1999-09-09;K\n".encode()
    )
    report = import_folder(folder, tree.vaxjo)
    assert report.applied, [str(i) for i in report.issues]
    client = Client.objects.get(client_ref="A-1")
    assert client.unit == tree.vaxjo  # no case yet: registered by the municipality


def test_the_same_person_twice_or_already_registered(tree, catalogues, tmp_path):
    from tests.clients import factories as f

    number = f.personnummer(dt.date(1971, 1, 1))
    f.client(tree.vux_unit, number=number, client_ref="OLD-1")
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "clients.csv").write_text(
        f"client_ref,personnummer,birth_date,sex\nN-1,{number},,\nN-2,{number[2:]},,\n",
        encoding="utf-8",
    )
    report = import_folder(folder, tree.vaxjo)
    assert [(i.row, i.column) for i in report.issues] == [(3, "personnummer")]
    (folder / "clients.csv").write_text(
        f"client_ref,personnummer,birth_date,sex\nN-1,{number},,\n", encoding="utf-8"
    )
    report = import_folder(folder, tree.vaxjo)
    assert [(i.row, i.column) for i in report.issues] == [(2, "personnummer")]
    assert "OLD-1" in report.issues[0].message and number[2:] not in report.issues[0].message


def test_command_line(tree, addiction_programme, examples, tmp_path):
    out, err = StringIO(), StringIO()
    call_command(
        "import", str(examples), "--municipality", "0780", "--dry-run", stdout=out, stderr=err
    )
    # One language throughout (the product's, Swedish): summary, progress and outcome.
    assert "clients: 4 rader, 4 nya" in out.getvalue()
    assert "Provkörning: allt är giltigt; inget skrevs." in out.getvalue()
    assert Client.objects.count() == 0
    assert "Blad clients: 4 av 4 rader." in err.getvalue()  # progress
    # 18 measurement rows are 4 occasions, and the progress line counts occasions
    assert "Blad measurements: 4 av 4 mättillfällen." in err.getvalue()
    assert "measurements: 18 rader; mättillfällen: 4 nya" in out.getvalue()
    assert not any(word in out.getvalue() + err.getvalue() for word in ("rows", "Dry run"))
    out = StringIO()
    call_command("import", str(examples), "--municipality", "0780", stdout=out, stderr=StringIO())
    assert Client.objects.count() == 4
    assert "Importerat till Växjö (0780)." in out.getvalue()
    folder = copy_examples(examples, tmp_path)
    edit(folder, "cases.csv", "2024-05-06", "06/05/2024")
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 problem hittades; inget importerades\."):
        call_command("import", str(folder), "--municipality", "0780", stdout=StringIO(), stderr=err)
    assert "cases.csv" in err.getvalue() and "opened_on" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("import", str(examples), "--municipality", "9999", stdout=StringIO())
