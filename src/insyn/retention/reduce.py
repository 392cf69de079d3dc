"""What a due record loses (docs/retention.md has the same table in words).

Records that compiled figures are built from stay as rows and are *reduced*: identity links
(person key, encrypted identity number, contact details, references that name a person) and
free text go; dates, codes, numbers, sex and the birth year stay, so analysis over past years
still runs on them. Rows that nothing is compiled from (invitations, uploaded files) are
*removed*. Updates are bulk `update()`s: no `save()`, no per-row change entry (a change entry
with the before-values would copy the very data being removed into the audit trail); the run
leaves one entry with counts instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from insyn.analytics.cache import bump_client
from insyn.clients.models import Appeal, Case, Client, Decision, Intervention, Investigation
from insyn.followup.models import Goal, Occasion
from insyn.followup.models import Value as FollowupValue
from insyn.imports.models import ImportBatch
from insyn.quality.models import Complaint, Deviation, LexSarahReport
from insyn.quality.models.control import ReviewAnswer
from insyn.retention.models import Kind
from insyn.surveys.models import Answer, Invitation, Response

# Clients keep the middle of their birth year: ages stay right to within half a year.
KEPT_BIRTH_MONTH_DAY = (7, 1)


def _ref(prefix: str) -> Concat:
    return Concat(Value(prefix), Cast("pk", CharField()))


def reduce_clients(ids: list[int]) -> None:
    """Client: keeps sex and birth year (as 1 July); loses person key, encrypted identity
    number and its reference (replaced by G<id>). Its cases keep their dates and codes and lose
    their reference; every free text under them goes (comments, notes, goals' text, text
    values), numbers, options and dates of the follow-up stay."""
    rows = Client.objects.filter(pk__in=ids)
    by_year: dict[int, list[int]] = {}
    for pk, born in rows.values_list("pk", "birth_date"):
        by_year.setdefault(born.year, []).append(pk)
    month, day = KEPT_BIRTH_MONTH_DAY
    for year, pks in by_year.items():
        Client.objects.filter(pk__in=pks).update(birth_date=dt.date(year, month, day))
    rows.update(person_key="", personnummer_encrypted="", client_ref=_ref("G"))
    cases = Case.objects.filter(client_id__in=ids)
    cases.update(case_ref=_ref("G"))
    Decision.objects.filter(case__in=cases).update(comment="")
    Intervention.objects.filter(case__in=cases).update(comment="")
    Investigation.objects.filter(case__in=cases).update(extension_reason="")
    Appeal.objects.filter(decision__case__in=cases).update(comment="", court_reference="")
    occasions = Occasion.objects.filter(enrollment__client_id__in=ids)
    occasions.update(note="")
    FollowupValue.objects.filter(occasion__in=occasions).exclude(text="").update(text="")
    Goal.objects.filter(enrollment__client_id__in=ids).update(text="")
    for pk in ids:
        bump_client(pk)


def reduce_responses(ids: list[int]) -> None:
    """Response: keeps mode, role, dates, age, scores and chosen options; loses its note and
    every free-text answer."""
    Response.objects.filter(pk__in=ids).update(note="")
    Answer.objects.filter(response_id__in=ids).exclude(text="").update(text="")


def remove_invitations(ids: list[int]) -> None:
    """Invitation (with its tokens, scheduled messages and their log): removed; the response
    it led to stays under its own rule."""
    Invitation.objects.filter(pk__in=ids).delete()


def reduce_deviations(ids: list[int]) -> None:
    """Deviation: keeps category, unit, dates, state and flags; loses the client and case link
    and every free text."""
    Deviation.objects.filter(pk__in=ids).update(
        client=None,
        case=None,
        description="",
        immediate_measures="",
        dpa_not_notified_reason="",
        investigation_facts="",
        cause_text="",
        consequences="",
        measures_text="",
        feedback="",
    )


def reduce_complaints(ids: list[int]) -> None:
    """Complaint: keeps kind, channel, theme, dates and state; loses contact details, the
    client link and every free text."""
    Complaint.objects.filter(pk__in=ids).update(
        client=None,
        contact_name="",
        contact_email="",
        contact_phone="",
        text="",
        investigation="",
        answer_text="",
    )


def reduce_lex_sarah(ids: list[int]) -> None:
    """Lex Sarah report: keeps kind, dates, seriousness, IVO dates and references; loses the
    client link and every free text."""
    LexSarahReport.objects.filter(pk__in=ids).update(
        client=None,
        description="",
        immediate_action="",
        investigation_what="",
        investigation_why="",
        investigation_prevention="",
        consequences="",
        investigation_continuation="",
        non_case_position="",
        measures_text="",
        seriousness_reasons="",
        affected_views="",
        relatives_views="",
    )


def reduce_reviews(ids: list[int]) -> None:
    """Case-file review (one drawn case): keeps the answers (yes/partly/no); loses the
    reviewers' comments. The link to the case stays (the case is reduced by the client rule)."""
    ReviewAnswer.objects.filter(control_case_id__in=ids).exclude(comment="").update(comment="")


def remove_uploads(ids: list[int]) -> None:
    """Uploaded import (files, encrypted chunks, validation report): removed."""
    ImportBatch.objects.filter(pk__in=ids).delete()


REDUCERS: dict[str, Callable[[list[int]], None]] = {
    Kind.CLIENT: reduce_clients,
    Kind.RESPONSE: reduce_responses,
    Kind.INVITATION: remove_invitations,
    Kind.DEVIATION: reduce_deviations,
    Kind.COMPLAINT: reduce_complaints,
    Kind.LEX_SARAH: reduce_lex_sarah,
    Kind.REVIEW: reduce_reviews,
    Kind.UPLOAD: remove_uploads,
}
