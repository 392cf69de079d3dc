"""The journey's date rules hold for the import as for the web and the API (the same services):
each broken rule is reported at its file, row and column with the form's message, and nothing
is written."""

from __future__ import annotations

import datetime as dt

from insyn.clients.models import Case, Intervention
from insyn.core.models import ChangeEntry
from tests.imports.helpers import copy_examples, database_state, edit, import_folder

NEXT_YEAR = (dt.date.today() + dt.timedelta(days=400)).isoformat()


def _issues(report) -> dict[tuple[str, int | None, str], list[str]]:
    found: dict[tuple[str, int | None, str], list[str]] = {}
    for issue in report.issues:
        found.setdefault((issue.file, issue.row, issue.column), []).append(issue.message)
    return found


def test_a_case_opened_before_the_client_was_born(tree, addiction_programme, examples, tmp_path):
    folder = copy_examples(examples, tmp_path)
    edit(
        folder,
        "cases.csv",
        "AR-2003,KL-1003,VUX-OPV,2024-05-06",
        "AR-2003,KL-1003,VUX-OPV,1900-01-01",
    )
    empty = database_state()
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    assert _issues(report)[("cases.csv", 4, "opened_on")] == [
        "Ett ärende kan inte öppnas innan klienten föddes (1990-06-30)."
    ]
    assert database_state() == empty


def test_an_intervention_starting_next_year(tree, addiction_programme, examples, tmp_path):
    folder = copy_examples(examples, tmp_path)
    edit(folder, "interventions.csv", "2025-08-04,2025-08-11", f"2025-08-04,{NEXT_YEAR}")
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    # The row's decision counts as executed on the start day, so it is that date that is
    # refused first, on the same column.
    assert _issues(report)[("interventions.csv", 5, "started_on")] == [
        "Datumet kan inte ligga i framtiden."
    ]
    assert Intervention.objects.count() == 0
    # Without a decision on the row the intervention's own rule speaks.
    edit(folder, "interventions.csv", "sol2025_assistance,,2025-08-04", ",,")
    edit(folder, "interventions.csv", ",hours_week,5,3,,", ",,,,,")
    edit(folder, "appeals.csv", "IN-3004,2025-08-18,administrative,,,,\n", "")
    report = import_folder(folder, tree.vaxjo)
    assert _issues(report)[("interventions.csv", 5, "started_on")] == [
        "En insats kan inte börja i framtiden: registrera den när den har börjat."
    ]


def test_a_before_occasion_25_years_before_its_case(tree, addiction_programme, examples, tmp_path):
    folder = copy_examples(examples, tmp_path)
    for variable in ("audit,22", "problem_days,25"):
        edit(
            folder,
            "measurements.csv",
            f"IN-3003,before,2024-05-27,{variable}",
            f"IN-3003,before,1999-05-27,{variable}",
        )
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    assert _issues(report) == {
        ("measurements.csv", 17, "occurred_on"): [
            "En uppföljning kan inte göras innan ärendet öppnades (2024-05-06)."
        ]
    }


def test_an_intervention_still_running_in_a_closed_case(
    tree, addiction_programme, examples, tmp_path
):
    folder = copy_examples(examples, tmp_path)
    edit(folder, "interventions.csv", "2024-02-19,2024-08-30,completed", "2024-02-19,,")
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    assert _issues(report)[("interventions.csv", 2, "ended_on")] == [
        "Ärendet avslutades 2024-09-30: ange när insatsen avslutades (senast den dagen)."
    ]
    assert Case.objects.count() == 0


def test_a_later_file_cannot_close_a_case_while_its_intervention_runs(
    tree, addiction_programme, examples, tmp_path
):
    assert import_folder(examples, tree.vaxjo).applied
    folder = copy_examples(examples, tmp_path)
    edit(
        folder,
        "cases.csv",
        "2025-03-03,application,alcohol,",
        "2025-03-03,application,alcohol,2025-11-15",
    )
    changes = ChangeEntry.objects.count()
    report = import_folder(folder, tree.vaxjo)
    assert not report.applied
    assert _issues(report) == {
        ("cases.csv", 5, "closed_on"): [
            "Insatsen IN-3004 pågår fortfarande: registrera när den avslutades innan ärendet "
            "avslutas."
        ]
    }
    assert Case.objects.get(case_ref="AR-2004").closed_on is None
    assert ChangeEntry.objects.count() == changes
    # Ending the intervention in the same file lets the case close: the closing is applied
    # after the interventions.
    edit(
        folder, "interventions.csv", "2025-08-11,,,12,,", "2025-08-11,2025-10-31,completed,12,10,2"
    )
    report = import_folder(folder, tree.vaxjo)
    assert report.applied, [str(i) for i in report.issues]
    assert report.counts["cases"].updated == 1 and report.counts["cases"].unchanged == 4
    assert Case.objects.get(case_ref="AR-2004").closed_on == dt.date(2025, 11, 15)
