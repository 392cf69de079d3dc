"""Every read of the followup app, already restricted to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from insyn.core.roles import Action
from insyn.core.scoping import granted_paths, path_in_scope, paths_q
from insyn.followup.models import Enrollment, Goal, Occasion, OptionSet, Programme, Value
from insyn.followup.scoring import band_for
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

UserT = "User | AnonymousUser"
WORKLIST_DAYS = 14


# --- design --------------------------------------------------------------------------------


def programmes_visible(user: User | AnonymousUser) -> QuerySet[Programme]:
    """Programmes that apply to the user's units; drafts only for those who design them."""
    design = granted_paths(user, Action.DESIGN)
    qs = Programme.objects.restrict(user, Action.VIEW_ORG).select_related("owner")
    if not design:
        return qs.exclude(status=Programme.Status.DRAFT)
    return qs.filter(~Q(status=Programme.Status.DRAFT) | paths_q("owner__path", design))


def programmes_designable(user: User | AnonymousUser) -> QuerySet[Programme]:
    paths = granted_paths(user, Action.DESIGN)
    if not paths:
        return Programme.objects.none()
    return Programme.objects.filter(paths_q("owner__path", paths)).select_related("owner")


def can_design(user: User | AnonymousUser, programme: Programme) -> bool:
    return path_in_scope(user, Action.DESIGN, programme.owner.path)


def design_owners(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    """Org units the user may make owner of a programme or option set."""
    return OrgUnit.objects.restrict(user, Action.DESIGN).filter(active=True).order_by("path")


def inclusion_units(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.restrict(user, Action.DESIGN)
        .filter(active=True, kind__in=["administration", "department", "unit"])
        .order_by("path")
    )


def option_sets() -> QuerySet[OptionSet]:
    return OptionSet.objects.select_related("owner").prefetch_related("options")


# --- individuals ----------------------------------------------------------------------------


def occasions(user: User | AnonymousUser, action: Action = Action.VIEW_INDIVIDUAL) -> Any:
    return Occasion.objects.restrict(user, action).select_related(
        "stage",
        "enrollment",
        "enrollment__programme",
        "enrollment__client",
        "enrollment__unit",
        "enrollment__responsible",
        "enrollment__intervention",
        "enrollment__intervention__intervention_type",
        "non_response_reason",
    )


def enrollments(user: User | AnonymousUser, action: Action = Action.VIEW_INDIVIDUAL) -> Any:
    return Enrollment.objects.restrict(user, action).select_related(
        "programme", "client", "unit", "responsible", "intervention"
    )


def goals(user: User | AnonymousUser, action: Action = Action.VIEW_INDIVIDUAL) -> Any:
    return Goal.objects.restrict(user, action).select_related(
        "enrollment", "variable", "variable__instrument"
    )


def worklist(user: User | AnonymousUser, today: dt.date) -> Any:
    """'My follow-ups': open occasions due within 14 days or overdue, for enrolments the user
    is responsible for, and for enrolments nobody is responsible for in the user's units."""
    if not user.is_authenticated:
        return Occasion.objects.none()
    mine = Q(enrollment__responsible=user) | Q(enrollment__responsible__isnull=True)
    return (
        occasions(user, Action.CHANGE_INDIVIDUAL)
        .filter(mine, enrollment__status=Enrollment.Status.ACTIVE)
        .due_within(today, WORKLIST_DAYS)
        .order_by("due_on", "id")
    )


@dataclass
class GoalRow:
    goal: Goal
    after: float | None  # the measured value at the stage where goals are assessed


def goal_rows(enrollment: Enrollment) -> list[GoalRow]:
    """Each goal with the value measured where goals are assessed, shown beside the outcome."""
    rows = []
    assessing = enrollment.programme.stages.filter(assesses_goals=True)
    values = {
        v.variable_id: v.number
        for v in Value.objects.filter(
            occasion__enrollment=enrollment,
            occasion__stage__in=assessing,
            occasion__status=Occasion.Status.DONE,
            item__isnull=True,
        ).order_by("-occasion__stage__sort_order")
    }
    for goal in enrollment.goals.select_related("variable").order_by("id"):
        rows.append(GoalRow(goal, values.get(goal.variable_id) if goal.variable_id else None))
    return rows


@dataclass
class ShownValue:
    label: str
    value: str
    unit: str = ""
    band: str = ""
    items: list[tuple[str, str]] | None = None


def shown_values(occasion: Occasion) -> list[ShownValue]:
    """The recorded values in stage order, instruments with total, band and item answers."""
    rows = list(
        occasion.values.select_related("variable", "variable__instrument", "item", "option")
    )
    sex = occasion.enrollment.client.sex
    shown = []
    for link in occasion.stage.stage_variables.select_related("variable", "variable__instrument"):
        variable = link.variable
        mine = [v for v in rows if v.variable_id == variable.pk]
        if not mine:
            continue
        totals = [v for v in mine if v.item_id is None]
        items = sorted((v for v in mine if v.item_id), key=lambda v: v.item.number)  # type: ignore[union-attr]
        if variable.type == "instrument" and totals:
            total = totals[0].number
            band = band_for(variable.instrument, total, sex) if variable.instrument else None
            shown.append(
                ShownValue(
                    variable.label,
                    _fmt(total),
                    variable.unit,
                    band.label if band else "",
                    [
                        (str(v.item), v.option.display if v.option else _fmt(v.number))
                        for v in items
                    ],
                )
            )
        elif variable.type in ("single", "multiple"):
            labels = ", ".join(v.option.display for v in totals if v.option)
            shown.append(ShownValue(variable.label, labels, variable.unit))
        elif variable.type == "boolean":
            shown.append(ShownValue(variable.label, _("Yes") if totals[0].number else _("No")))
        elif variable.type == "date":
            shown.append(
                ShownValue(variable.label, totals[0].date.isoformat() if totals[0].date else "")
            )
        elif variable.type == "text":
            shown.append(ShownValue(variable.label, totals[0].text))
        else:
            shown.append(ShownValue(variable.label, _fmt(totals[0].number), variable.unit))
    return shown


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    return number_format(number, decimal_pos=0 if float(number).is_integer() else None)


# --- completion -------------------------------------------------------------------------------


@dataclass
class CompletionRow:
    label: str
    due: int
    done: int
    missed: int
    open: int

    @property
    def rate(self) -> float | None:
        return self.done / self.due if self.due else None


def completion(
    user: User | AnonymousUser,
    *,
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date,
    programme_key: str = "",
) -> tuple[list[CompletionRow], list[CompletionRow]]:
    """Completion per unit and per responsible case worker: done / due, where 'due' means the
    occasion's window has opened (or it is already done or missed), for occasions due in the
    period."""
    qs = Occasion.objects.restrict(user, Action.VIEW_TEAM).filter(
        due_on__gte=date_from, due_on__lte=date_to
    )
    if programme_key:
        qs = qs.filter(enrollment__programme__key=programme_key)
    qs = qs.filter(
        Q(status__in=[Occasion.Status.DONE, Occasion.Status.MISSED]) | Q(window_start__lte=today)
    )
    rows: Any = qs  # values() + annotate(**aggregates) is beyond the stubs' TypedDicts
    aggregates = {
        "due": Count("id"),
        "done": Count("id", filter=Q(status=Occasion.Status.DONE)),
        "missed": Count("id", filter=Q(status=Occasion.Status.MISSED)),
    }
    by_unit = [
        CompletionRow(
            r["enrollment__unit__name"],
            r["due"],
            r["done"],
            r["missed"],
            r["due"] - r["done"] - r["missed"],
        )
        for r in rows.values("enrollment__unit__name", "enrollment__unit__path")
        .annotate(**aggregates)
        .order_by("enrollment__unit__path")
    ]
    by_worker = []
    for r in (
        rows.values(
            "enrollment__responsible",
            "enrollment__responsible__first_name",
            "enrollment__responsible__last_name",
            "enrollment__responsible__username",
        )
        .annotate(**aggregates)
        .order_by("enrollment__responsible__last_name", "enrollment__responsible__first_name")
    ):
        if r["enrollment__responsible"] is None:
            label = str(_("No responsible case worker"))
        else:
            first = r["enrollment__responsible__first_name"]
            last = r["enrollment__responsible__last_name"]
            label = f"{first} {last}".strip() or r["enrollment__responsible__username"]
        by_worker.append(
            CompletionRow(
                label, r["due"], r["done"], r["missed"], r["due"] - r["done"] - r["missed"]
            )
        )
    return by_unit, by_worker
