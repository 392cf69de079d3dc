"""Frames: built in bulk from the database, equal to an independent pandas reconstruction,
cached by data version, rebuilt after an edit, and extensible by frame sources."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from insyn.analytics import cache
from insyn.analytics.frames import register_frame_source, store, unregister_frame_source
from insyn.analytics.specs import SpecError, VariableSpec, load_spec
from insyn.followup.models import Occasion, Value, Variable
from tests.analytics import expected
from tests.analytics.factories import add_version, populate


def read(frame) -> pd.DataFrame:
    return (
        pa.concat_tables([pq.read_table(p) for p in frame.files], promote_options="permissive")
        .to_pandas()
        .set_index("enrollment_id")
    )


def built(key: str, municipality_ids=None) -> pd.DataFrame:
    return read(store.frame(load_spec(key), municipality_ids))


def same(a: pd.Series, b: pd.Series) -> None:
    a = a.sort_index()
    b = b.reindex(a.index)
    left = [
        None if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA else x for x in a
    ]
    right = [
        None if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA else x for x in b
    ]
    assert left == right, (
        a.name,
        [(i, x, y) for i, x, y in zip(a.index, left, right, strict=True) if x != y][:5],
    )


def test_frame_matches_an_independent_reconstruction(generated):
    got = built("vux")
    want = expected.frame("vux")
    assert sorted(got.index) == sorted(want.index)
    for column in [
        "client_id",
        "programme_version",
        "unit_id",
        "municipality_id",
        "sex",
        "age",
        "intervention_type",
        "provider",
        "legal_basis",
        "end_reason",
        "end_outcome",
        "goals",
        "goals_achieved",
        "goals_partly",
        "goals_not",
        "goals_unknown",
        "goals_unassessed",
        "days__before",
        "days__after",
        "audit__before",
        "audit__later",
        "wellbeing__after",
        "housing__before",
        "housing__later",
        "age__before",
        "age__after",
        "support__before__family",
        "support__after__pro",
    ]:
        same(
            got[column].astype(object),
            want[column].astype(object) if column in want else pd.Series(dtype=object),
        )
    employed = got["employed__after"].map({True: "yes", False: "no"})
    same(employed.astype(object), want["employed__after"].astype(object))
    for stage in ("before", "after"):
        band = [
            expected.audit_band(t, s)
            for t, s in zip(want[f"audit__{stage}"], want["sex"], strict=True)
        ]
        same(
            got[f"audit_band__{stage}"].astype(object),
            pd.Series(band, index=want.index, dtype=object),
        )
        same(
            got[f"occasion_nonresponse__{stage}"].astype(object),
            want[f"nonresponse__{stage}"].astype(object),
        )
    assert "note__before" not in got.columns  # free text never enters a frame
    assert got["relapse_on__later"].notna().any()


def test_partitions_per_municipality(generated, tree):
    frame = store.frame(load_spec("vux"))
    assert sorted(frame.municipality_ids) == sorted({tree.vaxjo.pk, tree.kalmar.pk})
    only = store.frame(load_spec("vux"), [tree.kalmar.pk])
    df = read(only)
    assert set(df["municipality_id"]) == {tree.kalmar.pk}


def test_bump_alone_rebuilds_the_partition(generated, design, tree):
    """A write around the services is not seen (no scan on the request path) until its
    municipality's counter moves. An edit through the services: test_data_version.py."""
    spec = load_spec("vux")
    first = store.frame(spec)
    occ = Occasion.objects.filter(enrollment__unit=tree.kalmar_unit, status="done").first()
    Value.objects.filter(occasion=occ, variable=design.variables["days"]).delete()
    Value.objects.create(occasion=occ, variable=design.variables["days"], number=17)
    Occasion.objects.filter(pk=occ.pk).update(updated_at=occ.updated_at)  # a sneaky write
    assert store.frame(load_spec("vux")).files == first.files
    cache.bump("vux", tree.kalmar.pk)
    second = store.frame(load_spec("vux"))
    changed = [a != b for a, b in zip(first.files, second.files, strict=True)]
    kalmar_index = second.municipality_ids.index(tree.kalmar.pk)
    assert changed[kalmar_index] and sum(changed) == 1
    assert (
        read(second).loc[
            occ.enrollment_id,
            "days__before" if occ.stage.key == "before" else f"days__{occ.stage.key}",
        ]
        == 17
    )


def test_versions_are_one_frame(tree, design):
    add_version(tree, design)
    populate(tree, design, n=60, seed=3)
    got = built("vux")
    assert set(got["programme_version"]) == {1, 2}
    assert got["days__before"].notna().sum() > 30


def test_empty_programme_has_a_schema(design):
    frame = store.frame(load_spec("vux"))
    df = read(frame)
    assert len(df) == 0 and "days__before" in df.columns


def test_colliding_columns_are_refused(design):
    Variable.objects.create(
        programme=design.programme, key="occasion_status", label="x", type="integer"
    )
    design.stages["before"].stage_variables.create(
        variable=Variable.objects.get(key="occasion_status")
    )
    with pytest.raises(SpecError, match="krockar"):
        load_spec("vux")


class Answers:
    """A frame source like the surveys app's: one numeric answer per enrolment at 'after'."""

    key = "test-survey"

    def __init__(self, rows):
        self.rows = rows

    def variables(self, spec):
        return [VariableSpec(key="satisfied", label="Nöjd", type="integer", stages=("after",))]

    def values(self, spec, municipality_ids):
        return pa.table(
            {
                "enrollment_id": pa.array([r[0] for r in self.rows], pa.int64()),
                "variable": ["satisfied"] * len(self.rows),
                "stage": ["after"] * len(self.rows),
                "number": pa.array([float(r[1]) for r in self.rows]),
                "option": pa.array([None] * len(self.rows), pa.string()),
            }
        )

    def fingerprint(self, spec, municipality_ids):
        return {m: str(len(self.rows)) for m in {r[2] for r in self.rows}}


def test_frame_sources_add_columns(generated):
    ids = [(e.pk, i % 5, e.unit.municipality_id) for i, e in enumerate(generated.enrollments[:20])]
    register_frame_source(Answers(ids))
    try:
        spec = load_spec("vux")
        assert spec.variable("satisfied").source == "test-survey"
        got = read(store.frame(spec))
        for pk, value, _m in ids:
            assert got.loc[pk, "satisfied__after"] == value
    finally:
        unregister_frame_source("test-survey")
