"""Step 1, the design: programmes, stages, variables and option sets.

A draft is edited freely; a published version never changes destructively. Editing it makes a
new draft version (a copy through ProgrammeSpec, `previous` pointing back), and publishing that
version changes nothing for clients already enrolled: they keep the version they started with,
new enrolments take the newest published version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from insyn.clients.models import InterventionType
from insyn.core.audit import record_change, snapshot
from insyn.core.roles import Action
from insyn.core.services import ensure_in_scope
from insyn.core.versioning import version_new, version_publish, version_retire
from insyn.followup.models import (
    Instrument,
    OptionSet,
    Programme,
    Stage,
    StageVariable,
    Variable,
)
from insyn.followup.sample_size import planning_problems
from insyn.followup.spec import (
    STAGE_FIELDS,
    ProgrammeSpec,
    key_problem,
    publish_problems,
    sampling_problems,
    spec_from_programme,
    stage_problems,
    unit_from_code_path,
    variable_problems,
)
from insyn.organisations.models import OrgUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from insyn.accounts.models import User

M = TypeVar("M", bound=models.Model)


def _ensure_draft(programme: Programme) -> None:
    if programme.status != Programme.Status.DRAFT:
        raise ValidationError(
            _("A published programme cannot be changed. Create a new version to edit it.")
        )


def _others(qs: QuerySet[M], obj: M | None) -> QuerySet[M]:
    return qs.exclude(pk=obj.pk) if obj is not None and obj.pk else qs


def _next_sort_order(qs: object) -> int:
    top = qs.aggregate(m=Max("sort_order"))["m"]  # type: ignore[attr-defined]
    return (top or 0) + 10


def _programme_fields_problems(
    *,
    owner: OrgUnit,
    units: Sequence[OrgUnit],
    name: str,
    sampling: str,
    sampling_days: list[int],
    sampling_from: dt.date | None,
    sampling_to: dt.date | None,
) -> dict[str, list[str]]:
    problems = sampling_problems(sampling, sampling_days, sampling_from, sampling_to)
    if not name.strip():
        problems["name"] = [_("A name is required.")]
    outside = [u.name for u in units if not u.path.startswith(owner.path)]
    if outside:
        problems["units"] = [
            _("These units are not below the owner: %(units)s.") % {"units": ", ".join(outside)}
        ]
    return problems


@transaction.atomic
def programme_create(
    *,
    actor: User | AnonymousUser | None,
    key: str,
    name: str,
    owner: OrgUnit,
    purpose: str = "",
    target_group: str = "",
    intervention_types: Sequence[InterventionType] = (),
    units: Sequence[OrgUnit] = (),
    auto_enroll: bool = True,
    sampling: str = Programme.Sampling.ALL,
    sampling_days: Sequence[int] = (),
    sampling_from: dt.date | None = None,
    sampling_to: dt.date | None = None,
) -> Programme:
    """A new programme: draft, version 1."""
    ensure_in_scope(actor, Action.DESIGN, owner.path)
    key = key.strip()
    problems = _programme_fields_problems(
        owner=owner,
        units=units,
        name=name,
        sampling=sampling,
        sampling_days=list(sampling_days),
        sampling_from=sampling_from,
        sampling_to=sampling_to,
    )
    if (msg := key_problem(key, 60)) is not None:
        problems["key"] = [msg]
    elif Programme.objects.filter(key=key).exists():
        problems["key"] = [_("The key %(key)s is already used by a programme.") % {"key": key}]
    if problems:
        raise ValidationError(problems)
    programme = Programme.objects.create(
        key=key,
        version=1,
        name=name.strip(),
        owner=owner,
        purpose=purpose.strip(),
        target_group=target_group.strip(),
        auto_enroll=auto_enroll,
        sampling=sampling,
        sampling_days=list(sampling_days),
        sampling_from=sampling_from,
        sampling_to=sampling_to,
    )
    programme.intervention_types.set(intervention_types)
    programme.units.set(units)
    record_change(actor=actor, action="create", obj=programme)
    return programme


@transaction.atomic
def programme_update(
    *,
    actor: User | AnonymousUser | None,
    programme: Programme,
    key: str,
    name: str,
    owner: OrgUnit,
    purpose: str,
    target_group: str,
    intervention_types: Sequence[InterventionType],
    units: Sequence[OrgUnit],
    auto_enroll: bool,
    sampling: str,
    sampling_days: Sequence[int],
    sampling_from: dt.date | None,
    sampling_to: dt.date | None,
) -> Programme:
    ensure_in_scope(actor, Action.DESIGN, programme.owner.path)
    ensure_in_scope(actor, Action.DESIGN, owner.path)
    _ensure_draft(programme)
    key = key.strip()
    problems = _programme_fields_problems(
        owner=owner,
        units=units,
        name=name,
        sampling=sampling,
        sampling_days=list(sampling_days),
        sampling_from=sampling_from,
        sampling_to=sampling_to,
    )
    if key != programme.key:
        if (msg := key_problem(key, 60)) is not None:
            problems["key"] = [msg]
        elif Programme.objects.filter(key=programme.key).exclude(pk=programme.pk).exists():
            problems["key"] = [_("The key cannot change once the programme has other versions.")]
        elif Programme.objects.filter(key=key).exists():
            problems["key"] = [_("The key %(key)s is already used by a programme.") % {"key": key}]
    if problems:
        raise ValidationError(problems)
    before = snapshot(programme)
    programme.key = key
    programme.name = name.strip()
    programme.owner = owner
    programme.purpose = purpose.strip()
    programme.target_group = target_group.strip()
    programme.auto_enroll = auto_enroll
    programme.sampling = sampling
    programme.sampling_days = list(sampling_days)
    programme.sampling_from = sampling_from
    programme.sampling_to = sampling_to
    programme.save()
    programme.intervention_types.set(intervention_types)
    programme.units.set(units)
    after = snapshot(programme)
    after["intervention_types"] = sorted(t.code for t in intervention_types)
    after["units"] = sorted(u.pk for u in units)
    record_change(actor=actor, action="update", obj=programme, before=before, after=after)
    return programme


@transaction.atomic
def programme_publish(*, actor: User | AnonymousUser | None, programme: Programme) -> Programme:
    """Publish a draft; from now on it enrols clients and never changes destructively
    (the rule of core.versioning, with the design's own problems beside it)."""
    ensure_in_scope(actor, Action.DESIGN, programme.owner.path)
    return version_publish(
        actor=actor, obj=programme, problems=publish_problems(spec_from_programme(programme))
    )


@transaction.atomic
def programme_retire(*, actor: User | AnonymousUser | None, programme: Programme) -> int:
    """Stop enrolling under this programme: every published version of the key is retired
    (core.versioning). Enrolments already made keep their occasions and can still be recorded."""
    ensure_in_scope(actor, Action.DESIGN, programme.owner.path)
    return len(version_retire(actor=actor, obj=programme))


@transaction.atomic
def programme_delete(*, actor: User | AnonymousUser | None, programme: Programme) -> None:
    """A draft can be thrown away (no client was ever enrolled in a draft)."""
    ensure_in_scope(actor, Action.DESIGN, programme.owner.path)
    _ensure_draft(programme)
    before = snapshot(programme)
    record_change(actor=actor, action="delete", obj=programme, before=before)
    programme.delete()


def _resolve(spec: ProgrammeSpec) -> tuple[dict[str, object], list[str]]:
    """Database references of a spec: intervention types, units, instruments, option sets."""
    errors: list[str] = []
    types = {t.code: t for t in InterventionType.objects.filter(code__in=spec.intervention_types)}
    for code in spec.intervention_types:
        if code not in types:
            errors.append(_("Unknown intervention type %(code)s.") % {"code": code})
    units = []
    for code_path in spec.units:
        unit = unit_from_code_path(code_path)
        if unit is None:
            errors.append(_("Unknown unit %(path)s.") % {"path": code_path})
        else:
            units.append(unit)
    instruments = {i.key: i for i in Instrument.objects.all()}
    option_sets = {o.key: o for o in OptionSet.objects.all()}
    return {
        "types": [types[c] for c in spec.intervention_types if c in types],
        "units": units,
        "instruments": instruments,
        "option_sets": option_sets,
    }, errors


def spec_problems(
    spec: ProgrammeSpec, *, option_sets: set[str], instruments: set[str]
) -> list[str]:
    """Every problem of a whole design, each prefixed with where it is (for files and copies)."""
    errors: list[str] = []
    if (msg := key_problem(spec.key, 60)) is not None:
        errors.append(f"key: {msg}")
    if spec.version < 1:
        errors.append(f"version: {_('The version is a whole number from 1.')}")
    if not spec.name.strip():
        errors.append(f"name: {_('A name is required.')}")
    for name, messages in sampling_problems(
        spec.sampling, spec.sampling_days, spec.sampling_from, spec.sampling_to
    ).items():
        errors.extend(f"{name}: {m}" for m in messages)
    taken: set[str] = set()
    for v in spec.variables:
        for name, messages in variable_problems(
            v, option_sets=option_sets, instruments=instruments, taken_keys=taken
        ).items():
            errors.extend(f"variables.{v.key or '?'}.{name}: {m}" for m in messages)
        taken.add(v.key)
    stage_keys: set[str] = set()
    for s in spec.stages:
        for name, messages in stage_problems(s, taken_keys=stage_keys).items():
            errors.extend(f"stages.{s.key or '?'}.{name}: {m}" for m in messages)
        stage_keys.add(s.key)
        linked: set[str] = set()
        for link in s.variables:
            where = f"stages.{s.key}.variables.{link.variable}"
            if link.variable not in taken:
                errors.append(f"{where}: {_('Unknown variable.')}")
            elif link.variable in linked:
                errors.append(f"{where}: {_('The variable is listed twice in the stage.')}")
            linked.add(link.variable)
    for name, messages in planning_problems(spec.planning, {v.key for v in spec.variables}).items():
        errors.extend(f"planning.{name}: {m}" for m in messages)
    return errors


@transaction.atomic
def programme_set_planning(
    *, actor: User | AnonymousUser | None, programme: Programme, planning: dict[str, object]
) -> Programme:
    """Store the sample-size plan on a draft (advice for the planner; it changes no rule)."""
    ensure_in_scope(actor, Action.DESIGN, programme.owner.path)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _ensure_draft(programme)
    clean = {k: v for k, v in planning.items() if v not in (None, "")}
    problems = planning_problems(clean, set(programme.variables.values_list("key", flat=True)))
    if problems:
        raise ValidationError(problems)
    before = snapshot(programme)
    programme.planning = clean
    programme.save(update_fields=["planning", "updated_at"])
    record_change(actor=actor, action="update", obj=programme, before=before)
    return programme


@transaction.atomic
def programme_build(
    *,
    actor: User | AnonymousUser | None,
    spec: ProgrammeSpec,
    owner: OrgUnit,
    previous: Programme | None = None,
) -> Programme:
    """Create a draft programme version from a spec (import, new version). All or nothing."""
    ensure_in_scope(actor, Action.DESIGN, owner.path)
    refs, errors = _resolve(spec)
    instruments: dict[str, Instrument] = refs["instruments"]  # type: ignore[assignment]
    option_sets: dict[str, OptionSet] = refs["option_sets"]  # type: ignore[assignment]
    units: list[OrgUnit] = refs["units"]  # type: ignore[assignment]
    errors += spec_problems(spec, option_sets=set(option_sets), instruments=set(instruments))
    outside = [u.name for u in units if not u.path.startswith(owner.path)]
    if outside:
        errors.append(
            _("These units are not below the owner: %(units)s.") % {"units": ", ".join(outside)}
        )
    if Programme.objects.filter(key=spec.key, version=spec.version).exists():
        errors.append(
            _("Version %(version)s of %(key)s already exists.")
            % {"version": spec.version, "key": spec.key}
        )
    if errors:
        raise ValidationError(errors)
    programme = Programme.objects.create(
        key=spec.key,
        version=spec.version,
        name=spec.name.strip(),
        owner=owner,
        purpose=spec.purpose,
        target_group=spec.target_group,
        auto_enroll=spec.auto_enroll,
        sampling=spec.sampling,
        sampling_days=list(spec.sampling_days),
        sampling_from=spec.sampling_from,
        sampling_to=spec.sampling_to,
        planning=dict(spec.planning),
        previous=previous,
    )
    programme.intervention_types.set(refs["types"])  # type: ignore[arg-type]
    programme.units.set(units)
    variables: dict[str, Variable] = {}
    for i, v in enumerate(spec.variables, start=1):
        variables[v.key] = Variable.objects.create(
            programme=programme,
            key=v.key,
            label=v.label.strip(),
            help_text=v.help_text,
            type=v.type,
            option_set=option_sets.get(v.option_set) if v.option_set else None,
            instrument=instruments.get(v.instrument) if v.instrument else None,
            unit=v.unit,
            min_value=v.min_value,
            max_value=v.max_value,
            direction=v.direction,
            is_main_measure=v.is_main_measure,
            sort_order=i * 10,
        )
    for i, s in enumerate(spec.stages, start=1):
        settings = {name: getattr(s, name) for name in STAGE_FIELDS}
        stage = Stage.objects.create(
            programme=programme, **{**settings, "name": s.name.strip()}, sort_order=i * 10
        )
        StageVariable.objects.bulk_create(
            StageVariable(
                stage=stage,
                variable=variables[link.variable],
                required=link.required,
                sort_order=j * 10,
            )
            for j, link in enumerate(s.variables, start=1)
        )
    record_change(actor=actor, action="create", obj=programme)
    return programme


@transaction.atomic
def programme_new_version(*, actor: User | AnonymousUser | None, programme: Programme) -> Programme:
    """The draft to edit instead of a published version (core.versioning): an existing draft of
    the same key, or a copy of this version numbered after the newest one."""
    ensure_in_scope(actor, Action.DESIGN, programme.owner.path)

    def copy(number: int) -> Programme:
        spec = spec_from_programme(programme)
        spec.version = number
        return programme_build(actor=actor, spec=spec, owner=programme.owner, previous=programme)

    return version_new(obj=programme, copy=copy)
