"""`insyn demo` step for reports: Växjö's quality report for the last full year, written,
approved and frozen by the demo quality lead through the real services, and a draft for the
current year. Before that, the lead saves (shared in Växjö) the Analys favourite the default
template's `saved_analysis` block names. The popular version of the last full year is approved
and published on the public pages (/public/reports/0780/), and so is the provider catalogue of
that year. Re-running adds nothing."""

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
from insyn.reports.services import publishing
from insyn.reports.services import reports as services

LEAD = "kvalitet"
# The favourite the default template's block `kunskapsbaserad_fore_efter` names.
FAVOURITE = "Missbruksvård: AUDIT före och efter"
FAVOURITE_PARAMS = {"programme": "missbruk-vuxna", "variable": ["audit"], "compare": "before:after"}
CATALOGUE = "catalogue"  # the provider catalogue (public once approved)
FOREWORD = """Kvalitetsberättelsen beskriver hur socialtjänsten i {{ municipality }} har arbetat med
kvalitet under {{ year }}, vilka åtgärder som har vidtagits och vilka resultat som har uppnåtts.

Andelen unga 13–20 år som inte återkom inom ett år efter avslutad insats var
**{{ indicator:reaktualisering_unga_13_20 }}** ({{ indicator:reaktualisering_unga_13_20:previous }}
året innan). Under året kom {{ quality:complaints_answered.received }} klagomål in.
"""

LEARNED = """Brukarundersökningarna och klagomålen visar vad som fungerar och vad som
behöver bli bättre. Många som hörde av sig tyckte att det var svårt att nå sin handläggare.
"""
WE_DO = """Under {{ next_year }} inför vi fasta telefontider för varje handläggare och svarar på
klagomål inom två veckor. Vi följer upp fler insatser för barn och unga med samma frågor före och
efter, så att vi vet om hjälpen gör skillnad.
"""


def _popular(lead: User, year: int) -> None:
    """The popular version of `year`, texts written, approved and published."""
    aov = unit("AOV")
    report = Report.objects.filter(unit=aov, template_key="popular", year=year).first()
    if report is None:
        report = services.create_draft(actor=lead, unit=aov, template_key="popular", year=year)
        for block_id, markdown in (("larde_oss", LEARNED), ("vi_gor", WE_DO)):
            services.save_narrative(
                actor=lead,
                report=report,
                block_id=block_id,
                markdown=markdown,
                expected_version=report.version,
            )
            report.refresh_from_db()
        services.approve(actor=lead, report=report, expected_version=report.version)
        report.refresh_from_db()
    if report.is_frozen and not report.is_published:
        publishing.publish(actor=lead, report=report, expected_version=report.version)


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
    _popular(lead, year)
    if not Report.objects.filter(unit=aov, template_key="default", year=this_year).exists():
        services.create_draft(actor=lead, unit=aov, template_key="default", year=this_year)
        stdout.write(f"Reports: a draft for {this_year}\n")
    if not Report.objects.filter(unit=aov, template_key=CATALOGUE, year=year).exists():
        catalogue = services.create_draft(actor=lead, unit=aov, template_key=CATALOGUE, year=year)
        services.approve(actor=lead, report=catalogue, expected_version=catalogue.version)
        stdout.write(f"Reports: the provider catalogue {year} approved\n")
    catalogue = Report.objects.get(unit=aov, template_key=CATALOGUE, year=year)
    if catalogue.is_frozen and not catalogue.is_published:
        publishing.publish(actor=lead, report=catalogue, expected_version=catalogue.version)
    return []
