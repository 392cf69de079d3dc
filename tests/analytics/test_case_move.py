"""Group results move with the case: the frame's org columns follow a moved case at once."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from insyn.analytics.frames import store
from insyn.analytics.specs import load_spec
from insyn.followup.models import Enrollment
from tests.analytics.factories import populate
from tests.clients.moving import move


def _units(tree) -> dict[int, int]:
    frame = store.frame(load_spec("vux"), [tree.vaxjo.pk])
    table = pa.concat_tables([pq.read_table(p) for p in frame.files], promote_options="permissive")
    rows = table.select(["enrollment_id", "unit_id"]).to_pylist()
    return {r["enrollment_id"]: r["unit_id"] for r in rows}


def test_a_moved_case_moves_its_rows_in_the_frame(tree, design):
    populate(tree, design, n=20, seed=3, units=[tree.vux_unit, tree.bof_unit])
    before = _units(tree)
    enrollment = Enrollment.objects.filter(unit=tree.vux_unit).first()
    move(enrollment.intervention.case, tree.bof_unit)
    after = _units(tree)
    assert before[enrollment.pk] == tree.vux_unit.pk and after[enrollment.pk] == tree.bof_unit.pk
    assert {k: v for k, v in after.items() if k != enrollment.pk} == {
        k: v for k, v in before.items() if k != enrollment.pk
    }
