"""What a programme's frame contains: its stages and variables across all versions of the
programme key, plus the variables that registered frame sources add (the codebook).

Versions are merged by key: a variable or stage keeps its key across versions, and the
newest version's label, type and options describe it. A version that changed a variable's
type contributes only values that fit the newest type.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import get_language, gettext

from insyn.analytics.frames.sources import source_variables
from insyn.analytics.spec_types import (
    BandSpec,
    OptionSpec,
    ProgrammeSpec,
    StageSpec,
    T,
    VariableSpec,
)
from insyn.core import context
from insyn.followup.models import (
    Option,
    Programme,
    ScoreBand,
    Stage,
    StageVariable,
    Variable,
)

# Reserved per-stage columns; a variable may not be named so its columns would collide.
OCCASION_PREFIXES: tuple[str, ...] = (
    "occasion_status",
    "occasion_nonresponse",
    "occasion_done_on",
    "occasion_due_on",
    "occasion_window_start",
    "occasion_window_end",
    "age",
)


class SpecError(ValueError):
    """The programme's design cannot be turned into a frame (e.g. colliding column names)."""


def _direction(variable: Variable) -> str:
    if variable.direction:
        return str(variable.direction)
    if variable.instrument_id and variable.instrument is not None:
        return str(variable.instrument.direction)
    return ""


def load_spec(programme_key: str, *, with_sources: bool = True) -> ProgrammeSpec | None:
    """The merged design of every version of `programme_key`, or None if there is none.

    Built once per request (a page with several charts asked for it 4–5 times, ~8 queries
    each) and kept in the request's memo, which any recorded write empties; labels follow the
    active language, so it is part of the key. Callers must not change the spec."""
    return context.memoised(
        ("analytics.load_spec", programme_key, with_sources, get_language()),
        lambda: _shared_spec(programme_key, with_sources=with_sources),
    )


# Specs shared between requests: {key: (versions read, built at, build time, spec)}.
_specs: dict[tuple[str, bool, str], tuple[tuple[Any, ...], float, float, Any]] = {}


def _shared_spec(programme_key: str, *, with_sources: bool) -> ProgrammeSpec | None:
    """A spec built by an earlier request while the key's versions (id, status, last change:
    one query) are the same, for as long as the data-version fingerprint is trusted
    (`INSYN_ANALYTICS_RECHECK_FACTOR` × its build time, at most `…_MAX_SECONDS`; never in
    tests): a start page with two programmes read ~20 design rows per request otherwise.
    A new version, publishing or retiring shows at once; a draft edited in place (or a
    questionnaire's new version) once the interval has passed."""
    if settings.INSYN_ANALYTICS_RECHECK_FACTOR <= 0:
        return _load_spec(programme_key, with_sources=with_sources)
    versions = tuple(
        Programme.objects.filter(key=programme_key)
        .order_by("pk")
        .values_list("pk", "status", "updated_at")
    )
    cache_key = (programme_key, with_sources, get_language() or "")
    now = time.monotonic()
    cached = _specs.get(cache_key)
    if cached is not None and cached[0] == versions:
        _versions, built_at, duration, spec = cached
        interval = min(
            settings.INSYN_ANALYTICS_RECHECK_MAX_SECONDS,
            duration * settings.INSYN_ANALYTICS_RECHECK_FACTOR,
        )
        if now - built_at < interval:
            return spec
    started = time.monotonic()
    spec = _load_spec(programme_key, with_sources=with_sources) if versions else None
    _specs[cache_key] = (versions, time.monotonic(), time.monotonic() - started, spec)
    return spec


def _load_spec(programme_key: str, *, with_sources: bool) -> ProgrammeSpec | None:
    programmes = list(Programme.objects.filter(key=programme_key).order_by("-version"))
    if not programmes:
        return None
    ids = [p.pk for p in programmes]
    newest_first = {p.pk: i for i, p in enumerate(programmes)}
    stages: dict[str, StageSpec] = {}
    stage_rows = sorted(
        Stage.objects.filter(programme_id__in=ids),
        key=lambda s: (newest_first[s.programme_id], s.sort_order, s.pk),
    )
    stage_ids: dict[str, list[int]] = {}
    for s in stage_rows:
        stage_ids.setdefault(s.key, []).append(s.pk)
        stages.setdefault(s.key, StageSpec(s.key, s.name, s.kind))
    stage_key_by_id = {s.pk: s.key for s in stage_rows}
    collected: dict[int, list[str]] = {}
    for sv in StageVariable.objects.filter(stage_id__in=stage_key_by_id).order_by("stage_id"):
        collected.setdefault(sv.variable_id, []).append(stage_key_by_id[sv.stage_id])
    variables = list(
        Variable.objects.filter(programme_id__in=ids)
        .exclude(type=T.TEXT)
        .select_related("instrument")
    )
    variables.sort(key=lambda v: (newest_first[v.programme_id], v.sort_order, v.pk))
    option_sets = {v.option_set_id for v in variables if v.option_set_id}
    options: dict[int, list[OptionSpec]] = {}
    for o in Option.objects.filter(option_set_id__in=option_sets).order_by(
        "option_set_id", "sort_order", "code"
    ):
        options.setdefault(o.option_set_id, []).append(
            OptionSpec(o.code, o.display, o.is_missing, o.value)
        )
    instruments = {v.instrument_id for v in variables if v.instrument_id}
    bands: dict[int, list[BandSpec]] = {}
    for b in ScoreBand.objects.filter(instrument_id__in=instruments).order_by(
        "instrument_id", "sex", "min_score"
    ):
        bands.setdefault(b.instrument_id, []).append(
            BandSpec(b.sex, b.min_score, b.max_score, b.code, b.label, b.rank)
        )
    merged: dict[str, dict[str, Any]] = {}
    stage_order = list(stages)
    for v in variables:
        entry = merged.get(v.key)
        if entry is None:
            opts: tuple[OptionSpec, ...] = tuple(options.get(v.option_set_id or 0, []))
            if v.type == T.BOOLEAN:
                opts = (OptionSpec("yes", gettext("Yes")), OptionSpec("no", gettext("No")))
            entry = merged[v.key] = {
                "key": v.key,
                "label": v.label,
                "type": str(v.type),
                "options": opts,
                "bands": tuple(bands.get(v.instrument_id or 0, [])),
                "unit": v.unit,
                "direction": _direction(v),
                "is_main_measure": v.is_main_measure,
                "help_text": v.help_text,
                "ids": [],
                "stages": set(),
            }
        if str(v.type) == entry["type"]:
            entry["ids"].append(v.pk)
            entry["stages"].update(collected.get(v.pk, []))
    specs = [
        VariableSpec(
            **{
                **e,
                "ids": tuple(e["ids"]),
                "stages": tuple(s for s in stage_order if s in e["stages"]),
            }
        )
        for e in merged.values()
    ]
    spec = ProgrammeSpec(
        key=programme_key,
        name=programmes[0].name,
        versions={p.pk: p.version for p in programmes},
        stages=[StageSpec(s.key, s.name, s.kind, tuple(stage_ids[s.key])) for s in stages.values()],
        variables=specs,
    )
    if with_sources:
        spec.variables += source_variables(spec)
    check_columns(spec)
    spec.fingerprint = _fingerprint(spec)
    return spec


def check_columns(spec: ProgrammeSpec) -> None:
    """Every frame column name must be unique; say which keys collide if not."""
    seen: dict[str, str] = {}
    stage_keys = [s.key for s in spec.stages]
    for stage in stage_keys:
        for prefix in OCCASION_PREFIXES:
            seen[f"{prefix}__{stage}"] = gettext("the occasion columns")
    for v in spec.variables:
        names = []
        for stage in v.stages:
            names.append(v.column(stage))
            if v.type == T.INSTRUMENT:
                names.append(v.band_column(stage))
            if v.type == T.MULTIPLE:
                names += [v.option_column(stage, o.code) for o in v.options]
        for name in names:
            if name in seen:
                raise SpecError(
                    gettext(
                        "The column %(name)s of variable %(key)s collides with %(other)s; "
                        "rename one of them."
                    )
                    % {"name": name, "key": v.key, "other": seen[name]}
                )
            seen[name] = v.key


def _fingerprint(spec: ProgrammeSpec) -> str:
    """What the frame's shape depends on (keys, ids, types, option codes, bands), not labels."""
    shape = {
        "versions": sorted(spec.versions.items()),
        "stages": [(s.key, s.ids) for s in spec.stages],
        "variables": [
            (
                v.key,
                v.type,
                v.source,
                v.ids,
                v.stages,
                [o.code for o in v.options],
                [(b.sex, b.min_score, b.max_score, b.code) for b in v.bands],
            )
            for v in spec.variables
        ],
    }
    return hashlib.sha256(json.dumps(shape, default=str).encode()).hexdigest()[:16]


def analysable(variables: Sequence[VariableSpec]) -> list[VariableSpec]:
    """Variables that `aggregate()` can summarise (dates only appear in exports)."""
    return [v for v in variables if v.type != T.DATE]
