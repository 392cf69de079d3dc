"""The rows of each Open Comparisons step: the data check, the results as received, the quick
analysis of each negative result, the prioritisation matrix, the deep analysis and the
improvement proposals (deciding one creates a quality action plan through the quality
services). Each write locks the publication, checks its version and the step it is at
(`check_part`), raises the version and records a change entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from insyn.accounts.models import User
from insyn.core.audit import record_change, snapshot
from insyn.indicators.models import (
    Indicator,
    OjDataQualityCheck,
    OjDeepAnalysis,
    OjPriority,
    OjProposal,
    OjPublication,
    OjQuickAnalysis,
    OjResult,
)
from insyn.indicators.models.oj import Answer, Level
from insyn.indicators.services.oj import (
    begin,
    check_date,
    check_decider,
    check_part,
    touch,
)
from insyn.organisations.models import OrgUnit
from insyn.quality.models import ActionPlan
from insyn.quality.services import action_plans as plan_services

if TYPE_CHECKING:
    from insyn.indicators.services.oj import Actor

MATRIX_FIELDS = (
    "goal_relation",
    "ongoing_efforts",
    "deficit_cost",
    "change_cost",
    "inhabitants",
    "indicator_type",
    "priority",
    "decision",
)


def _required(errors: dict[str, list[str]], **values: Any) -> None:
    for name, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = [_("This field is required.")]


def _choice(errors: dict[str, list[str]], choices: Any, **values: Any) -> None:
    for name, value in values.items():
        if value not in choices.values:
            errors[name] = [_("Choose one of the options.")]


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def data_check_add(
    *,
    actor: Actor,
    publication: OjPublication,
    expected_version: int | None = None,
    area: str,
    collection_clear: str,
    all_units_included: str,
    shared_understanding: str,
    collector: str = "",
    comment: str = "",
    checked_on: dt.date | None = None,
) -> OjDataQualityCheck:
    begin(actor, publication, expected_version)
    check_part(publication, "data_checks")
    errors: dict[str, list[str]] = {}
    _required(errors, area=area)
    _choice(
        errors,
        Answer,
        collection_clear=collection_clear,
        all_units_included=all_units_included,
        shared_understanding=shared_understanding,
    )
    _raise(errors)
    row = OjDataQualityCheck.objects.create(
        publication=publication,
        area=area.strip(),
        collection_clear=collection_clear,
        collector=(collector or "").strip(),
        all_units_included=all_units_included,
        shared_understanding=shared_understanding,
        comment=(comment or "").strip(),
        checked_on=check_date(checked_on, "checked_on"),
        checked_by=actor if isinstance(actor, User) else None,
    )
    touch(publication)
    record_change(actor=actor, action="create", obj=row)
    return row


@transaction.atomic
def result_add(
    *,
    actor: Actor,
    publication: OjPublication,
    expected_version: int | None = None,
    indicator: Indicator | None,
    colour: str,
    source: str,
    value: float | None = None,
    negative: bool | None = None,
) -> OjResult:
    """One result as received. `negative` defaults to a red colour."""
    begin(actor, publication, expected_version)
    check_part(publication, "results")
    errors: dict[str, list[str]] = {}
    _required(errors, indicator=indicator, source=source)
    _choice(errors, OjResult.Colour, colour=colour)
    if indicator is not None and publication.results.filter(indicator=indicator).exists():
        errors["indicator"] = [_("This indicator already has a result in the publication.")]
    _raise(errors)
    assert indicator is not None  # checked above
    row = OjResult.objects.create(
        publication=publication,
        indicator=indicator,
        value=value,
        colour=colour,
        negative=colour == OjResult.Colour.RED if negative is None else negative,
        source=source.strip(),
    )
    touch(publication)
    record_change(actor=actor, action="create", obj=row)
    return row


@transaction.atomic
def quick_analysis_save(
    *,
    actor: Actor,
    result: OjResult,
    expected_version: int | None = None,
    important: str,
    reliable: str,
    ongoing_work: str,
    comment: str = "",
    analysed_on: dt.date | None = None,
) -> OjQuickAnalysis:
    """The quick analysis of one result (a negative one, usually): new or changed."""
    publication = result.publication
    begin(actor, publication, expected_version)
    check_part(publication, "quick_analysis")
    errors: dict[str, list[str]] = {}
    _choice(errors, Answer, important=important, reliable=reliable, ongoing_work=ongoing_work)
    _raise(errors)
    values = {
        "important": important,
        "reliable": reliable,
        "ongoing_work": ongoing_work,
        "comment": (comment or "").strip(),
        "analysed_on": check_date(analysed_on, "analysed_on"),
        "analysed_by": actor if isinstance(actor, User) else None,
    }
    row = OjQuickAnalysis.objects.filter(result=result).first()
    if row is None:
        row = OjQuickAnalysis.objects.create(result=result, **values)
        record_change(actor=actor, action="create", obj=row)
    else:
        before = snapshot(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        record_change(actor=actor, action="update", obj=row, before=before)
    touch(publication)
    return row


@transaction.atomic
def matrix_save(
    *,
    actor: Actor,
    publication: OjPublication,
    rows: Mapping[int, Mapping[str, Any]],
    expected_version: int | None = None,
) -> list[OjPriority]:
    """Save the whole matrix at once: {row id: {field: value}}. All or nothing."""
    begin(actor, publication, expected_version)
    check_part(publication, "matrix")
    mine = {r.pk: r for r in OjPriority.objects.filter(result__publication=publication)}
    errors: dict[str, list[str]] = {}
    for pk, values in rows.items():
        if pk not in mine:
            raise ValidationError(_("Unknown row of the matrix."))
        unknown = set(values) - set(MATRIX_FIELDS)
        if unknown:
            raise ValidationError(
                _("These cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
            )
        for name in ("deficit_cost", "change_cost", "inhabitants"):
            if values.get(name, "") not in ("", *Level.values):
                errors[f"{pk}-{name}"] = [_("Choose low, medium or high.")]
        if values.get("priority") not in (None, 1, 2, 3):
            errors[f"{pk}-priority"] = [_("The priority is 1, 2 or 3.")]
    _raise(errors)
    changed_rows = []
    for pk, values in rows.items():
        row = mine[pk]
        before = snapshot(row)
        changed = []
        for name, value in values.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed.append(name)
        if changed:
            row.save(update_fields=changed)
            record_change(actor=actor, action="update", obj=row, before=before)
            changed_rows.append(row)
    if changed_rows:
        touch(publication)
    return changed_rows


@transaction.atomic
def deep_analysis_save(
    *,
    actor: Actor,
    result: OjResult,
    expected_version: int | None = None,
    current_state: str,
    root_causes: str,
    influence: str,
    improvement_area: str,
    priority: int | None,
    decision: str = "",
    analysed_on: dt.date | None = None,
    decided_by: User | None = None,
) -> OjDeepAnalysis:
    """The deep analysis of a result the matrix gave a priority."""
    publication = result.publication
    begin(actor, publication, expected_version)
    check_part(publication, "deep_analysis")
    if not OjPriority.objects.filter(result=result, priority__isnull=False).exists():
        raise ValidationError(_("Only a result the matrix gave a priority is analysed in depth."))
    errors: dict[str, list[str]] = {}
    _required(
        errors,
        current_state=current_state,
        root_causes=root_causes,
        improvement_area=improvement_area,
    )
    _choice(errors, Level, influence=influence)
    if priority not in (1, 2, 3):
        errors["priority"] = [_("The priority is 1, 2 or 3.")]
    _raise(errors)
    if decided_by is None and isinstance(actor, User):
        decided_by = actor
    values = {
        "current_state": current_state.strip(),
        "root_causes": root_causes.strip(),
        "influence": influence,
        "improvement_area": improvement_area.strip(),
        "priority": priority,
        "decision": (decision or "").strip(),
        "analysed_on": check_date(analysed_on, "analysed_on"),
        "decided_by": check_decider(decided_by, publication),
    }
    row = OjDeepAnalysis.objects.filter(result=result).first()
    if row is None:
        row = OjDeepAnalysis.objects.create(result=result, **values)
        record_change(actor=actor, action="create", obj=row)
    else:
        before = snapshot(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        record_change(actor=actor, action="update", obj=row, before=before)
    touch(publication)
    return row


@transaction.atomic
def proposal_add(
    *,
    actor: Actor,
    publication: OjPublication,
    expected_version: int | None = None,
    title: str,
    description: str,
    deep_analysis: OjDeepAnalysis | None = None,
    follow_up_on: dt.date | None = None,
) -> OjProposal:
    begin(actor, publication, expected_version)
    check_part(publication, "proposals")
    errors: dict[str, list[str]] = {}
    _required(errors, title=title, description=description)
    if deep_analysis is not None and deep_analysis.result.publication_id != publication.pk:
        errors["deep_analysis"] = [_("Unknown deep analysis.")]
    _raise(errors)
    row = OjProposal.objects.create(
        publication=publication,
        deep_analysis=deep_analysis,
        title=title.strip(),
        description=description.strip(),
        follow_up_on=follow_up_on,
    )
    touch(publication)
    record_change(actor=actor, action="create", obj=row)
    return row


@transaction.atomic
def proposal_decide(
    *,
    actor: Actor,
    proposal: OjProposal,
    owner: User | None,
    expected_version: int | None = None,
    unit: OrgUnit | None = None,
    goal: str = "",
    decided_on: dt.date | None = None,
) -> ActionPlan:
    """Decide a proposal: it becomes an open action plan in quality management (title,
    problem and follow-up date from the proposal), owned by `owner`, in `unit` (default: the
    publication's unit). A proposal becomes at most one plan."""
    publication = proposal.publication
    begin(actor, publication, expected_version)
    check_part(publication, "proposals")
    proposal.refresh_from_db()
    if proposal.action_plan_id is not None:
        raise ValidationError(_("This proposal already has an action plan."))
    unit = unit or publication.unit
    if not unit.path.startswith(publication.municipality.path):
        raise ValidationError({"unit": [_("Choose a unit of the publication's municipality.")]})
    problem = proposal.description
    if proposal.deep_analysis is not None:
        causes = _("Root causes (deep analysis): %(causes)s") % {
            "causes": proposal.deep_analysis.root_causes
        }
        problem = f"{proposal.description}\n\n{causes}"
    plan = plan_services.action_plan_create(
        actor=actor,
        title=proposal.title,
        problem=f"{problem}\n\n"
        + _("Source: Open Comparisons, %(publication)s.") % {"publication": publication.title},
        owner=owner,
        unit=unit,
        goal=goal,
        follow_up_on=proposal.follow_up_on,
    )
    before = snapshot(proposal)
    proposal.action_plan = plan
    proposal.decided_on = check_date(decided_on, "decided_on")
    proposal.decided_by = actor if isinstance(actor, User) else None
    proposal.save(update_fields=["action_plan", "decided_on", "decided_by"])
    record_change(actor=actor, action="decide", obj=proposal, before=before)
    touch(publication)
    return plan
