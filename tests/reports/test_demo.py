"""The demo's reports: last year's quality report approved and frozen with its files, a draft
for this year; running the step again adds nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from insyn.reports.models import Report


def test_demo_approves_last_year_and_drafts_this_year(db):
    call_command("demo", "--only", "organisations", "--only", "reports", stdout=StringIO())
    year = timezone.localdate().year
    approved = Report.objects.get(year=year - 1)
    assert approved.is_frozen and approved.approved_by.username == "kvalitet"
    assert approved.narratives["forord_text"].startswith("Kvalitetsberättelsen")
    assert set(approved.files.values_list("format", flat=True)) == {"pdf", "docx", "html"}
    assert not Report.objects.get(year=year).is_frozen
    call_command("demo", "--only", "reports", stdout=StringIO())
    assert Report.objects.count() == 2


def _block(document: dict, block_id: str) -> dict:
    return next(
        b for chapter in document["chapters"] for b in chapter["blocks"] if b["id"] == block_id
    )


def test_demo_report_of_last_year_has_the_years_measures(db):
    """The quality step gives last year action plans, so the approved report counts them."""
    from insyn.quality.models import ActionItem, CycleTask

    steps = ["--only", "organisations", "--only", "quality", "--only", "reports"]
    call_command("demo", *steps, stdout=StringIO())
    year = timezone.localdate().year - 1
    done = ActionItem.objects.filter(status="done", done_on__year=year).count()
    assert done >= 5
    assert CycleTask.objects.filter(year=year, status="done", done_on__year=year).exists()
    table = _block(Report.objects.get(year=year).frozen_document, "atgarder")["items"][0]
    done_row = table["rows"][0]  # the action items section: done, then overdue
    assert (done_row[0]["text"], done_row[1]["value"]) == ("Genomförd", done)
