"""Programme definitions as YAML (docs/programme-format.md), so regions can share designs.

`dump_spec` writes one canonical text for a spec (fixed key order, defaults left out), so
export → import → export gives the same bytes. `load_spec` reads a file strictly: an unknown
field, a wrong type or a missing field is reported with where it is, before anything is built.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from insyn.followup.sample_size import PLANNING_KEYS
from insyn.followup.spec import (
    STAGE_FIELDS,
    LinkSpec,
    OptionSetSpec,
    OptionSpec,
    ProgrammeSpec,
    StageSpec,
    VariableSpec,
)

FORMAT = "insyn-programme/1"


class _Dumper(yaml.SafeDumper):
    """Multi-line text as literal blocks, lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def _num(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _option(o: OptionSpec) -> dict[str, Any]:
    row: dict[str, Any] = {"code": o.code, "label": o.label}
    if o.label_en:
        row["label_en"] = o.label_en
    if o.value is not None:
        row["value"] = _num(o.value)
    if o.is_missing:
        row["missing"] = True
    return row


def _variable(v: VariableSpec) -> dict[str, Any]:
    row: dict[str, Any] = {"key": v.key, "label": v.label, "type": v.type}
    optional: list[tuple[str, Any]] = [
        ("help_text", v.help_text),
        ("option_set", v.option_set),
        ("instrument", v.instrument),
        ("unit", v.unit),
        ("min", _num(v.min_value)),
        ("max", _num(v.max_value)),
        ("direction", v.direction),
    ]
    row.update((k, value) for k, value in optional if value not in ("", None))
    if v.is_main_measure:
        row["main_measure"] = True
    return row


def _stage(s: StageSpec) -> dict[str, Any]:
    return {
        **{name: getattr(s, name) for name in STAGE_FIELDS},
        "variables": [
            {"variable": link.variable, "required": link.required} for link in s.variables
        ],
    }


def _planning(plan: dict[str, Any]) -> dict[str, Any]:
    """In the documented order (PostgreSQL's jsonb does not keep the order it was given)."""
    return {key: plan[key] for key in PLANNING_KEYS if key in plan}


def spec_to_data(spec: ProgrammeSpec) -> dict[str, Any]:
    sampling: dict[str, Any] = {"rule": spec.sampling}
    if spec.sampling_days:
        sampling["days"] = list(spec.sampling_days)
    if spec.sampling_from:
        sampling["from"] = spec.sampling_from.isoformat()
    if spec.sampling_to:
        sampling["to"] = spec.sampling_to.isoformat()
    return {
        "format": FORMAT,
        "key": spec.key,
        "version": spec.version,
        "name": spec.name,
        "owner": spec.owner,
        "purpose": spec.purpose,
        "target_group": spec.target_group,
        "inclusion": {
            "intervention_types": list(spec.intervention_types),
            "units": list(spec.units),
            "auto_enrol": spec.auto_enroll,
        },
        "sampling": sampling,
        **({"planning": _planning(spec.planning)} if spec.planning else {}),
        "option_sets": [
            {"key": o.key, "name": o.name, "options": [_option(x) for x in o.options]}
            for o in spec.option_sets
        ],
        "variables": [_variable(v) for v in spec.variables],
        "stages": [_stage(s) for s in spec.stages],
    }


def dump_spec(spec: ProgrammeSpec) -> str:
    text = yaml.dump(
        spec_to_data(spec),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return "# insyn programme definition – docs/programme-format.md\n" + text


# --- reading ---------------------------------------------------------------------------------


class _Reader:
    """Typed access to a parsed mapping that remembers every problem and where it was."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}" if where else message)

    def mapping(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, _("Expected a mapping (key: value)."))
            return {}
        for name in value:
            if name not in allowed:
                self.fail(where, _("Unknown field %(name)s.") % {"name": name})
        return value

    def items(self, data: dict[str, Any], name: str, where: str) -> list[Any]:
        value = data.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(_join(where, name), _("Expected a list."))
            return []
        return value

    def text(self, data: dict[str, Any], name: str, where: str, *, required: bool = False) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.fail(_join(where, name), _("This field is required."))
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(_join(where, name), _("Expected text."))
            return ""
        return str(value)

    def integer(self, data: dict[str, Any], name: str, where: str, default: int) -> int:
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(where, name), _("Expected a whole number."))
            return default
        return value

    def number(self, data: dict[str, Any], name: str, where: str) -> float | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(_join(where, name), _("Expected a number."))
            return None
        return float(value)

    def flag(self, data: dict[str, Any], name: str, where: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.fail(_join(where, name), _("Expected true or false."))
            return default
        return value

    def date(self, data: dict[str, Any], name: str, where: str) -> dt.date | None:
        value = data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(_join(where, name), _("Enter a date as YYYY-MM-DD."))
            return None


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


_TOP = {
    "format",
    "key",
    "version",
    "name",
    "owner",
    "purpose",
    "target_group",
    "inclusion",
    "sampling",
    "planning",
    "option_sets",
    "variables",
    "stages",
}
_VARIABLE = {
    "key",
    "label",
    "type",
    "help_text",
    "option_set",
    "instrument",
    "unit",
    "min",
    "max",
    "direction",
    "main_measure",
}
_STAGE = {*STAGE_FIELDS, "variables"}


def _read_option_sets(r: _Reader, data: dict[str, Any]) -> list[OptionSetSpec]:
    result = []
    for i, raw in enumerate(r.items(data, "option_sets", ""), start=1):
        where = f"option_sets[{i}]"
        row = r.mapping(raw, where, {"key", "name", "options"})
        options = []
        for j, raw_o in enumerate(r.items(row, "options", where), start=1):
            w = f"{where}.options[{j}]"
            o = r.mapping(raw_o, w, {"code", "label", "label_en", "value", "missing"})
            options.append(
                OptionSpec(
                    code=r.text(o, "code", w, required=True),
                    label=r.text(o, "label", w, required=True),
                    label_en=r.text(o, "label_en", w),
                    value=r.number(o, "value", w),
                    is_missing=r.flag(o, "missing", w, False),
                )
            )
        result.append(
            OptionSetSpec(
                key=r.text(row, "key", where, required=True),
                name=r.text(row, "name", where, required=True),
                options=options,
            )
        )
    return result


def _read_variables(r: _Reader, data: dict[str, Any]) -> list[VariableSpec]:
    result = []
    for i, raw in enumerate(r.items(data, "variables", ""), start=1):
        where = f"variables[{i}]"
        row = r.mapping(raw, where, _VARIABLE)
        result.append(
            VariableSpec(
                key=r.text(row, "key", where, required=True),
                label=r.text(row, "label", where, required=True),
                type=r.text(row, "type", where, required=True),
                help_text=r.text(row, "help_text", where),
                option_set=r.text(row, "option_set", where),
                instrument=r.text(row, "instrument", where),
                unit=r.text(row, "unit", where),
                min_value=r.number(row, "min", where),
                max_value=r.number(row, "max", where),
                direction=r.text(row, "direction", where),
                is_main_measure=r.flag(row, "main_measure", where, False),
            )
        )
    return result


def _read_stages(r: _Reader, data: dict[str, Any]) -> list[StageSpec]:
    result = []
    for i, raw in enumerate(r.items(data, "stages", ""), start=1):
        where = f"stages[{i}]"
        row = r.mapping(raw, where, _STAGE)
        links = []
        for j, raw_link in enumerate(r.items(row, "variables", where), start=1):
            w = f"{where}.variables[{j}]"
            if isinstance(raw_link, str):  # shorthand: just the key, not required
                links.append(LinkSpec(raw_link))
                continue
            link = r.mapping(raw_link, w, {"variable", "required"})
            links.append(
                LinkSpec(
                    r.text(link, "variable", w, required=True),
                    r.flag(link, "required", w, False),
                )
            )
        result.append(
            StageSpec(
                key=r.text(row, "key", where, required=True),
                name=r.text(row, "name", where, required=True),
                kind=r.text(row, "kind", where, required=True),
                anchor=r.text(row, "anchor", where, required=True),
                offset_days=r.integer(row, "offset_days", where, 0),
                window_before_days=r.integer(row, "window_before_days", where, 14),
                window_after_days=r.integer(row, "window_after_days", where, 30),
                sets_goals=r.flag(row, "sets_goals", where, False),
                assesses_goals=r.flag(row, "assesses_goals", where, False),
                variables=links,
            )
        )
    return result


def load_spec(text: str) -> ProgrammeSpec:
    """Parse a programme file; raises ValidationError listing every problem with its place."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark else ""
        raise ValidationError(
            [f"{where}: {_('Not valid YAML.')}" if where else _("Not valid YAML.")]
        ) from exc
    r = _Reader()
    top = r.mapping(data, "", _TOP)
    if r.errors and not top:
        raise ValidationError(r.errors)
    if top.get("format") != FORMAT:
        r.fail("format", _("Expected %(format)s.") % {"format": FORMAT})
    inclusion = r.mapping(
        top.get("inclusion") or {}, "inclusion", {"intervention_types", "units", "auto_enrol"}
    )
    sampling = r.mapping(top.get("sampling") or {}, "sampling", {"rule", "days", "from", "to"})
    days = r.items(sampling, "days", "sampling")
    if any(isinstance(d, bool) or not isinstance(d, int) for d in days):
        r.fail("sampling.days", _("Expected whole numbers."))
        days = []
    types = r.items(inclusion, "intervention_types", "inclusion")
    units = r.items(inclusion, "units", "inclusion")
    spec = ProgrammeSpec(
        key=r.text(top, "key", "", required=True),
        version=r.integer(top, "version", "", 1),
        name=r.text(top, "name", "", required=True),
        owner=r.text(top, "owner", "", required=True),
        purpose=r.text(top, "purpose", ""),
        target_group=r.text(top, "target_group", ""),
        intervention_types=[str(t) for t in types],
        units=[str(u) for u in units],
        auto_enroll=r.flag(inclusion, "auto_enrol", "inclusion", True),
        sampling=r.text(sampling, "rule", "sampling") or "all",
        sampling_days=days,
        sampling_from=r.date(sampling, "from", "sampling"),
        sampling_to=r.date(sampling, "to", "sampling"),
        planning=r.mapping(top.get("planning") or {}, "planning", set(PLANNING_KEYS)),
        option_sets=_read_option_sets(r, top),
        variables=_read_variables(r, top),
        stages=_read_stages(r, top),
    )
    if r.errors:
        raise ValidationError(r.errors)
    return spec
