"""The notification of a serious maladministration to IVO, as PDF and as DOCX.

Both documents are drawn from one structure (`ivo_notification`), in the order of the
questions IVO's lex Sarah form asks: who the provider is, which unit, who to contact, what
happened and when, the maladministration and its consequences for the person(s), why it is
serious, the measures, whether the person concerned and relatives were informed and what
they think, how the investigation goes on, and the provisions (from the LegalReference
catalogue, in both numberings). A field the system does not know says so rather than
disappearing, so the officer sees what to complete before sending.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.quality.models import LegalReference, LexSarahReport

LEX_SARAH_TOPICS = (
    LegalReference.Topic.LEX_SARAH_DUTY,
    LegalReference.Topic.LEX_SARAH_INVESTIGATION,
    LegalReference.Topic.LEX_SARAH_IVO,
)


@dataclass(frozen=True)
class IvoField:
    label: str
    value: str


@dataclass(frozen=True)
class IvoSection:
    title: str
    fields: tuple[IvoField, ...]


@dataclass(frozen=True)
class IvoNotification:
    title: str
    subtitle: str
    sections: tuple[IvoSection, ...]
    created_on: dt.date

    def values(self) -> list[str]:
        """Every field's value (what tests look for in the generated text)."""
        return [f.value for s in self.sections for f in s.fields]


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else _("Not recorded")


def _text(value: str) -> str:
    return value.strip() or _("Not recorded")


def _own_org_number(report: LexSarahReport) -> str:
    from insyn.clients.models import Provider

    found = (
        Provider.objects.filter(municipality=report.municipality, kind=Provider.Kind.OWN)
        .exclude(org_number="")
        .values_list("org_number", flat=True)
        .first()
    )
    return found or _("Not recorded in Insyn")


def legal_reference_lines() -> list[str]:
    """The lex Sarah provisions with both numberings: "SoL 14 kap. 7 § (SFS 2001:453) / SFS
    2025:400"; a paragraph the catalogue leaves empty is named as such."""
    lines = []
    for ref in LegalReference.objects.filter(topic__in=LEX_SARAH_TOPICS, active=True):
        old = " ".join(p for p in (ref.paragraph_old, f"({ref.statute_old})") if p.strip("()"))
        new_paragraph = ref.paragraph_new or _("paragraph not given in the catalogue")
        new = f"{new_paragraph} ({ref.statute_new})" if ref.statute_new else ""
        numbering = (
            _("until 30 June 2025: %(old)s; from 1 July 2025: %(new)s") % {"old": old, "new": new}
            if new
            else old
        )
        lines.append(f"{ref.name}: {ref.law} {numbering}")
    return lines


def _informed(on: dt.date | None, views: str) -> str:
    if on is None:
        return _("Not informed yet")
    return _("Informed on %(date)s. Views: %(views)s") % {
        "date": on.isoformat(),
        "views": views.strip() or _("none given"),
    }


def ivo_notification(report: LexSarahReport) -> IvoNotification:
    """The notification's content for `report` (which must be assessed as serious; the
    caller checks visibility)."""
    unit = report.unit
    administration = unit.ancestors().filter(kind="administration").first()
    contact = report.officer
    contact_text = (
        f"{contact.get_full_name() or contact.get_username()}, {contact.email}".strip(", ")
        if contact
        else _("Not recorded")
    )
    measures = report.measures_text
    if report.immediate_action:
        measures = _("Immediate action (%(date)s): %(action)s") % {
            "date": _date(report.immediate_action_on),
            "action": report.immediate_action,
        } + (f"\n{measures}" if measures else "")
    sections = (
        IvoSection(
            _("Care provider (huvudman)"),
            (
                IvoField(_("Municipality (provider)"), report.municipality.name),
                IvoField(_("Organisation number"), _own_org_number(report)),
                IvoField(
                    _("Committee or administration"),
                    administration.name if administration else _("Not recorded"),
                ),
            ),
        ),
        IvoSection(
            _("The unit concerned"),
            (
                IvoField(_("Unit"), unit.name),
                IvoField(_("Street address, postcode and town"), _("Not recorded in Insyn")),
            ),
        ),
        IvoSection(
            _("Contact person"),
            (IvoField(_("Responsible officer"), contact_text),),
        ),
        IvoSection(
            _("The report"),
            (
                IvoField(_("Diary number"), report.diary_number or _("Not registered")),
                IvoField(_("Kind"), str(report.get_kind_display())),
                IvoField(_("Reported on"), timezone.localdate(report.reported_at).isoformat()),
                IvoField(_("When it happened"), _date(report.occurred_on)),
                IvoField(_("What happened"), _text(report.description)),
            ),
        ),
        IvoSection(
            _("The maladministration and its consequences"),
            (
                IvoField(_("The maladministration"), _text(report.investigation_what)),
                IvoField(_("Consequences for the person(s) concerned"), _text(report.consequences)),
                IvoField(_("Why it happened"), _text(report.investigation_why)),
            ),
        ),
        IvoSection(
            _("Why it is serious"),
            (
                IvoField(_("Seriousness decided on"), _date(report.seriousness_decided_on)),
                IvoField(_("Reasons for the assessment"), _text(report.seriousness_reasons)),
            ),
        ),
        IvoSection(
            _("Measures taken and planned"),
            (
                IvoField(_("Measures"), _text(measures)),
                IvoField(_("How it is prevented"), _text(report.investigation_prevention)),
            ),
        ),
        IvoSection(
            _("The person concerned and relatives"),
            (
                IvoField(
                    _("The person concerned"),
                    _informed(report.affected_informed_on, report.affected_views),
                ),
                IvoField(
                    _("Relatives"), _informed(report.relatives_informed_on, report.relatives_views)
                ),
            ),
        ),
        IvoSection(
            _("The investigation"),
            (
                IvoField(_("Investigation started on"), _date(report.investigation_started_on)),
                IvoField(
                    _("How the investigation goes on"),
                    _text(report.investigation_continuation),
                ),
            ),
        ),
        IvoSection(
            _("Provisions"),
            tuple(IvoField(_("Provision"), line) for line in legal_reference_lines()),
        ),
    )
    return IvoNotification(
        title=_("Notification of a serious maladministration (lex Sarah)"),
        subtitle=_("To the Health and Social Care Inspectorate (IVO)"),
        sections=sections,
        created_on=timezone.localdate(),
    )


def render_pdf(notification: IvoNotification) -> bytes:
    """The notification as PDF (WeasyPrint: HTML and CSS, no network; the fonts of the OS)."""
    from weasyprint import HTML

    html = render_to_string("quality/lex_sarah/ivo_notification.html", {"doc": notification})
    return bytes(HTML(string=html).write_pdf())


def render_docx(notification: IvoNotification) -> bytes:
    """The notification as DOCX, for an officer who completes it in a word processor."""
    from docx import Document

    document = Document()
    document.add_heading(notification.title, level=0)
    document.add_paragraph(notification.subtitle)
    for section in notification.sections:
        document.add_heading(section.title, level=1)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for field in section.fields:
            cells = table.add_row().cells
            cells[0].text = field.label
            cells[1].text = field.value
    document.add_paragraph(_("Created on %(date)s in Insyn.") % {"date": notification.created_on})
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
