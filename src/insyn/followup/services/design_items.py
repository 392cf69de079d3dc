"""Step 1, the parts of a draft: stages, variables, which variables at which stage, and the
option sets choices use. Every change here needs a draft (a published version never changes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.scoping import has_action, path_in_scope
from insyn.core.services import ensure_in_scope
from insyn.followup.models import (
    Instrument,
    InstrumentItem,
    Option,
    OptionSet,
    Programme,
    Stage,
    StageVariable,
    Value,
    Variable,
)
from insyn.followup.services.design import _ensure_draft, _next_sort_order, _others
from insyn.followup.spec import (
    STAGE_FIELDS,
    OptionSetSpec,
    Problems,
    StageSpec,
    VariableSpec,
    option_set_problems,
    stage_problems,
    variable_problems,
)
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User


# --- stages and variables of a draft -----------------------------------------------------------

Item = TypeVar("Item", Stage, Variable)


def _item_save(
    *,
    actor: User | AnonymousUser | None,
    programme: Programme,
    item: Item | None,
    siblings: QuerySet[Item],
    make: Callable[[], Item],
    problems: Callable[[set[str]], Problems],
    fill: Callable[[Item], None],
    sort_order: int | None,
) -> Item:
    """Create or change one part of a draft. Stages and variables are saved the same way (a
    draft of the actor's scope, a key unique among the programme's `siblings`, the spec's own
    rules, new ones placed last unless an order is given, one change entry), so it is written
    once; each caller brings its rules (`problems` of the keys taken) and its copying (`fill`)."""
    ensure_in_scope(actor, Action.DESIGN, programme.owner.path)
    _ensure_draft(programme)
    found = problems(set(_others(siblings, item).values_list("key", flat=True)))
    if found:
        raise ValidationError(found)
    before = snapshot(item) if item else None
    item = item or make()
    fill(item)
    if sort_order is not None:
        item.sort_order = sort_order
    elif item.pk is None:
        item.sort_order = _next_sort_order(siblings)
    item.save()
    record_change(actor=actor, action="update" if before else "create", obj=item, before=before)
    return item


@transaction.atomic
def stage_save(
    *,
    actor: User | AnonymousUser | None,
    programme: Programme,
    spec: StageSpec,
    stage: Stage | None = None,
    sort_order: int | None = None,
) -> Stage:
    """Create or change a stage (its variables are set with `stage_variables_set`)."""

    def fill(item: Stage) -> None:
        for name in STAGE_FIELDS:
            setattr(item, name, getattr(spec, name))
        item.name = item.name.strip()

    return _item_save(
        actor=actor,
        programme=programme,
        item=stage,
        siblings=programme.stages.all(),
        make=lambda: Stage(programme=programme),
        problems=lambda taken: stage_problems(spec, taken_keys=taken),
        fill=fill,
        sort_order=sort_order,
    )


@transaction.atomic
def stage_delete(*, actor: User | AnonymousUser | None, stage: Stage) -> None:
    ensure_in_scope(actor, Action.DESIGN, stage.programme.owner.path)
    _ensure_draft(stage.programme)
    record_change(actor=actor, action="delete", obj=stage, before=snapshot(stage))
    stage.delete()


@transaction.atomic
def stage_variables_set(
    *,
    actor: User | AnonymousUser | None,
    stage: Stage,
    links: Sequence[tuple[Variable, bool]],
) -> None:
    """Which variables the stage collects, in this order, and which of them are required."""
    programme = stage.programme
    ensure_in_scope(actor, Action.DESIGN, programme.owner.path)
    _ensure_draft(programme)
    if any(v.programme_id != programme.pk for v, _r in links):
        raise ValidationError(_("A stage can only collect its own programme's variables."))
    if len({v.pk for v, _r in links}) != len(links):
        raise ValidationError(_("The variable is listed twice in the stage."))
    before = {"variables": [(sv.variable.key, sv.required) for sv in stage.stage_variables.all()]}
    stage.stage_variables.all().delete()
    StageVariable.objects.bulk_create(
        StageVariable(stage=stage, variable=v, required=required, sort_order=i * 10)
        for i, (v, required) in enumerate(links, start=1)
    )
    after = {"variables": [(v.key, required) for v, required in links]}
    record_change(actor=actor, action="set_variables", obj=stage, before=before, after=after)


@transaction.atomic
def variable_save(
    *,
    actor: User | AnonymousUser | None,
    programme: Programme,
    spec: VariableSpec,
    variable: Variable | None = None,
    sort_order: int | None = None,
) -> Variable:
    """Create or change a variable; its option set and instrument are named by key."""
    option_sets = {o.key: o for o in OptionSet.objects.all()}
    instruments = {i.key: i for i in Instrument.objects.all()}

    def fill(item: Variable) -> None:
        item.key = spec.key
        item.label = spec.label.strip()
        item.help_text = spec.help_text.strip()
        item.type = spec.type
        item.option_set = option_sets.get(spec.option_set) if spec.option_set else None
        item.instrument = instruments.get(spec.instrument) if spec.instrument else None
        item.unit = spec.unit.strip()
        item.min_value = spec.min_value
        item.max_value = spec.max_value
        item.direction = spec.direction
        item.is_main_measure = spec.is_main_measure

    return _item_save(
        actor=actor,
        programme=programme,
        item=variable,
        siblings=programme.variables.all(),
        make=lambda: Variable(programme=programme),
        problems=lambda taken: variable_problems(
            spec, option_sets=set(option_sets), instruments=set(instruments), taken_keys=taken
        ),
        fill=fill,
        sort_order=sort_order,
    )


@transaction.atomic
def variable_delete(*, actor: User | AnonymousUser | None, variable: Variable) -> None:
    ensure_in_scope(actor, Action.DESIGN, variable.programme.owner.path)
    _ensure_draft(variable.programme)
    record_change(actor=actor, action="delete", obj=variable, before=snapshot(variable))
    variable.delete()


# --- option sets ----------------------------------------------------------------------------


def option_set_locked(option_set: OptionSet) -> bool:
    """In use where a change would alter what recorded answers mean."""
    return (
        Variable.objects.filter(option_set=option_set)
        .exclude(programme__status=Programme.Status.DRAFT)
        .exists()
        or InstrumentItem.objects.filter(option_set=option_set).exists()
        or Value.objects.filter(option__option_set=option_set).exists()
    )


def option_set_editable(actor: User | AnonymousUser | None, option_set: OptionSet) -> bool:
    if actor is None:
        return True
    return option_set.owner is not None and path_in_scope(
        actor, Action.DESIGN, option_set.owner.path
    )


@transaction.atomic
def option_set_save(
    *,
    actor: User | AnonymousUser | None,
    spec: OptionSetSpec,
    owner: OrgUnit | None,
    option_set: OptionSet | None = None,
) -> OptionSet:
    """Create an option set, or change one. Once it is in use (a published programme, an
    instrument, recorded answers) options may be added and relabelled, never removed or
    given other points."""
    if option_set is None:
        if owner is not None:
            ensure_in_scope(actor, Action.DESIGN, owner.path)
        elif actor is not None:
            raise ValidationError(_("Choose the organisation that owns the option set."))
    elif not option_set_editable(actor, option_set) or (
        actor is not None and not has_action(actor, Action.DESIGN)
    ):
        raise ValidationError(_("This option set is shared; it cannot be changed here."))
    taken = set(_others(OptionSet.objects.all(), option_set).values_list("key", flat=True))
    problems = option_set_problems(spec, taken_keys=taken)
    if option_set is not None and option_set_locked(option_set):
        old = {o.code: o for o in option_set.options.all()}
        new = {o.code: o for o in spec.options}
        removed = sorted(set(old) - set(new))
        if removed:
            problems.setdefault("options", []).append(
                _("Options in use cannot be removed: %(codes)s.") % {"codes": ", ".join(removed)}
            )
        changed = sorted(
            code
            for code in set(old) & set(new)
            if old[code].value != new[code].value or old[code].is_missing != new[code].is_missing
        )
        if changed:
            problems.setdefault("options", []).append(
                _("Points of options in use cannot change: %(codes)s.")
                % {"codes": ", ".join(changed)}
            )
        if spec.key != option_set.key:
            problems.setdefault("key", []).append(_("The key of a set in use cannot change."))
    if problems:
        raise ValidationError(problems)
    before = None
    if option_set is None:
        option_set = OptionSet.objects.create(key=spec.key, name=spec.name.strip(), owner=owner)
    else:
        before = {"key": option_set.key, "name": option_set.name, "options": _options(option_set)}
        option_set.key, option_set.name = spec.key, spec.name.strip()
        option_set.save()
    existing = {o.code: o for o in option_set.options.all()}
    keep = set()
    for i, o in enumerate(spec.options):
        row = existing.get(o.code) or Option(option_set=option_set, code=o.code)
        row.label, row.label_en = o.label.strip(), o.label_en.strip()
        row.value, row.is_missing, row.sort_order = o.value, o.is_missing, i * 10
        row.save()
        keep.add(o.code)
    option_set.options.exclude(code__in=keep).delete()
    record_change(
        actor=actor,
        action="update" if before else "create",
        obj=option_set,
        before=before,
        after={"key": option_set.key, "name": option_set.name, "options": _options(option_set)},
    )
    return option_set


def _options(option_set: OptionSet) -> list[list[object]]:
    return [[o.code, o.label, o.value, o.is_missing] for o in option_set.options.all()]
