"""Cells an import cannot use are reported by file, row and column, never a crash: a cell
over the CSV reader's old 128 KiB limit, a NUL byte, digits that are not ASCII."""

from __future__ import annotations

from insyn.clients.models import Client
from insyn.imports.formats import MAX_CELL_CHARS
from tests.imports.helpers import copy_examples, database_state, edit, import_folder


def _where(report):
    return [(i.file, i.row, i.column) for i in report.issues]


def test_a_200_kib_cell_is_reported_by_row_and_column(
    tree, addiction_programme, examples, tmp_path, english
):
    folder = copy_examples(examples, tmp_path)
    text = (folder / "cases.csv").read_text(encoding="utf-8")
    (folder / "cases.csv").write_text(
        text.replace(",alcohol,", ',"' + "x" * 200 * 1024 + '",', 1), encoding="utf-8"
    )
    empty = database_state()
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    assert ("cases.csv", 2, "reason") in _where(report)
    message = next(i.message for i in report.issues if i.column == "reason")
    assert message == (f"The cell is too long ({200 * 1024} characters; at most {MAX_CELL_CHARS}).")
    assert database_state() == empty


def test_a_cell_beyond_the_readers_limit_names_the_row(
    tree, addiction_programme, examples, tmp_path, english
):
    folder = copy_examples(examples, tmp_path)
    text = (folder / "cases.csv").read_text(encoding="utf-8")
    (folder / "cases.csv").write_text(
        text.replace(",alcohol,", ',"' + "x" * 9 * 1024 * 1024 + '",', 1), encoding="utf-8"
    )
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied and ("cases.csv", 2, "") in _where(report)
    assert "cannot be read as CSV" in report.issues[0].message
    assert Client.objects.count() == 0


def test_a_nul_in_a_cell_is_reported(tree, addiction_programme, examples, tmp_path, english):
    folder = copy_examples(examples, tmp_path)
    edit(folder, "cases.csv", "AR-2002,KL-1002", "AR-2002\x00,KL-1002")
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied and _where(report) == [("cases.csv", 3, "case_ref")]
    assert report.issues[0].message == (
        "The cell contains control characters (such as a NUL byte)."
    )
    assert Client.objects.count() == 0


def test_unicode_digits_in_a_count_are_reported(
    tree, addiction_programme, examples, tmp_path, english
):
    folder = copy_examples(examples, tmp_path)
    edit(folder, "interventions.csv", "completed,12,11,1", "completed,1²,11,1")
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    assert _where(report) == [("interventions.csv", 2, "sessions_planned")]
    assert Client.objects.count() == 0
