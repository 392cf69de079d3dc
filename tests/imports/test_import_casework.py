"""The decision's execution columns of interventions.csv: optional (older files stay valid
and keep what insyn holds), checked by the same rules as the form, idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from insyn.clients.models import Decision, Intervention
from tests.imports.helpers import copy_examples, database_state, edit, import_folder

COLUMNS = (
    ",interrupted_on,resumed_on,extent_unit,granted_extent,executed_extent,"
    "ended_unexecuted_on,ended_unexecuted_reason"
)


def _decision(ref: str) -> Decision:
    decision = Intervention.objects.get(intervention_ref=ref).decision
    assert decision is not None
    return decision


def test_example_files_carry_interruption_and_partial_execution(
    tree, addiction_programme, examples
):
    report = import_folder(examples, tree.vaxjo)
    assert report.applied, [str(i) for i in report.issues]
    partly = _decision("IN-3004")
    assert (partly.extent_unit, partly.granted_extent, partly.executed_extent) == (
        "hours_week",
        Decimal(5),
        Decimal(3),
    )
    interrupted = _decision("IN-3005")
    assert interrupted.interrupted_on == dt.date(2025, 1, 20)
    assert interrupted.resumed_on == dt.date(2025, 3, 3)
    state = database_state()
    assert import_folder(examples, tree.vaxjo).applied
    assert database_state() == state


def test_a_file_without_the_columns_keeps_what_insyn_holds(
    tree, addiction_programme, examples, tmp_path
):
    assert import_folder(examples, tree.vaxjo).applied
    folder = copy_examples(examples, tmp_path)
    path = folder / "interventions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    width = len(lines[0].split(","))
    old = ",".join(lines[0].split(",")[: width - 7])
    kept = [old] + [",".join(line.split(",")[: width - 7]) for line in lines[1:]]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    report = import_folder(folder, tree.vaxjo)
    assert report.applied, [str(i) for i in report.issues]
    assert _decision("IN-3005").interrupted_on == dt.date(2025, 1, 20)


def test_bad_execution_values_are_named_and_nothing_is_kept(
    tree, addiction_programme, examples, tmp_path
):
    folder = copy_examples(examples, tmp_path)
    edit(folder, "interventions.csv", ",2025-01-20,2025-03-03,", ",2025-01-20,2025-01-10,")
    edit(folder, "interventions.csv", ",hours_week,5,3,", ",hours_week,5,7,")
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    where = {(i.file, i.row, i.column) for i in report.issues}
    assert ("interventions.csv", 6, "resumed_on") in where, where
    assert ("interventions.csv", 5, "executed_extent") in where, where
    assert not Intervention.objects.exists()
