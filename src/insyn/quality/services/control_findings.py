"""A failed criterion (no / partly) becomes a deviation or an action-plan item.

A deviation is reported on the case's unit and linked to the case (the reporter reads the
case, so the link is allowed by the deviation service's own rules). An action item goes into
the round's open action plan, made on first use with `control_round=` as its source; the item
names the criterion, not the case, since action plans are organisation data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insyn.accounts.models import User
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.quality.models import (
    ActionItem,
    ActionPlan,
    ControlRound,
    Deviation,
    DeviationCategory,
    ReviewAnswer,
)
from insyn.quality.services import action_plans, deviations

FAILED = (ReviewAnswer.Answer.NO, ReviewAnswer.Answer.PARTLY)
DEVIATION_CATEGORY = "dokumentation"


def _failed(answer: ReviewAnswer) -> None:
    if answer.answer not in FAILED:
        raise ValidationError(_("Only a failed criterion (no or partly) can become a finding."))


@transaction.atomic
def finding_to_deviation(*, actor: User, answer: ReviewAnswer) -> Deviation:
    _failed(answer)
    cc = answer.control_case
    ensure_in_scope(actor, Action.VIEW_INDIVIDUAL, cc.case.unit.path)
    category = (
        DeviationCategory.objects.filter(code=DEVIATION_CATEGORY, active=True).first()
        or DeviationCategory.objects.filter(active=True).order_by("sort_order").first()
    )
    if category is None:
        raise ValidationError(_("There is no deviation category to use."))
    text = _("Internal control “%(round)s”: “%(criterion)s” answered %(answer)s.") % {
        "round": cc.round.title,
        "criterion": answer.criterion.text,
        "answer": answer.get_answer_display(),
    }
    if answer.comment:
        text += "\n" + answer.comment
    return deviations.deviation_report(
        actor=actor,
        category=category,
        occurred_on=timezone.localdate(),
        description=text,
        unit=cc.case.unit,
        case=cc.case,
        notify=True,
    )


def round_plan(*, actor: Any, round_: ControlRound) -> ActionPlan:
    """The round's open action plan, made on first use."""
    plan = (
        ActionPlan.objects.filter(control_round=round_)
        .exclude(status=ActionPlan.Status.CLOSED)
        .order_by("id")
        .first()
    )
    if plan is not None:
        return plan
    owner = actor if isinstance(actor, User) else round_.created_by
    return action_plans.action_plan_create(
        actor=actor,
        title=_("Internal control: %(round)s") % {"round": round_.title},
        problem=_("Criteria not met in internal control “%(round)s”.") % {"round": round_.title},
        owner=owner,
        control_round=round_,
    )


@transaction.atomic
def finding_to_action_item(
    *,
    actor: Any,
    answer: ReviewAnswer,
    responsible: User | None = None,
    due_on: dt.date | None = None,
    backdated: bool = False,
) -> ActionItem:
    _failed(answer)
    round_ = answer.control_case.round
    plan = round_plan(actor=actor, round_=round_)
    return action_plans.action_item_add(
        actor=actor,
        plan=plan,
        activity=_("Improve: %(criterion)s") % {"criterion": answer.criterion.text},
        responsible=responsible or (actor if isinstance(actor, User) else round_.created_by),
        due_on=due_on or timezone.localdate() + dt.timedelta(days=30),
        backdated=backdated,
    )
