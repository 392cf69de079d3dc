"""`insyn demo`: internal control in Växjö through the real services — a completed round of
last year with answers (some criteria not met, one turned into an action item, one case
reviewed twice) and a round of this year in review.

Idempotent: a round whose title exists in its unit is left alone. Without demo cases in the
units (the clients step not run) nothing is made and it says so."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from insyn.accounts.models import User
from insyn.organisations.demo import unit as demo_unit
from insyn.quality.models import ControlRound, ReviewAnswer, ReviewTemplate
from insyn.quality.services import control as services
from insyn.quality.services import control_findings as findings
from insyn.quality.services.control_templates import ensure_shipped_templates

REVIEWERS = ("kvalitet", "enhetschef")
UNIT = "AOV"


def _answers(rng: random.Random, cc: Any) -> dict[int, tuple[str, str]]:
    """Mostly yes, some no/partly (data-rule criteria from the data), fixed by the seed."""
    pre = services.prefilled(cc)
    given: dict[int, tuple[str, str]] = {}
    for c in cc.round.template.criteria.all():
        if c.pk in pre:
            given[c.pk] = (pre[c.pk].answer, "")
            continue
        roll = rng.random()
        if roll < 0.18:
            given[c.pk] = ("no", "Saknas i akten.")
        elif roll < 0.26 and c.allow_partly:
            given[c.pk] = ("partly", "Delvis dokumenterat.")
        elif roll < 0.32:
            given[c.pk] = ("na", "")
        else:
            given[c.pk] = ("yes", "")
    return given


def _round(
    title: str, start: dt.date, end: dt.date, seed: int, lead: User, **kwargs: Any
) -> ControlRound | None:
    unit = demo_unit(UNIT)
    existing = ControlRound.objects.filter(unit=unit, title=title).first()
    if existing is not None:
        return None
    template = ReviewTemplate.objects.get(
        municipality=None, code="journalgranskning-ifo", active=True
    )
    round_ = services.control_round_create(
        actor=None,
        created_by=lead,
        unit=unit,
        title=title,
        template=template,
        units=[unit],
        period_start=start,
        period_end=end,
        sample_size=8,
        seed=seed,
        **kwargs,
    )
    services.control_round_draw(actor=None, round_=round_)
    return round_


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    ensure_shipped_templates()
    people = {u.username: u for u in User.objects.filter(username__in=REVIEWERS)}
    if len(people) < len(REVIEWERS):
        stdout.write("  control: the demo users are missing; no control rounds made")
        return []
    reviewers = [people[name] for name in REVIEWERS]
    lead = people["kvalitet"]
    today = timezone.localdate()
    last = today.year - 1
    try:
        done = _round(
            f"Journalgranskning {last}",
            dt.date(last, 1, 1),
            dt.date(last, 12, 31),
            20260101,
            lead,
            second_review_share=25,
            due_on=dt.date(today.year, 2, 28),
        )
        if done is not None:
            services.control_round_assign(actor=None, round_=done, reviewers=reviewers)
            services.control_round_transition(actor=None, round_=done, action="start_review")
            rng = random.Random(11)  # noqa: S311 (demo answers, fixed)
            for cc in done.cases.select_related("case__unit", "round__template"):
                for who in (cc.reviewer, cc.second_reviewer):
                    if who is not None:
                        services.control_review_save(
                            actor=who, control_case=cc, answers=_answers(rng, cc)
                        )
            services.control_round_transition(
                actor=None,
                round_=done,
                action="complete",
                summary="Barnsamtal och delgivning behöver förbättras; se handlingsplanen.",
            )
            failed = (
                ReviewAnswer.objects.filter(control_case__round=done, answer="no")
                .order_by("control_case__draw_order", "criterion__order")
                .first()
            )
            if failed is not None:
                findings.finding_to_action_item(actor=None, answer=failed, responsible=lead)
        current = _round(
            f"Journalgranskning {today.year}",
            dt.date(today.year, 1, 1),
            today,
            20270101,
            lead,
            due_on=today + dt.timedelta(days=21),
        )
        if current is not None:
            services.control_round_assign(actor=None, round_=current, reviewers=reviewers)
            services.control_round_transition(actor=None, round_=current, action="start_review")
    except ValidationError as exc:
        stdout.write(f"  control: not made ({'; '.join(exc.messages)})")
        transaction.set_rollback(True)
    return []
