"""`insyn demo` step for reports: Växjö's quality report for the last full year, written,
approved and frozen by the demo quality lead through the real services, a draft for the
current year, and the provider catalogue for the last full year, approved. Re-running adds
nothing."""

from __future__ import annotations

from typing import TextIO

from django.utils import timezone

from insyn.accounts.models import User
from insyn.organisations.demo import unit
from insyn.reports.models import Report
from insyn.reports.services import reports as services

LEAD = "kvalitet"
CATALOGUE = "catalogue"  # the provider catalogue (public once approved)
FOREWORD = """Kvalitetsberättelsen beskriver hur socialtjänsten i {{ municipality }} har arbetat med
kvalitet under {{ year }}, vilka åtgärder som har vidtagits och vilka resultat som har uppnåtts.

Andelen unga 13–20 år som inte återkom inom ett år efter avslutad insats var
**{{ indicator:reaktualisering_unga_13_20 }}** ({{ indicator:reaktualisering_unga_13_20:previous }}
året innan). Under året kom {{ quality:complaints_answered.received }} klagomål in.
"""


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    lead = User.objects.filter(username=LEAD).first()
    if lead is None:
        stdout.write("Reports: no demo quality lead (run the organisations step first)\n")
        return []
    aov = unit("AOV")
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
    if not Report.objects.filter(unit=aov, template_key=CATALOGUE, year=year).exists():
        catalogue = services.create_draft(actor=lead, unit=aov, template_key=CATALOGUE, year=year)
        services.approve(actor=lead, report=catalogue, expected_version=catalogue.version)
        stdout.write(f"Reports: the provider catalogue {year} approved\n")
    return []
