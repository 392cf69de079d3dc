"""A programme version as plain data (ProgrammeSpec), and the rules a design must follow.

One shape serves three purposes, so they cannot drift apart: a new version is a copy made
through the spec, the YAML export is the spec written out, and the import reads a spec and
builds it. The rules here are shared by the design forms, the services and the import.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from typing import Any

from django.utils.translation import gettext as _

from insyn.followup.models import OptionSet, Programme, Stage, Variable
from insyn.followup.models.design import Direction
from insyn.organisations.models import OrgUnit

KEY_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")
OPTION_CODE_RE = re.compile(r"^[A-Za-z0-9_.-]+$")

Problems = dict[str, list[str]]


@dataclass
class OptionSpec:
    code: str
    label: str
    label_en: str = ""
    value: float | None = None
    is_missing: bool = False


@dataclass
class OptionSetSpec:
    key: str
    name: str
    options: list[OptionSpec] = field(default_factory=list)


@dataclass
class VariableSpec:
    key: str
    label: str
    type: str
    help_text: str = ""
    option_set: str = ""
    instrument: str = ""
    unit: str = ""
    min_value: float | None = None
    max_value: float | None = None
    direction: str = ""
    is_main_measure: bool = False


@dataclass
class LinkSpec:
    variable: str
    required: bool = False


@dataclass
class StageSpec:
    key: str
    name: str
    kind: str
    anchor: str
    offset_days: int = 0
    window_before_days: int = 14
    window_after_days: int = 30
    sets_goals: bool = False
    assesses_goals: bool = False
    variables: list[LinkSpec] = field(default_factory=list)


# A stage's own settings, in the order files and pages show them, taken from StageSpec so the
# two cannot differ. Every other list of them derives from this one: the design form, the
# services that save and copy stages, the API's serializer and the YAML reader and writer.
STAGE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(StageSpec) if f.name != "variables")


@dataclass
class ProgrammeSpec:
    key: str
    version: int
    name: str
    owner: str
    purpose: str = ""
    target_group: str = ""
    intervention_types: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    auto_enroll: bool = True
    sampling: str = Programme.Sampling.ALL
    sampling_days: list[int] = field(default_factory=list)
    sampling_from: dt.date | None = None
    sampling_to: dt.date | None = None
    planning: dict[str, Any] = field(default_factory=dict)
    option_sets: list[OptionSetSpec] = field(default_factory=list)
    variables: list[VariableSpec] = field(default_factory=list)
    stages: list[StageSpec] = field(default_factory=list)


# --- org units as code paths ------------------------------------------------------------------


def unit_code_path(unit: OrgUnit) -> str:
    """'0780/AOV/VUX': the nearest reference unit's code, then codes down the tree.

    Reference codes (nation, regions, municipalities) are the same in every installation, so
    the path means the same thing wherever the file is imported.
    """
    chain = list(unit.ancestors())
    start = max(i for i, u in enumerate(chain) if u.kind in OrgUnit.REFERENCE_KINDS or i == 0)
    return "/".join(u.code for u in chain[start:])


def unit_from_code_path(code_path: str) -> OrgUnit | None:
    parts = [p for p in code_path.strip().strip("/").split("/") if p]
    if not parts:
        return None
    unit = OrgUnit.objects.filter(code=parts[0], kind__in=OrgUnit.REFERENCE_KINDS).first()
    for code in parts[1:]:
        if unit is None:
            return None
        unit = OrgUnit.objects.filter(parent=unit, code=code).first()
    return unit


# --- rules ------------------------------------------------------------------------------------


def key_problem(key: str, max_length: int = 40) -> str | None:
    """Keys are lowercase slugs; '__' is reserved as the separator in exports (<key>__<stage>)."""
    if not key:
        return _("A key is required.")
    if len(key) > max_length:
        return _("At most %(n)s characters.") % {"n": max_length}
    if not KEY_RE.match(key) or "__" in key:
        return _(
            "Use lowercase letters a–z, digits, - and _ (not two _ in a row), "
            "starting and ending with a letter or digit."
        )
    return None


def sampling_problems(
    sampling: str, days: list[int], date_from: dt.date | None, date_to: dt.date | None
) -> Problems:
    problems: Problems = {}
    if sampling not in Programme.Sampling.values:
        problems["sampling"] = [_("Unknown sampling rule %(rule)s.") % {"rule": sampling}]
    if sampling == Programme.Sampling.BIRTH_DAYS:
        if not days:
            problems["sampling_days"] = [_("Give at least one day of the month.")]
        elif any(not 1 <= d <= 31 for d in days):
            problems["sampling_days"] = [_("Days of the month are 1–31.")]
        elif len(set(days)) != len(days):
            problems["sampling_days"] = [_("A day is given twice.")]
    if sampling == Programme.Sampling.PERIOD and date_from is None and date_to is None:
        problems["sampling_from"] = [_("Give the first or the last intake date, or both.")]
    if date_from and date_to and date_from > date_to:
        problems["sampling_to"] = [_("The period ends before it starts.")]
    return problems


def variable_problems(
    v: VariableSpec, *, option_sets: set[str], instruments: set[str], taken_keys: set[str]
) -> Problems:
    """What is wrong with a variable; keys of the result are VariableSpec field names."""
    problems: Problems = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if (msg := key_problem(v.key)) is not None:
        add("key", msg)
    elif v.key in taken_keys:
        add("key", _("The key %(key)s is already used in this programme.") % {"key": v.key})
    if not v.label.strip():
        add("label", _("A label is required."))
    if v.type not in Variable.Type.values:
        add("type", _("Unknown variable type %(type)s.") % {"type": v.type})
        return problems
    choice = v.type in (Variable.Type.SINGLE, Variable.Type.MULTIPLE)
    if choice and not v.option_set:
        add("option_set", _("A choice needs an option set."))
    elif choice and v.option_set not in option_sets:
        add("option_set", _("Unknown option set %(key)s.") % {"key": v.option_set})
    elif not choice and v.option_set:
        add("option_set", _("Only single and multiple choices have an option set."))
    if v.type == Variable.Type.INSTRUMENT and not v.instrument:
        add("instrument", _("Choose the instrument."))
    elif v.type == Variable.Type.INSTRUMENT and v.instrument not in instruments:
        add("instrument", _("Unknown instrument %(key)s.") % {"key": v.instrument})
    elif v.type != Variable.Type.INSTRUMENT and v.instrument:
        add("instrument", _("Only an instrument variable names an instrument."))
    ranged = v.type in (Variable.Type.INTEGER, Variable.Type.DECIMAL, Variable.Type.INSTRUMENT)
    if not ranged and (v.min_value is not None or v.max_value is not None):
        add("min_value", _("Only numbers and instruments have a range."))
    if v.min_value is not None and v.max_value is not None and v.min_value > v.max_value:
        add("max_value", _("The highest value is lower than the lowest."))
    if v.type == Variable.Type.INTEGER:
        for name, bound in (("min_value", v.min_value), ("max_value", v.max_value)):
            if bound is not None and bound != int(bound):
                add(name, _("A whole-number variable needs whole-number limits."))
    if v.direction and v.direction not in Direction.values:
        add("direction", _("Direction must be lower or higher."))
    comparable = v.type in (*Variable.NUMERIC_TYPES, Variable.Type.SINGLE)
    if v.direction and not comparable:
        add("direction", _("Only numbers, choices and instruments have a direction."))
    if v.is_main_measure and not comparable:
        add("is_main_measure", _("The main measure must be a number, a choice or an instrument."))
    return problems


def stage_problems(s: StageSpec, *, taken_keys: set[str]) -> Problems:
    problems: Problems = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if (msg := key_problem(s.key)) is not None:
        add("key", msg)
    elif s.key in taken_keys:
        add("key", _("The key %(key)s is already used in this programme.") % {"key": s.key})
    if not s.name.strip():
        add("name", _("A name is required."))
    if s.kind not in Stage.Kind.values:
        add("kind", _("Unknown stage kind %(kind)s.") % {"kind": s.kind})
    if s.anchor not in Stage.Anchor.values:
        add("anchor", _("Unknown anchor %(anchor)s.") % {"anchor": s.anchor})
    if s.window_before_days < 0 or s.window_after_days < 0:
        add("window_before_days", _("Window days cannot be negative."))
    if abs(s.offset_days) > 3650:
        add("offset_days", _("The offset is at most ten years."))
    if s.sets_goals and s.assesses_goals:
        add("assesses_goals", _("A stage either sets goals or assesses them, not both."))
    return problems


def option_set_problems(o: OptionSetSpec, *, taken_keys: set[str] | None = None) -> Problems:
    problems: Problems = {}
    if (msg := key_problem(o.key, 60)) is not None:
        problems["key"] = [msg]
    elif taken_keys and o.key in taken_keys:
        problems["key"] = [_("The key %(key)s is already used.") % {"key": o.key}]
    if not o.name.strip():
        problems["name"] = [_("A name is required.")]
    if not o.options:
        problems.setdefault("options", []).append(_("Give at least one option."))
    seen: set[str] = set()
    for option in o.options:
        if not option.code or not OPTION_CODE_RE.match(option.code) or len(option.code) > 40:
            problems.setdefault("options", []).append(
                _("The code %(code)s is not valid: use letters, digits, . - _ (at most 40).")
                % {"code": option.code or "''"}
            )
        elif option.code in seen:
            problems.setdefault("options", []).append(
                _("The code %(code)s is given twice.") % {"code": option.code}
            )
        seen.add(option.code)
        if not option.label.strip():
            problems.setdefault("options", []).append(
                _("The option %(code)s has no label.") % {"code": option.code}
            )
    return problems


def publish_problems(spec: ProgrammeSpec) -> list[str]:
    """What keeps a draft from being published (a design that can collect data)."""
    problems = []
    if not spec.stages:
        problems.append(_("Add at least one stage."))
    for stage in spec.stages:
        if not stage.variables:
            problems.append(_("The stage %(stage)s collects no variables.") % {"stage": stage.name})
    problems.extend(
        msg
        for messages in sampling_problems(
            spec.sampling, spec.sampling_days, spec.sampling_from, spec.sampling_to
        ).values()
        for msg in messages
    )
    return problems


# --- reading a programme ---------------------------------------------------------------------


def option_set_spec(option_set: OptionSet) -> OptionSetSpec:
    return OptionSetSpec(
        key=option_set.key,
        name=option_set.name,
        options=[
            OptionSpec(
                code=o.code,
                label=o.label,
                label_en=o.label_en,
                value=o.value,
                is_missing=o.is_missing,
            )
            for o in option_set.options.all()
        ],
    )


def spec_from_programme(programme: Programme) -> ProgrammeSpec:
    variables = list(
        programme.variables.select_related("option_set", "instrument").order_by("sort_order", "id")
    )
    option_sets: dict[str, OptionSetSpec] = {}
    for v in variables:
        if v.option_set is not None and v.option_set.key not in option_sets:
            option_sets[v.option_set.key] = option_set_spec(v.option_set)
    stages = []
    for stage in programme.stages.order_by("sort_order", "id"):
        links = stage.stage_variables.select_related("variable").order_by("sort_order", "id")
        stages.append(
            StageSpec(
                **{name: getattr(stage, name) for name in STAGE_FIELDS},
                variables=[LinkSpec(link.variable.key, link.required) for link in links],
            )
        )
    return ProgrammeSpec(
        key=programme.key,
        version=programme.version,
        name=programme.name,
        owner=unit_code_path(programme.owner),
        purpose=programme.purpose,
        target_group=programme.target_group,
        intervention_types=sorted(t.code for t in programme.intervention_types.all()),
        units=sorted(unit_code_path(u) for u in programme.units.all()),
        auto_enroll=programme.auto_enroll,
        sampling=programme.sampling,
        sampling_days=[int(d) for d in programme.sampling_days or []],
        sampling_from=programme.sampling_from,
        sampling_to=programme.sampling_to,
        planning=dict(programme.planning or {}),
        option_sets=sorted(option_sets.values(), key=lambda o: o.key),
        variables=[
            VariableSpec(
                key=v.key,
                label=v.label,
                type=v.type,
                help_text=v.help_text,
                option_set=v.option_set.key if v.option_set else "",
                instrument=v.instrument.key if v.instrument else "",
                unit=v.unit,
                min_value=v.min_value,
                max_value=v.max_value,
                direction=v.direction,
                is_main_measure=v.is_main_measure,
            )
            for v in variables
        ],
        stages=stages,
    )
