"""Drafts, texts and approval: a frozen report never changes when the data change, the
difference to today's values is listed, approving twice and editing a frozen report are
refused with a message, and everything is in the change log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from insyn.core.models import ChangeEntry
from insyn.indicators.models import IndicatorValue
from insyn.reports import selectors
from insyn.reports.document import Document
from insyn.reports.models import Report
from insyn.reports.services import reports as services
from insyn.reports.services.build import document_for, live_document
from tests.reports import factories as rf


@pytest.fixture
def draft(tree, staff):
    rf.world(tree)
    return services.create_draft(
        actor=staff.quality_lead, unit=tree.aov, template_key="default", year=2024
    )


def _kpi_cells(doc: Document) -> list[str]:
    return [
        row[3].text  # the default template's key figures: 2022, 2023, 2024
        for t in doc.tables()
        for row in t.rows
        if row[0].text.startswith("Ej återaktualiserade vuxna")
    ]


def test_draft_keeps_its_template_and_writes_a_change_entry(draft, tree):
    assert draft.template["key"] == "default" and draft.municipality == tree.vaxjo
    assert ChangeEntry.objects.filter(object_type="reports.report", action="create").exists()


def test_approved_report_is_frozen_against_later_data(draft, staff):
    services.save_narrative(
        actor=staff.quality_lead,
        report=draft,
        block_id="forord_text",
        markdown="Nämndens förord: {{ indicator:U31462 }}.",
        expected_version=draft.version,
    )
    draft.refresh_from_db()
    services.approve(actor=staff.quality_lead, report=draft, expected_version=draft.version)
    report = Report.objects.get(pk=draft.pk)
    frozen = document_for(report, staff.quality_lead)
    assert _kpi_cells(frozen) == ["62,5 %"]
    assert set(report.files.values_list("format", flat=True)) == {"pdf", "docx", "html"}
    pdf_before = bytes(report.files.get(format="pdf").content)

    IndicatorValue.objects.filter(indicator__key=rf.KPI, municipality_id="0780", year=2024).update(
        value=70.0
    )
    again = document_for(Report.objects.get(pk=draft.pk), staff.quality_lead)
    assert again == frozen
    assert bytes(report.files.get(format="pdf").content) == pdf_before
    live = live_document(report, staff.quality_lead)
    diffs = selectors.differences(frozen, live)
    assert any(d.frozen == "62,5 %" and d.live == "70 %" for d in diffs)
    assert frozen.approved_by and frozen.status == "approved"


def test_approving_twice_and_editing_a_frozen_report_are_refused(draft, staff):
    services.approve(actor=staff.quality_lead, report=draft, expected_version=draft.version)
    report = Report.objects.get(pk=draft.pk)
    with pytest.raises(ValidationError, match="redan fastställd"):
        services.approve(actor=staff.quality_lead, report=report, expected_version=report.version)
    with pytest.raises(ValidationError, match="fryst"):
        services.save_narrative(
            actor=staff.quality_lead,
            report=report,
            block_id="forord_text",
            markdown="x",
            expected_version=report.version,
        )
    assert ChangeEntry.objects.filter(object_type="reports.report", action="approve").count() == 1


def test_stale_version_and_unknown_block_change_nothing(draft, staff):
    with pytest.raises(ValidationError):
        services.save_narrative(
            actor=staff.quality_lead,
            report=draft,
            block_id="forord_text",
            markdown="ny",
            expected_version=draft.version + 5,
        )
    with pytest.raises(ValidationError, match="inget textblock"):
        services.save_narrative(
            actor=staff.quality_lead,
            report=draft,
            block_id="ekonomiskt_bistand",  # a table, not a text
            markdown="ny",
            expected_version=draft.version,
        )
    assert Report.objects.get(pk=draft.pk).narratives == {}


def test_out_of_scope_writer_gets_404(draft, staff, tree):
    with pytest.raises(Http404):
        services.create_draft(
            actor=staff.kalmar_admin, unit=tree.aov, template_key="default", year=2024
        )
    with pytest.raises(Http404):
        services.approve(actor=staff.case_worker, report=draft, expected_version=draft.version)
    assert not selectors.reports_for(staff.kalmar_admin).exists()
