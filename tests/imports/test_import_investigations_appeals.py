"""investigations.csv and appeals.csv: optional sheets, matched on their natural keys (case +
start date; decision + appeal date + court), written through the audited services, every bad
row named and nothing kept."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from django.utils.translation import gettext as _

from insyn.clients.models import Appeal, Intervention, Investigation
from insyn.core.audit import object_type
from insyn.core.models import ChangeEntry
from insyn.imports.formats import read_path
from insyn.imports.pipeline import run_import
from tests.imports.helpers import copy_examples, database_state, edit, import_folder


def _rows(examples: Path, name: str) -> list[dict[str, str]]:
    with (examples / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_example_files_create_every_investigation_and_appeal(tree, addiction_programme, examples):
    report = import_folder(examples, tree.vaxjo)
    assert report.applied, [str(i) for i in report.issues]
    investigations, appeals = (
        _rows(examples, "investigations.csv"),
        _rows(examples, "appeals.csv"),
    )
    assert report.counts["investigations"].created == len(investigations)
    assert report.counts["appeals"].created == len(appeals)
    assert Investigation.objects.count() == len(investigations)
    assert Appeal.objects.count() == len(appeals)
    # Each file row is one record, found by its natural key with the file's values.
    for row in investigations:
        found = Investigation.objects.get(
            case__case_ref=row["case_ref"], started_on=dt.date.fromisoformat(row["started_on"])
        )
        assert (found.outcome, found.extension_reason) == (row["outcome"], row["extension_reason"])
        assert str(found.completed_on or "") == row["completed_on"]
    for row in appeals:
        found_appeal = Appeal.objects.get(
            decision__interventions__intervention_ref=row["intervention_ref"],
            appealed_on=dt.date.fromisoformat(row["appealed_on"]),
            court=row["court"],
        )
        assert (found_appeal.outcome, found_appeal.court_reference) == (
            row["outcome"],
            row["court_reference"],
        )
        assert str(found_appeal.decided_on or "") == row["court_decided_on"]
    # Audited: one change entry per created record.
    assert ChangeEntry.objects.filter(
        object_type=object_type(Investigation), action="create"
    ).count() == len(investigations)
    assert ChangeEntry.objects.filter(object_type=object_type(Appeal), action="create").count() == (
        len(appeals)
    )


def test_reimport_updates_the_matched_records_and_duplicates_nothing(
    tree, addiction_programme, examples, tmp_path
):
    assert import_folder(examples, tree.vaxjo).applied
    state = database_state()
    again = import_folder(examples, tree.vaxjo)
    assert again.applied and database_state() == state  # no new row, no change entry
    assert again.counts["investigations"].unchanged == len(_rows(examples, "investigations.csv"))
    folder = copy_examples(examples, tmp_path)
    edit(
        folder,
        "investigations.csv",
        "AR-2005,2025-04-01,,,,",
        "AR-2005,2025-04-01,2025-05-20,,,rejected",
    )
    edit(
        folder,
        "appeals.csv",
        "IN-3004,2025-08-18,administrative,,,,",
        "IN-3004,2025-08-18,administrative,FR-88-25,2025-10-01,upheld,",
    )
    ids = (
        sorted(Investigation.objects.values_list("pk", flat=True)),
        sorted(Appeal.objects.values_list("pk", flat=True)),
    )
    report = import_folder(folder, tree.vaxjo)
    assert report.applied, [str(i) for i in report.issues]
    assert (report.counts["investigations"].updated, report.counts["investigations"].created) == (
        1,
        0,
    )
    assert (report.counts["appeals"].updated, report.counts["appeals"].created) == (1, 0)
    assert (
        sorted(Investigation.objects.values_list("pk", flat=True)),
        sorted(Appeal.objects.values_list("pk", flat=True)),
    ) == ids
    done = Investigation.objects.get(case__case_ref="AR-2005", started_on=dt.date(2025, 4, 1))
    assert (done.completed_on, done.outcome) == (dt.date(2025, 5, 20), "rejected")
    decided = Appeal.objects.get(decision__interventions__intervention_ref="IN-3004")
    assert (decided.decided_on, decided.outcome, decided.court_reference) == (
        dt.date(2025, 10, 1),
        "upheld",
        "FR-88-25",
    )
    assert ChangeEntry.objects.filter(object_type=object_type(Appeal), action="update").count() == 1


def test_older_import_sets_without_the_files_stay_valid(
    tree, addiction_programme, examples, tmp_path
):
    folder = copy_examples(examples, tmp_path)
    (folder / "investigations.csv").unlink()
    (folder / "appeals.csv").unlink()
    report = import_folder(folder, tree.vaxjo)
    assert report.applied, [str(i) for i in report.issues]
    assert "investigations" not in report.counts and not Investigation.objects.exists()


def test_the_four_month_rule_is_a_flag_not_an_error(tree, addiction_programme, examples, tmp_path):
    folder = copy_examples(examples, tmp_path)
    edit(
        folder,
        "investigations.csv",
        "2025-08-01,2025-06-27,Väntar på utlåtande från beroendevården,",
        "2025-08-01,,,",
    )
    report = import_folder(folder, tree.vaxjo)
    assert report.applied, [str(i) for i in report.issues]
    late = Investigation.objects.get(case__case_ref="AR-2004")
    assert late.extended_on is None and late.completed_on == dt.date(2025, 8, 1)


FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()

BAD = {
    "future_start": (
        "investigations.csv",
        "AR-2005,2025-04-01,",
        f"AR-2005,{FUTURE},",
        7,
        "started_on",
        "The date cannot lie in the future.",
    ),
    "completed_before_started": (
        "investigations.csv",
        "AR-2001,2024-02-01,2024-02-09,",
        "AR-2001,2024-02-01,2024-01-20,",
        2,
        "completed_on",
        "An investigation cannot be completed before it was started.",
    ),
    "investigation_outcome_without_date": (
        "investigations.csv",
        "AR-2002,2024-03-10,2024-03-18,",
        "AR-2002,2024-03-10,,",
        3,
        "completed_on",
        "An outcome needs the date the investigation was completed.",
    ),
    "extension_without_reason": (
        "investigations.csv",
        ",2025-06-27,Väntar på utlåtande från beroendevården,",
        ",2025-06-27,,",
        5,
        "extension_reason",
        "Give the reason for extending the investigation.",
    ),
    "unknown_case": (
        "investigations.csv",
        "AR-2003,2024-05-06,",
        "AR-9999,2024-05-06,",
        4,
        "case_ref",
        "No case with this reference.",
    ),
    "same_investigation_twice": (
        "investigations.csv",
        "AR-2003,2024-05-06,",
        "AR-2002,2024-03-10,",
        4,
        "started_on",
        "Given twice (first in row %(n)s).",
    ),
    "started_before_the_case_opened": (  # checked by the service, in the second pass
        "investigations.csv",
        "AR-2001,2024-02-01,",
        "AR-2001,2024-01-15,",
        2,
        "started_on",
        "An investigation cannot start before the case was opened.",
    ),
    "court_decided_before_appeal": (
        "appeals.csv",
        "administrative,FR-4471-24,2024-08-12,",
        "administrative,FR-4471-24,2024-05-30,",
        2,
        "court_decided_on",
        "The court cannot decide before the decision was appealed.",
    ),
    "appeal_outcome_without_date": (
        "appeals.csv",
        "FR-4471-24,2024-08-12,changed",
        "FR-4471-24,,changed",
        2,
        "court_decided_on",
        "An outcome needs the date the court decided.",
    ),
    "appealed_before_the_decision": (
        "appeals.csv",
        "IN-3003,2024-06-03,",
        "IN-3003,2024-05-10,",
        2,
        "appealed_on",
        "A decision cannot be appealed before it was made.",
    ),
    "future_appeal": (
        "appeals.csv",
        "IN-3004,2025-08-18,",
        f"IN-3004,{FUTURE},",
        4,
        "appealed_on",
        "The date cannot lie in the future.",
    ),
    "unknown_decision": (
        "appeals.csv",
        "IN-3004,2025-08-18,",
        "IN-9999,2025-08-18,",
        4,
        "intervention_ref",
        "No intervention with this reference.",
    ),
    "unknown_court": (
        "appeals.csv",
        "2024-08-30,appeal,",
        "2024-08-30,tingsratt,",
        3,
        "court",
        "%(value)s is not allowed; use %(allowed)s.",
    ),
    "bad_date": (
        "appeals.csv",
        "IN-3004,2025-08-18,",
        "IN-3004,2025-18-08,",
        4,
        "appealed_on",
        "%(value)s is not a date (YYYY-MM-DD).",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_rows_are_named_and_nothing_is_written(
    case, tree, addiction_programme, examples, tmp_path
):
    name, old, new, row, column, message = BAD[case]
    folder = copy_examples(examples, tmp_path)
    edit(folder, name, old, new)
    empty = database_state()
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    found = [i for i in report.issues if (i.file, i.row, i.column) == (name, row, column)]
    assert found, [str(i) for i in report.issues]
    pattern = re.escape(_(message)).replace(re.escape("%(n)s"), r"\d+")
    pattern = re.sub(r"%\\\(\w+\\\)s", ".*", pattern)
    assert any(re.fullmatch(pattern, i.message) for i in found), [i.message for i in found]
    assert database_state() == empty
    assert not Intervention.objects.exists() and not Investigation.objects.exists()


def test_an_intervention_without_a_decision_cannot_be_appealed(
    tree, addiction_programme, examples, tmp_path
):
    folder = copy_examples(examples, tmp_path)
    # IN-3004 loses its decision (no legal basis, no decision date, no execution fields).
    edit(
        folder,
        "interventions.csv",
        "sol2025_assistance,,2025-08-04,2025-08-11,,,12,,,,,hours_week,5,3,,",
        ",,,2025-08-11,,,12,,,,,,,,,",
    )
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    where = {(i.file, i.row, i.column): i.message for i in report.issues}
    assert where[("appeals.csv", 4, "intervention_ref")] == _(
        "The intervention has no decision to appeal."
    )
    assert not Appeal.objects.exists()


def test_workbook_sheets_import_like_the_csv_files(tree, addiction_programme, examples, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in ("clients", "cases", "interventions", "investigations", "appeals"):
        sheet = workbook.create_sheet(name)
        with (examples / f"{name}.csv").open(encoding="utf-8") as fh:
            for i, row in enumerate(csv.reader(fh)):
                sheet.append(
                    [
                        dt.datetime.fromisoformat(v)
                        if i and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)
                        else v
                        for v in row
                    ]
                )
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    report = run_import(read_path(path), municipality=tree.vaxjo, actor=None, dry_run=False)
    assert report.applied, [str(i) for i in report.issues]
    assert report.counts["investigations"].created == len(_rows(examples, "investigations.csv"))
    assert report.counts["appeals"].created == len(_rows(examples, "appeals.csv"))
    # The CSV files then find the same records: nothing new.
    folder = tmp_path / "csv"
    folder.mkdir()
    for name in ("clients", "cases", "interventions", "investigations", "appeals"):
        shutil.copy(examples / f"{name}.csv", folder)
    state = database_state()
    assert import_folder(folder, tree.vaxjo).applied
    assert database_state() == state
