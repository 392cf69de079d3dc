"""The Open Comparisons workflow of a publication: create, change, and step it through its
explicit state machine. The rows of each step (data checks, results, quick analyses, the
matrix, deep analyses, proposals) are written in services/oj_steps.py.

Who may do what: `handle_quality` on the publication's unit, re-checked inside every
transaction (out of scope is the same 404 as a missing publication).

Concurrency: the publication is the one versioned object. Every write to it or to one of its
rows locks it, checks the version the caller read (`expected_version`) and raises it.

Every write records a change entry, so the unit's auditors see it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.accounts.models import User
from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, check_version, lock_row
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.indicators.models import OjPublication
from insyn.organisations.models import OrgUnit
from insyn.quality.workflow import Transition, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None

S = OjPublication.Status

# data check → received → quick analysis → prioritised → deep analysis → actions → followed up
# → communicated. One step at a time, forwards only; each records its date and who decided.
OJ_FLOW = Workflow(
    gettext_lazy("the publication"),
    {
        "receive": Transition((S.DATA_CHECK,), S.RECEIVED, gettext_lazy("Results received")),
        "finish_quick_analysis": Transition(
            (S.RECEIVED,), S.QUICK_ANALYSIS, gettext_lazy("Quick analysis done")
        ),
        "prioritise": Transition(
            (S.QUICK_ANALYSIS,), S.PRIORITISED, gettext_lazy("Decide the priorities")
        ),
        "finish_deep_analysis": Transition(
            (S.PRIORITISED,), S.DEEP_ANALYSIS, gettext_lazy("Deep analysis done")
        ),
        "decide_actions": Transition(
            (S.DEEP_ANALYSIS,), S.ACTIONS, gettext_lazy("Action plans decided")
        ),
        "follow_up": Transition((S.ACTIONS,), S.FOLLOWED_UP, gettext_lazy("Followed up")),
        "communicate": Transition(
            (S.FOLLOWED_UP,), S.COMMUNICATED, gettext_lazy("Results communicated")
        ),
    },
    dict(S.choices),
)

# the step field prefix each action fills (<prefix>_on, <prefix>_by)
STEP_OF = {
    "receive": "received",
    "finish_quick_analysis": "quick_analysed",
    "prioritise": "prioritised",
    "finish_deep_analysis": "deep_analysed",
    "decide_actions": "actions_decided",
    "follow_up": "followed_up",
    "communicate": "communicated",
}

# which part of the publication may change in which state
PART_STATES: dict[str, tuple[str, ...]] = {
    "data_checks": (S.DATA_CHECK,),
    "reception": (S.DATA_CHECK, S.RECEIVED),
    "results": (S.RECEIVED,),
    "quick_analysis": (S.RECEIVED,),
    "matrix": (S.QUICK_ANALYSIS,),
    "deep_analysis": (S.PRIORITISED,),
    "proposals": (S.DEEP_ANALYSIS, S.ACTIONS),
    "summary": tuple(s for s in S.values if s != S.COMMUNICATED),
}
PART_LABELS = {
    "data_checks": gettext_lazy("The data check"),
    "reception": gettext_lazy("The reception"),
    "results": gettext_lazy("The results"),
    "quick_analysis": gettext_lazy("The quick analysis"),
    "matrix": gettext_lazy("The prioritisation matrix"),
    "deep_analysis": gettext_lazy("The deep analysis"),
    "proposals": gettext_lazy("The improvement proposals"),
    "summary": gettext_lazy("The summary"),
}
SUMMARY_FIELDS = (
    "title",
    "area",
    "follow_up_on",
    "a3_current_state",
    "a3_target_state",
    "a3_causes",
    "a3_actions",
    "a3_follow_up",
    "a3_results",
)
RECEPTION_FIELDS = ("receivers", "press_answers")


def may_change(publication: OjPublication, part: str) -> bool:
    return publication.status in PART_STATES[part]


def check_part(publication: OjPublication, part: str) -> None:
    """A ValidationError saying when `part` may change, unless it may change now."""
    if may_change(publication, part):
        return
    states = ", ".join(f"“{S(s).label}”" for s in PART_STATES[part])
    raise ValidationError(
        _("%(part)s can only be changed at %(states)s; the publication is at “%(now)s”.")
        % {"part": PART_LABELS[part], "states": states, "now": S(publication.status).label},
        code="wrong_step",
    )


def begin(actor: Actor, publication: OjPublication, expected_version: int | None) -> None:
    """Lock the publication, re-check scope on the fresh row, check the caller's version."""
    lock_row(publication)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, publication.unit.path)
    check_version(publication, expected_version)


def touch(publication: OjPublication) -> None:
    """Raise the publication's version after a write to one of its rows."""
    publication.save(update_fields=["updated_at", *bump_version(publication)])


def check_decider(user: Any, publication: OjPublication, field: str = "decided_by") -> User:
    if not isinstance(user, User) or not user.is_active:
        raise ValidationError({field: [_("Choose an active user who decided.")]})
    municipality = publication.municipality
    if not user.memberships.filter(
        org_unit__path__startswith=municipality.path, org_unit__active=True
    ).exists():
        raise ValidationError(
            {field: [_("Who decided must work in %(m)s.") % {"m": municipality.name}]}
        )
    return user


def check_date(value: dt.date | None, field: str = "on") -> dt.date:
    today = timezone.localdate()
    if value is None:
        return today
    if value > today:
        raise ValidationError({field: [_("A step cannot be dated in the future.")]})
    return value


@transaction.atomic
def publication_create(
    *, actor: Actor, unit: OrgUnit, title: str, year: int, area: str
) -> OjPublication:
    """A new publication at the data check before reporting."""
    ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Name the publication, e.g. “ÖJ 2026 Missbruks- och beroendevården”.")]
    if not (area or "").strip():
        errors["area"] = [_("Name the area of the publication.")]
    this_year = timezone.localdate().year
    if not 2007 <= int(year) <= this_year + 1:
        errors["year"] = [
            _("Give a year from 2007 to %(last)s.") % {"last": this_year + 1},
        ]
    if errors:
        raise ValidationError(errors)
    creator = actor if isinstance(actor, User) else None
    if creator is None:
        raise ValidationError(_("A publication is created by a person."))
    publication = OjPublication.objects.create(
        municipality=unit.municipality or unit,
        unit=unit,
        title=title.strip(),
        year=int(year),
        area=area.strip(),
        created_by=creator,
    )
    record_change(actor=actor, action="create", obj=publication)
    return publication


@transaction.atomic
def publication_update(
    *,
    actor: Actor,
    publication: OjPublication,
    expected_version: int | None = None,
    **changes: Any,
) -> OjPublication:
    """Change the reception (while receiving) or the title, follow-up date and A3 summary
    (until the publication is communicated)."""
    unknown = set(changes) - set(SUMMARY_FIELDS) - set(RECEPTION_FIELDS)
    if unknown:
        raise ValidationError(
            _("These cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    begin(actor, publication, expected_version)
    if set(changes) & set(RECEPTION_FIELDS):
        check_part(publication, "reception")
    if set(changes) & set(SUMMARY_FIELDS):
        check_part(publication, "summary")
    for name in ("title", "area"):
        if name in changes and not (changes[name] or "").strip():
            raise ValidationError({name: [_("This field is required.")]})
    before = snapshot(publication)
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(publication, name) != value:
            setattr(publication, name, value)
            changed.append(name)
    if not changed:
        return publication
    publication.save(update_fields=[*changed, "updated_at", *bump_version(publication)])
    record_change(actor=actor, action="update", obj=publication, before=before)
    return publication


def _ready(publication: OjPublication, action: str) -> None:
    """What each step needs before it can be decided (a clear message if it is missing)."""
    if action == "receive" and not publication.data_checks.exists():
        raise ValidationError(_("Record the data check of at least one area first."))
    if action == "finish_quick_analysis":
        if not publication.results.exists():
            raise ValidationError(_("Enter the publication's results first."))
        missing = publication.results.filter(negative=True, quick__isnull=True).count()
        if missing:
            raise ValidationError(
                _("%(n)s negative result(s) still lack a quick analysis.") % {"n": missing}
            )
    if (
        action == "prioritise"
        and not publication.results.filter(priority__priority__isnull=False).exists()
    ):
        raise ValidationError(_("Give at least one row of the matrix a priority first."))
    if (
        action == "finish_deep_analysis"
        and not publication.results.filter(deep__isnull=False).exists()
    ):
        raise ValidationError(_("Record at least one deep analysis first."))
    if (
        action == "decide_actions"
        and not publication.proposals.filter(action_plan__isnull=False).exists()
    ):
        raise ValidationError(_("Turn at least one improvement proposal into an action plan."))
    if action == "follow_up" and not publication.a3_results.strip():
        raise ValidationError(_("Write what the follow-up found (the results) first."))
    if action == "communicate":
        empty = [
            str(getattr(OjPublication._meta.get_field(name), "verbose_name", name))
            for name in ("a3_current_state", "a3_target_state", "a3_causes", "a3_actions")
            if not getattr(publication, name).strip()
        ]
        if empty:
            raise ValidationError(
                _("Complete the summary first: %(fields)s.") % {"fields": ", ".join(empty)}
            )


@transaction.atomic
def publication_transition(
    *,
    actor: Actor,
    publication: OjPublication,
    action: str,
    expected_version: int | None = None,
    on: dt.date | None = None,
    decided_by: User | None = None,
) -> OjPublication:
    """Take the next step: checks the table, the step's preconditions, the date (not in the
    future) and who decided (defaults to the actor), then records both on the publication."""
    begin(actor, publication, expected_version)
    target = OJ_FLOW.check(publication.status, action)
    _ready(publication, action)
    if decided_by is None and isinstance(actor, User):
        decided_by = actor
    decider = check_decider(decided_by, publication)
    day = check_date(on)
    before = snapshot(publication)
    prefix = STEP_OF[action]
    publication.status = target
    setattr(publication, f"{prefix}_on", day)
    setattr(publication, f"{prefix}_by", decider)
    if action == "finish_quick_analysis":
        _open_matrix(actor, publication)
    publication.save(
        update_fields=[
            "status",
            f"{prefix}_on",
            f"{prefix}_by",
            "updated_at",
            *bump_version(publication),
        ]
    )
    record_change(actor=actor, action=action, obj=publication, before=before)
    return publication


def _open_matrix(actor: Actor, publication: OjPublication) -> None:
    """The matrix starts with every negative result the quick analysis did not rule out as
    unimportant (the gross list, “bruttolistan”)."""
    from insyn.indicators.models import OjPriority

    for result in publication.results.filter(negative=True).exclude(quick__important="no"):
        if not OjPriority.objects.filter(result=result).exists():
            row = OjPriority.objects.create(
                result=result, indicator_type=result.indicator.type or ""
            )
            record_change(actor=actor, action="create", obj=row)
