"""Risks and risk analyses: every write (web, API, demo) goes through here.

Risks are org data about the work (they name no client): `handle_quality` on the unit writes,
and each write records a change entry in the same transaction. The score lives in the
assessments (the history); the risk carries a copy of the latest one so lists sort and filter
by it. Measures are action-plan items on a plan whose source is the risk (services/action_plans).
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
from insyn.organisations.models import OrgUnit
from insyn.quality.models import (
    ActionItem,
    ActionPlan,
    DeviationCategory,
    Risk,
    RiskAnalysis,
    RiskAssessment,
    Treatment,
)
from insyn.quality.services import action_plans
from insyn.quality.workflow import Transition, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None

R = Risk.State
A = RiskAnalysis.State

# active ⇄ closed: a risk that no longer applies is closed, and reopened if it returns.
RISK_FLOW = Workflow(
    gettext_lazy("the risk"),
    {
        "close": Transition((R.ACTIVE,), R.CLOSED, gettext_lazy("Close the risk")),
        "reopen": Transition((R.CLOSED,), R.ACTIVE, gettext_lazy("Reopen the risk")),
    },
    dict(R.choices),
)

# open → done; a completed analysis may be reopened when the change is revised.
ANALYSIS_FLOW = Workflow(
    gettext_lazy("the risk analysis"),
    {
        "complete": Transition((A.OPEN,), A.DONE, gettext_lazy("Mark the analysis completed")),
        "reopen": Transition((A.DONE,), A.OPEN, gettext_lazy("Reopen the analysis")),
    },
    dict(A.choices),
)

TEXT_FIELDS = ("title", "process", "cause", "consequence")
RISK_FIELDS = (*TEXT_FIELDS, "owner", "deviation_category", "reassess_on")
ANALYSIS_FIELDS = ("title", "kind", "description", "change_on", "participants")


def _blank(value: Any) -> bool:
    return not (value or "").strip()


def parse_score(value: Any) -> int | None:
    """1–4 as int, from an int or a string of digits; anything else (0, 5, "x", True) None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 1 <= value <= 4:
        return value
    return None


def _scores(probability: Any, severity: Any, errors: dict[str, list[str]]) -> tuple[int, int]:
    p, s = parse_score(probability), parse_score(severity)
    if p is None:
        errors["probability"] = [_("Give the probability as a whole number from 1 to 4.")]
    if s is None:
        errors["severity"] = [_("Give the consequence as a whole number from 1 to 4.")]
    return p or 0, s or 0


def _check_treatment(treatment: str, errors: dict[str, list[str]]) -> None:
    if treatment and treatment not in Treatment.values:
        errors["treatment"] = [_("Choose accept, eliminate, reduce or control.")]


def _check_reassess_on(value: dt.date | None, errors: dict[str, list[str]]) -> None:
    if value is not None and value < timezone.localdate():
        errors["reassess_on"] = [_("The date to reassess cannot be in the past.")]


def _check_assessed_on(value: dt.date, errors: dict[str, list[str]]) -> None:
    if value > timezone.localdate():
        errors["assessed_on"] = [_("The assessment date cannot be in the future.")]


def _check_owner(owner: User | None, unit: OrgUnit, errors: dict[str, list[str]]) -> None:
    if owner is None:
        return
    municipality = unit.municipality or unit
    if (
        not owner.is_active
        or not owner.memberships.filter(
            org_unit__path__startswith=municipality.path, org_unit__active=True
        ).exists()
    ):
        errors["owner"] = [
            _("The owner must be an active user in %(m)s.") % {"m": municipality.name}
        ]


def _check_analysis(analysis: RiskAnalysis | None, unit: OrgUnit) -> None:
    if analysis is None:
        return
    if not unit.path.startswith(analysis.unit.path):
        raise ValidationError(
            {"analysis": [_("The risk's unit must be the analysis's unit or below it.")]}
        )
    if analysis.state != A.OPEN:
        raise ValidationError({"analysis": [_("The risk analysis is completed.")]})


def _actor_user(actor: Actor, fallback: User | None) -> User:
    if isinstance(actor, User):
        return actor
    if fallback is None:
        raise ValidationError(_("The system needs an owner to record who assessed the risk."))
    return fallback


@transaction.atomic
def risk_register(
    *,
    actor: Actor,
    unit: OrgUnit,
    title: str,
    probability: Any,
    severity: Any,
    process: str = "",
    cause: str = "",
    consequence: str = "",
    treatment: str = "",
    reassess_on: dt.date | None = None,
    deviation_category: DeviationCategory | None = None,
    owner: User | None = None,
    analysis: RiskAnalysis | None = None,
    assessed_on: dt.date | None = None,
    note: str = "",
) -> Risk:
    """A new active risk and its first assessment, in one transaction."""
    ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
    errors: dict[str, list[str]] = {}
    if _blank(title):
        errors["title"] = [_("Name the risk.")]
    p, s = _scores(probability, severity, errors)
    _check_treatment(treatment, errors)
    _check_reassess_on(reassess_on, errors)
    assessed_on = assessed_on or timezone.localdate()
    _check_assessed_on(assessed_on, errors)
    _check_owner(owner, unit, errors)
    if errors:
        raise ValidationError(errors)
    _check_analysis(analysis, unit)
    by = _actor_user(actor, owner)
    risk = Risk.objects.create(
        municipality=unit.municipality or unit,
        unit=unit,
        analysis=analysis,
        process=(process or "").strip(),
        title=title.strip(),
        cause=(cause or "").strip(),
        consequence=(consequence or "").strip(),
        probability=p,
        severity=s,
        treatment=treatment,
        reassess_on=reassess_on,
        deviation_category=deviation_category,
        owner=owner,
        created_by=by,
    )
    assessment = RiskAssessment.objects.create(
        risk=risk,
        assessed_on=assessed_on,
        probability=p,
        severity=s,
        treatment=treatment,
        note=(note or "").strip(),
        assessed_by=by,
    )
    record_change(actor=actor, action="create", obj=risk)
    record_change(actor=actor, action="create", obj=assessment, also_paths=[risk.unit.path])
    return risk


@transaction.atomic
def risk_reassess(
    *,
    actor: Actor,
    risk: Risk,
    probability: Any,
    severity: Any,
    treatment: str | None = None,
    note: str = "",
    assessed_on: dt.date | None = None,
    reassess_on: dt.date | None = None,
    expected_version: int | None = None,
) -> RiskAssessment:
    """A new assessment in the history; its score (and treatment) become the risk's.
    `treatment` None keeps the current one; `reassess_on` is the next date (None: none)."""
    lock_row(risk)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, risk.unit.path)
    check_version(risk, expected_version)
    if risk.state != R.ACTIVE:
        raise ValidationError(_("The risk is closed: reopen it to reassess it."))
    errors: dict[str, list[str]] = {}
    p, s = _scores(probability, severity, errors)
    treatment = risk.treatment if treatment is None else treatment
    _check_treatment(treatment, errors)
    _check_reassess_on(reassess_on, errors)
    assessed_on = assessed_on or timezone.localdate()
    _check_assessed_on(assessed_on, errors)
    if errors:
        raise ValidationError(errors)
    by = _actor_user(actor, risk.owner or risk.created_by)
    before = snapshot(risk)
    assessment = RiskAssessment.objects.create(
        risk=risk,
        assessed_on=assessed_on,
        probability=p,
        severity=s,
        treatment=treatment,
        note=(note or "").strip(),
        assessed_by=by,
    )
    risk.probability, risk.severity = p, s
    risk.treatment, risk.reassess_on = treatment, reassess_on
    risk.save(
        update_fields=[
            "probability",
            "severity",
            "treatment",
            "reassess_on",
            "updated_at",
            *bump_version(risk),
        ]
    )
    record_change(actor=actor, action="create", obj=assessment, also_paths=[risk.unit.path])
    record_change(actor=actor, action="reassess", obj=risk, before=before)
    return assessment


@transaction.atomic
def risk_update(
    *,
    actor: Actor,
    risk: Risk,
    expected_version: int | None = None,
    **changes: Any,
) -> Risk:
    """Change the description, owner, related deviation category or reassessment date (the
    score changes only by a reassessment, so the history stays whole)."""
    unknown = set(changes) - set(RISK_FIELDS)
    if unknown:
        raise ValidationError(
            _("These cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    lock_row(risk)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, risk.unit.path)
    check_version(risk, expected_version)
    errors: dict[str, list[str]] = {}
    if "title" in changes and _blank(changes["title"]):
        errors["title"] = [_("Name the risk.")]
    if "reassess_on" in changes and changes["reassess_on"] != risk.reassess_on:
        _check_reassess_on(changes["reassess_on"], errors)
    if "owner" in changes and changes["owner"] != risk.owner:
        _check_owner(changes["owner"], risk.unit, errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(risk)
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(risk, name) != value:
            setattr(risk, name, value)
            changed.append(name)
    if not changed:
        return risk
    risk.save(update_fields=[*changed, "updated_at", *bump_version(risk)])
    record_change(actor=actor, action="update", obj=risk, before=before)
    return risk


@transaction.atomic
def risk_transition(
    *, actor: Actor, risk: Risk, action: str, expected_version: int | None = None
) -> Risk:
    """Close or reopen (RISK_FLOW)."""
    lock_row(risk)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, risk.unit.path)
    check_version(risk, expected_version)
    target = RISK_FLOW.check(risk.state, action)
    before = snapshot(risk)
    risk.state = target
    risk.save(update_fields=["state", "updated_at", *bump_version(risk)])
    record_change(actor=actor, action=action, obj=risk, before=before)
    return risk


@transaction.atomic
def risk_add_measure(
    *,
    actor: Actor,
    risk: Risk,
    activity: str,
    responsible: User | None,
    due_on: dt.date | None,
    owner: User | None = None,
    backdated: bool = False,
) -> ActionItem:
    """A measure: an item on the risk's open action plan (made on first use, owned by
    `owner`, the risk's owner or the actor)."""
    ensure_in_scope(actor, Action.HANDLE_QUALITY, risk.unit.path)
    plan = (
        ActionPlan.objects.filter(risk=risk, status=ActionPlan.Status.OPEN)
        .order_by("created_at")
        .first()
    )
    if plan is None:
        plan = action_plans.action_plan_create(
            actor=actor,
            title=_("Measures: %(risk)s") % {"risk": risk.title[:180]},
            problem=risk.cause or risk.title,
            goal=risk.consequence,
            owner=owner or risk.owner or (actor if isinstance(actor, User) else None),
            risk=risk,
        )
    return action_plans.action_item_add(
        actor=actor,
        plan=plan,
        activity=activity,
        responsible=responsible,
        due_on=due_on,
        backdated=backdated,
    )


@transaction.atomic
def analysis_create(
    *,
    actor: Actor,
    unit: OrgUnit,
    title: str,
    kind: str,
    description: str = "",
    change_on: dt.date | None = None,
    participants: str = "",
    created_by: User | None = None,
) -> RiskAnalysis:
    """A risk analysis of a planned change, open until completed."""
    ensure_in_scope(actor, Action.HANDLE_QUALITY, unit.path)
    errors: dict[str, list[str]] = {}
    if _blank(title):
        errors["title"] = [_("Say what change is analysed.")]
    if kind not in RiskAnalysis.Kind.values:
        errors["kind"] = [_("Choose the kind of change.")]
    if errors:
        raise ValidationError(errors)
    analysis = RiskAnalysis.objects.create(
        municipality=unit.municipality or unit,
        unit=unit,
        title=title.strip(),
        kind=kind,
        description=(description or "").strip(),
        change_on=change_on,
        participants=(participants or "").strip(),
        created_by=_actor_user(actor, created_by),
    )
    record_change(actor=actor, action="create", obj=analysis)
    return analysis


@transaction.atomic
def analysis_update(
    *,
    actor: Actor,
    analysis: RiskAnalysis,
    expected_version: int | None = None,
    **changes: Any,
) -> RiskAnalysis:
    unknown = set(changes) - set(ANALYSIS_FIELDS)
    if unknown:
        raise ValidationError(
            _("These cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    lock_row(analysis)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, analysis.unit.path)
    check_version(analysis, expected_version)
    errors: dict[str, list[str]] = {}
    if "title" in changes and _blank(changes["title"]):
        errors["title"] = [_("Say what change is analysed.")]
    if "kind" in changes and changes["kind"] not in RiskAnalysis.Kind.values:
        errors["kind"] = [_("Choose the kind of change.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(analysis)
    changed = []
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(analysis, name) != value:
            setattr(analysis, name, value)
            changed.append(name)
    if not changed:
        return analysis
    analysis.save(update_fields=[*changed, "updated_at", *bump_version(analysis)])
    record_change(actor=actor, action="update", obj=analysis, before=before)
    return analysis


@transaction.atomic
def analysis_transition(
    *, actor: Actor, analysis: RiskAnalysis, action: str, expected_version: int | None = None
) -> RiskAnalysis:
    """Complete or reopen (ANALYSIS_FLOW)."""
    lock_row(analysis)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, analysis.unit.path)
    check_version(analysis, expected_version)
    target = ANALYSIS_FLOW.check(analysis.state, action)
    before = snapshot(analysis)
    analysis.state = target
    analysis.save(update_fields=["state", "updated_at", *bump_version(analysis)])
    record_change(actor=actor, action=action, obj=analysis, before=before)
    return analysis


@transaction.atomic
def analysis_add_risk(
    *, actor: Actor, analysis: RiskAnalysis, risk: Risk, expected_version: int | None = None
) -> Risk:
    """Put an existing risk of the register into the analysis (the risk's unit must be the
    analysis's unit or below it; the analysis must be open)."""
    lock_row(risk)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, analysis.unit.path)
    ensure_in_scope(actor, Action.HANDLE_QUALITY, risk.unit.path)
    check_version(risk, expected_version)
    _check_analysis(analysis, risk.unit)
    if risk.analysis_id == analysis.pk:
        return risk
    before = snapshot(risk)
    risk.analysis = analysis
    risk.save(update_fields=["analysis", "updated_at", *bump_version(risk)])
    record_change(actor=actor, action="update", obj=risk, before=before)
    return risk
