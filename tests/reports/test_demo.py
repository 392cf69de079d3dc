"""The demo's reports: last year's quality report approved and frozen with its files, a draft
for this year, last year's popular version and provider catalogue approved and published;
running the step again adds nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from insyn.reports.models import Report


def test_demo_approves_last_year_and_drafts_this_year(db):
    call_command("demo", "--only", "organisations", "--only", "reports", stdout=StringIO())
    year = timezone.localdate().year
    approved = Report.objects.get(year=year - 1, template_key="default")
    assert approved.is_frozen and approved.approved_by.username == "kvalitet"
    assert approved.narratives["forord_text"].startswith("Kvalitetsberättelsen")
    assert set(approved.files.values_list("format", flat=True)) == {"pdf", "docx", "html"}
    assert not Report.objects.get(year=year).is_frozen
    catalogue = Report.objects.get(year=year - 1, template_key="catalogue")
    assert catalogue.is_frozen and catalogue.template["audience"] == "public"
    assert catalogue.is_published
    call_command("demo", "--only", "reports", stdout=StringIO())
    assert Report.objects.count() == 4


def test_demo_publishes_the_popular_version(db, client):
    from insyn.reports.document import Document

    call_command("demo", "--only", "organisations", "--only", "reports", stdout=StringIO())
    year = timezone.localdate().year - 1
    popular = Report.objects.get(year=year, template_key="popular")
    assert popular.is_frozen and popular.is_published
    doc = Document.from_data(popular.frozen_document)
    response = client.get(f"/public/reports/{doc.municipality_code}/{popular.pk}/")
    assert response.status_code == 200
    assert "fasta telefontider" in response.content.decode()


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
    frozen = Report.objects.get(year=year, template_key="default").frozen_document
    table = _block(frozen, "atgarder")["items"][0]
    done_row = table["rows"][0]  # the action items section: done, then overdue
    assert (done_row[0]["text"], done_row[1]["value"]) == ("Genomförd", done)
    # the improvement-loop and annual-cycle blocks have content for the year, not a message
    for block_id in ("atgarder_under_aret", "utvecklingsomraden_planer", "arshjul"):
        items = _block(frozen, block_id)["items"]
        assert any(i["type"] == "table" for i in items), (block_id, items)
