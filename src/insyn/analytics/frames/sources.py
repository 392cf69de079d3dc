"""Extension point: other apps add columns to a programme's frame.

A *frame source* contributes variables measured per enrolment and stage that do not live in
the follow-up tables, e.g. the answers of a questionnaire tied to an occasion (surveys).
Register it once, in the app's `AppConfig.ready()`::

    from insyn.analytics.frames import register_frame_source
    register_frame_source(SurveyAnswers())

Its variables then appear in the frame as `<key>__<stage>` (a column per option for a
multiple choice), in the codebook, in `insyn analyze --list`, and can be analysed like the
programme's own variables. See docs/analysis.md, "Frame sources".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol, runtime_checkable

import pyarrow as pa

from insyn.analytics.spec_types import ProgrammeSpec, VariableSpec

# The columns a source's `values()` returns (long format, one row per value).
VALUES_SCHEMA = pa.schema(
    [
        ("enrollment_id", pa.int64()),
        ("variable", pa.string()),
        ("stage", pa.string()),
        ("number", pa.float64()),
        ("option", pa.string()),
    ]
)


@runtime_checkable
class FrameSource(Protocol):
    """What a frame source provides.

    key: a short name, used in the codebook's "source" column.
    variables(spec): the variables it adds to this programme (`VariableSpec` with
        `source=key`; types integer, decimal, boolean, single or multiple; `stages` lists
        the stage keys where the variable has values). Return [] if none.
    values(spec, municipality_ids): every value as an Arrow table with `VALUES_SCHEMA`
        (number for numeric and yes/no as 1/0; option code for single and multiple choice,
        one row per chosen option). `municipality_ids` limits it to enrolments whose unit
        lies in those municipalities (None: all). Bulk queries only.
    fingerprint(spec, municipality_ids): a string that changes whenever `values` would
        (e.g. count and latest updated_at per municipality); {municipality_id: fingerprint}.
        Only `insyn analyze --recheck` calls it: the data version itself is counters that the
        audited writes bump (`insyn.analytics.cache`), so write through services.
    """

    key: str

    def variables(self, spec: ProgrammeSpec) -> Sequence[VariableSpec]: ...

    def values(self, spec: ProgrammeSpec, municipality_ids: Sequence[int] | None) -> pa.Table: ...

    def fingerprint(
        self, spec: ProgrammeSpec, municipality_ids: Sequence[int] | None
    ) -> dict[int, str]: ...


_SOURCES: dict[str, FrameSource] = {}


def register_frame_source(source: FrameSource) -> None:
    """Add (or replace, by key) a frame source."""
    if not isinstance(source, FrameSource):
        raise TypeError(f"{source!r} does not implement FrameSource")
    _SOURCES[source.key] = source


def unregister_frame_source(key: str) -> None:
    _SOURCES.pop(key, None)


def frame_sources() -> list[FrameSource]:
    return list(_SOURCES.values())


def source_variables(spec: ProgrammeSpec) -> list[VariableSpec]:
    found: list[VariableSpec] = []
    for source in frame_sources():
        for variable in source.variables(spec):
            found.append(replace(variable, source=source.key, ids=()))
    return found
