"""Control rounds: create, draw the sample, assign reviewers, record reviews, complete.

Who may do what: creating, drawing, assigning and completing a round needs `handle_quality`
on the round's unit; a review is recorded by the case's assigned reviewer (or second
reviewer), who must have `view_individual` on the case's unit, since a review reads the file.

The draw is reproducible: the population (cases of the chosen units' subtrees active in the
period) is sorted by case id, then `random.Random(seed).sample` picks the cases; the seed and
the drawn cases (in draw order) are stored. A sample at least as large as the population takes
every case and says so. Mode "all" takes every case.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insyn.accounts.models import User
from insyn.clients.models import Case
from insyn.core.audit import record_change, snapshot
from insyn.core.concurrency import bump_version, check_version, lock_row
from insyn.core.roles import Action
from insyn.core.scoping import path_in_scope
from insyn.core.services import ensure_in_scope
from insyn.organisations.models import OrgUnit
from insyn.quality.models import ControlCase, ControlRound, ReviewAnswer, ReviewTemplate
from insyn.quality.selectors import control_rules
from insyn.quality.workflow import Transition, Workflow

St = ControlRound.State
A = ReviewAnswer.Answer
MAX_SEED = 2**31 - 1

# planned → drawn → in review → completed; nothing leaves completed.
ROUND_FLOW = Workflow(
    gettext_lazy("the control round"),
    {
        "draw": Transition((St.PLANNED,), St.DRAWN, gettext_lazy("Draw the sample")),
        "start_review": Transition((St.DRAWN,), St.IN_REVIEW, gettext_lazy("Start the review")),
        "complete": Transition((St.IN_REVIEW,), St.COMPLETED, gettext_lazy("Complete the round")),
    },
    dict(St.choices),
)


@dataclass
class DrawResult:
    round: ControlRound
    drawn: int
    population: int
    messages: list[str] = field(default_factory=list)


def new_seed() -> int:
    return random.SystemRandom().randint(1, MAX_SEED)


def _blank(value: str | None) -> bool:
    return not (value or "").strip()


@transaction.atomic
def control_round_create(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    template: ReviewTemplate,
    units: list[OrgUnit],
    period_start: dt.date | None,
    period_end: dt.date | None,
    mode: str = ControlRound.Mode.SAMPLE,
    sample_size: int | None = None,
    seed: int | None = None,
    prevent_own_cases: bool = True,
    second_review_share: int = 0,
    due_on: dt.date | None = None,
    created_by: User | None = None,
) -> ControlRound:
    """A planned round. An empty seed is generated here (and shown), so the draw can be redone."""
    ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
    municipality = unit.municipality or unit
    if period_start is None or period_end is None:
        raise ValidationError({"period_end": [_("Give the period.")]})
    errors: dict[str, list[str]] = {}
    if _blank(title):
        errors["title"] = [_("Give the round a title.")]
    if not template.active or template.municipality_id not in (None, municipality.pk):
        errors["template"] = [_("Choose an active template.")]
    if not units:
        errors["units"] = [_("Choose at least one unit to review.")]
    elif any(not u.path.startswith(municipality.path) for u in units):
        errors["units"] = [_("The units must belong to %(m)s.") % {"m": municipality.name}]
    if period_end < period_start:
        errors["period_end"] = [_("The period ends before it starts.")]
    if mode not in ControlRound.Mode.values:
        errors["mode"] = [_("Choose a selection.")]
    elif mode == ControlRound.Mode.SAMPLE and (sample_size is None or sample_size < 1):
        errors["sample_size"] = [_("Give a sample size of at least one case.")]
    if seed is not None and not 0 <= seed <= MAX_SEED:
        errors["seed"] = [_("The seed must be between 0 and %(max)s.") % {"max": MAX_SEED}]
    if not 0 <= second_review_share <= 100:
        errors["second_review_share"] = [_("Give a share between 0 and 100.")]
    if errors:
        raise ValidationError(errors)
    creator = actor if isinstance(actor, User) else created_by
    if creator is None:
        raise ValidationError(_("A control round needs a creator."))
    round_ = ControlRound.objects.create(
        municipality=municipality,
        unit=unit,
        title=title.strip(),
        template=template,
        mode=mode,
        period_start=period_start,
        period_end=period_end,
        sample_size=sample_size if mode == ControlRound.Mode.SAMPLE else None,
        seed=new_seed() if seed is None else seed,
        prevent_own_cases=prevent_own_cases,
        second_review_share=second_review_share,
        due_on=due_on,
        created_by=creator,
    )
    round_.units.set(units)
    record_change(actor=actor, action="create", obj=round_)
    return round_


def population(round_: ControlRound) -> QuerySet[Case]:
    """Cases of the chosen units' subtrees active in the period, in a stable order (id)."""
    in_units = Q()
    for unit in round_.units.all():
        in_units |= Q(unit__path__startswith=unit.path)
    if not in_units:
        return Case.objects.none()
    return (
        Case.objects.filter(in_units)
        .filter(opened_on__lte=round_.period_end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=round_.period_start))
        .order_by("pk")
    )


def draw_sample(case_ids: list[int], size: int | None, seed: int) -> list[int]:
    """The drawn ids in draw order: `size` of the sorted ids, by `random.Random(seed)`."""
    ordered = sorted(case_ids)
    if size is None or size >= len(ordered):
        size = len(ordered)
    return random.Random(seed).sample(ordered, size)  # noqa: S311 (reproducible, not secret)


@transaction.atomic
def control_round_draw(
    *,
    actor: Any,
    round_: ControlRound,
    seed: int | None = None,
    expected_version: int | None = None,
) -> DrawResult:
    """Draw the cases (planned → drawn). `seed` replaces the stored one before drawing."""
    lock_row(round_)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, round_.unit.path)
    check_version(round_, expected_version)
    target = ROUND_FLOW.check(round_.state, "draw")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise ValidationError(
            {"seed": [_("The seed must be between 0 and %(max)s.") % {"max": MAX_SEED}]}
        )
    before = snapshot(round_)
    if seed is not None:
        round_.seed = seed
    if round_.seed is None:
        round_.seed = new_seed()
    ids = list(population(round_).values_list("pk", flat=True))
    messages: list[str] = []
    if not ids:
        raise ValidationError(_("There are no cases in the chosen units and period."))
    size = round_.sample_size if round_.mode == ControlRound.Mode.SAMPLE else None
    if size is not None and size >= len(ids):
        messages.append(
            _(
                "The sample (%(size)s) is not smaller than the population (%(n)s): "
                "every case was taken."
            )
            % {"size": size, "n": len(ids)}
        )
    drawn = draw_sample(ids, size, round_.seed)
    ControlCase.objects.bulk_create(
        ControlCase(round=round_, case_id=case_id, draw_order=n)
        for n, case_id in enumerate(drawn, start=1)
    )
    round_.population_size = len(ids)
    round_.state = target
    round_.drawn_at = timezone.now()
    round_.save(
        update_fields=[
            "seed",
            "population_size",
            "state",
            "drawn_at",
            "updated_at",
            *bump_version(round_),
        ]
    )
    record_change(actor=actor, action="draw", obj=round_, before=before)
    return DrawResult(round_, len(drawn), len(ids), messages)


def _may_review(user: User, case: Case) -> bool:
    user.__dict__.pop("_insyn_granted_paths", None)
    return user.is_active and path_in_scope(user, Action.VIEW_INDIVIDUAL, case.unit.path)


@transaction.atomic
def control_round_assign(
    *, actor: Any, round_: ControlRound, reviewers: list[User], expected_version: int | None = None
) -> ControlRound:
    """Round-robin over `reviewers` (by id) in draw order, skipping anyone who may not read the
    case or (when prevented) is its case worker; the first `second_review_share`% of the drawn
    cases get a second reviewer, another person under the same rules."""
    lock_row(round_)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, round_.unit.path)
    check_version(round_, expected_version)
    if round_.state not in (St.DRAWN, St.IN_REVIEW):
        raise ValidationError(
            _("Reviewers are assigned after the draw, before the round is completed.")
        )
    people = sorted({u.pk: u for u in reviewers}.values(), key=lambda u: u.pk)
    if not people:
        raise ValidationError({"reviewers": [_("Choose at least one reviewer.")]})
    cases = list(round_.cases.select_related("case__unit").order_by("draw_order"))
    doubles = round(len(cases) * round_.second_review_share / 100)
    turn = 0
    problems: list[str] = []

    def pick(case: Case, not_: User | None) -> User | None:
        nonlocal turn
        for step in range(len(people)):
            user = people[(turn + step) % len(people)]
            if user == not_ or not _may_review(user, case):
                continue
            if round_.prevent_own_cases and case.case_worker_id == user.pk:
                continue
            turn = (turn + step + 1) % len(people)
            return user
        return None

    for n, cc in enumerate(cases):
        first = pick(cc.case, None)
        if first is None:
            problems.append(
                _("No chosen reviewer may review case %(ref)s (own case or no access).")
                % {"ref": cc.case.case_ref}
            )
            continue
        second = pick(cc.case, first) if n < doubles else None
        if n < doubles and second is None:
            problems.append(
                _("Case %(ref)s needs a second reviewer; no other chosen one may review it.")
                % {"ref": cc.case.case_ref}
            )
            continue
        cc.reviewer, cc.second_reviewer = first, second
    if problems:
        raise ValidationError({"reviewers": problems})
    for cc in cases:
        cc.save(update_fields=["reviewer", "second_reviewer", *bump_version(cc)])
    before = snapshot(round_)
    round_.save(update_fields=["updated_at", *bump_version(round_)])
    record_change(actor=actor, action="assign", obj=round_, before=before)
    return round_


@transaction.atomic
def control_round_transition(
    *,
    actor: Any,
    round_: ControlRound,
    action: str,
    summary: str = "",
    expected_version: int | None = None,
) -> ControlRound:
    """Start the review (every case has a reviewer) or complete the round (every assigned
    review recorded)."""
    lock_row(round_)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, round_.unit.path)
    check_version(round_, expected_version)
    if action == "draw":
        raise ValidationError(_("Use the draw for this step."))
    target = ROUND_FLOW.check(round_.state, action)
    if action == "start_review" and round_.cases.filter(reviewer__isnull=True).exists():
        raise ValidationError(_("Assign a reviewer to every case first."))
    if action == "complete":
        missing = [
            cc.case.case_ref for cc in round_.cases.select_related("case") if not review_done(cc)
        ]
        if missing:
            raise ValidationError(
                _("These cases are not yet reviewed: %(refs)s.") % {"refs": ", ".join(missing)}
            )
    before = snapshot(round_)
    round_.state = target
    fields = ["state", "updated_at"]
    if action == "complete":
        round_.completed_on = timezone.localdate()
        round_.summary = (summary or "").strip()
        fields += ["completed_on", "summary"]
    round_.save(update_fields=[*fields, *bump_version(round_)])
    record_change(actor=actor, action=action, obj=round_, before=before)
    return round_


def review_done(cc: ControlCase) -> bool:
    """Every assigned reviewer answered every criterion."""
    n = cc.round.template.criteria.count()
    for person in (cc.reviewer, cc.second_reviewer):
        if person is not None and cc.answers.filter(reviewer=person).count() < n:
            return False
    return True


def prefilled(cc: ControlCase, today: dt.date | None = None) -> dict[int, control_rules.RuleResult]:
    """The data's answers for the round's data-rule criteria ({criterion id: result})."""
    day = today or timezone.localdate()
    found = {}
    for criterion in cc.round.template.criteria.exclude(data_rule=""):
        result = control_rules.apply(criterion, cc.case, day)
        if result is not None:
            found[criterion.pk] = result
    return found


@transaction.atomic
def control_review_save(
    *,
    actor: User,
    control_case: ControlCase,
    answers: dict[int, tuple[str, str]],
    expected_version: int | None = None,
) -> ControlCase:
    """Record `actor`'s answers ({criterion id: (answer, comment)}) for every criterion."""
    cc = lock_row(control_case)
    round_ = cc.round
    if actor.pk not in (cc.reviewer_id, cc.second_reviewer_id):
        raise ValidationError(_("You are not a reviewer of this case."))
    ensure_in_scope(actor, Action.VIEW_INDIVIDUAL, cc.case.unit.path)
    check_version(cc, expected_version)
    if round_.state != St.IN_REVIEW:
        raise ValidationError(_("Reviews are recorded while the round is in review."))
    errors: dict[str, list[str]] = {}
    criteria = list(round_.template.criteria.all())
    for c in criteria:
        answer = answers.get(c.pk, ("", ""))[0]
        if answer not in A.values:
            errors[f"c{c.pk}"] = [_("Answer this criterion.")]
        elif answer == A.PARTLY and not c.allow_partly:
            errors[f"c{c.pk}"] = [_("“Partly” is not an answer to this criterion.")]
    if errors:
        raise ValidationError(errors)
    data = prefilled(cc)
    for c in criteria:
        answer, comment = answers[c.pk]
        rule = data.get(c.pk)
        ReviewAnswer.objects.update_or_create(
            control_case=cc,
            criterion=c,
            reviewer=actor,
            defaults={
                "answer": answer,
                "comment": (comment or "").strip(),
                "prefilled": rule is not None and rule.answer == answer,
            },
        )
    before = snapshot(cc)
    if actor.pk == cc.reviewer_id:
        cc.reviewed_at = timezone.now()
    cc.save(update_fields=["reviewed_at", *bump_version(cc)])
    record_change(actor=actor, action="review", obj=cc, before=before)
    return cc
