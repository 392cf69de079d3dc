"""`insyn demo` step for reports: Växjö's quality report for the last full year, written,
approved and frozen by the demo quality lead through the real services, and a draft for the
current year. Before that, the lead saves (shared in Växjö) the Analys favourite the default
template's `saved_analysis` block names. Re-running adds nothing."""

from __future__ import annotations

from typing import TextIO

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from insyn.accounts.models import User
from insyn.analytics import services as analytics_services
from insyn.analytics.models import SavedAnalysis
from insyn.organisations.demo import unit
from insyn.reports.models import Report
from insyn.reports.services import reports as services

LEAD = "kvalitet"
# The favourite the default template's block `kunskapsbaserad_fore_efter` names.
FAVOURITE = "Missbruksvård: AUDIT före och efter"
FAVOURITE_PARAMS = {"programme": "missbruk-vuxna", "variable": ["audit"], "compare": "before:after"}
FOREWORD = """Kvalitetsberättelsen beskriver hur socialtjänsten i {{ municipality }} har arbetat med
kvalitet under {{ year }}, vilka åtgärder som har vidtagits och vilka resultat som har uppnåtts.

Andelen unga 13–20 år som inte återkom inom ett år efter avslutad insats var
**{{ indicator:reaktualisering_unga_13_20 }}** ({{ indicator:reaktualisering_unga_13_20:previous }}
året innan). Under året kom {{ quality:complaints_answered.received }} klagomål in.
"""


def _favourite(lead: User, stdout: TextIO) -> None:
    """The before/after favourite, saved through the Analys page's service (which checks that
    the programme and variable exist: without the follow-up demo the block says it is missing)."""
    if SavedAnalysis.objects.filter(owner=lead, name=FAVOURITE).exists():
        return
    try:
        analytics_services.saved_analysis_create(
            actor=lead, name=FAVOURITE, params=FAVOURITE_PARAMS, shared=True
        )
    except (ValidationError, Http404) as exc:
        stdout.write(f"Reports: no demo favourite ({' '.join(getattr(exc, 'messages', []))})\n")
        return
    stdout.write(f"Reports: the shared favourite “{FAVOURITE}”\n")


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    lead = User.objects.filter(username=LEAD).first()
    if lead is None:
        stdout.write("Reports: no demo quality lead (run the organisations step first)\n")
        return []
    aov = unit("AOV")
    _favourite(lead, stdout)
    this_year = timezone.localdate().year
    year = this_year - 1
    approved = Report.objects.filter(unit=aov, template_key="default", year=year).first()
    if approved is None:
        approved = services.create_draft(actor=lead, unit=aov, template_key="default", year=year)
        services.save_narrative(
            actor=lead,
            report=approved,
            block_id="forord_text",
            markdown=FOREWORD,
            expected_version=approved.version,
        )
        approved.refresh_from_db()
        services.approve(actor=lead, report=approved, expected_version=approved.version)
        stdout.write(f"Reports: the quality report {year} approved and frozen\n")
    if not Report.objects.filter(unit=aov, template_key="default", year=this_year).exists():
        services.create_draft(actor=lead, unit=aov, template_key="default", year=this_year)
        stdout.write(f"Reports: a draft for {this_year}\n")
    return []
