"""The data version is counters bumped inside the writing transaction: an edit through the
services shows in the next analysis, only its municipality's partition is rebuilt, a rolled
back write moves nothing, and reading the version costs a few queries however much data
there is. Writes around the services are caught by `insyn analyze --recheck`/`--rebuild`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from insyn.analytics import cache
from insyn.analytics.aggregate import AnalysisRequest, Scope, aggregate
from insyn.analytics.frames import store
from insyn.analytics.recheck import recheck
from insyn.analytics.specs import load_spec
from insyn.clients.models import InterventionType
from insyn.followup import services
from insyn.followup.models import Occasion, Value
from tests.analytics import expected
from tests.analytics.factories import populate


def _occasion(design, unit) -> Occasion:
    """A done 'before' occasion in `unit` with a days value."""
    found = (
        Occasion.objects.filter(
            enrollment__unit=unit,
            stage__key="before",
            status=Occasion.Status.DONE,
            values__variable=design.variables["days"],
        )
        .order_by("pk")
        .first()
    )
    assert found is not None
    return found


def _record_days(occasion: Occasion, days: int) -> None:
    """Re-record the occasion through the service with a new number of days."""
    services.occasion_record(
        actor=None, occasion=occasion, values={"days": str(days)}, done_on=occasion.done_on
    )


def _new_days(occasion: Occasion, design) -> int:
    old = Value.objects.get(occasion=occasion, variable=design.variables["days"]).number
    return 7 if old != 7 else 8


def _mean_days_before() -> float:
    result = aggregate(AnalysisRequest("vux", "days", stage="before"), scope=Scope.system())
    return float(result.rows[0].values["mean"])


def _files_by_municipality(spec) -> dict[int, str]:
    frame = store.frame(spec)
    return {m: p.name for m, p in zip(frame.municipality_ids, frame.files, strict=True)}


def test_an_edit_through_the_services_shows_in_the_next_aggregate(generated, design, tree):
    first = _mean_days_before()
    occasion = _occasion(design, tree.vux_unit)
    _record_days(occasion, _new_days(occasion, design))
    df = expected.frame("vux")
    want = df["days__before"].dropna().mean()
    assert _mean_days_before() == pytest.approx(want, rel=1e-9)
    assert want != pytest.approx(first, rel=1e-12)


def test_a_write_in_one_municipality_rebuilds_only_its_partition(generated, design, tree):
    spec = load_spec("vux")
    before = _files_by_municipality(spec)
    occasion = _occasion(design, tree.kalmar_unit)
    days = _new_days(occasion, design)
    _record_days(occasion, days)
    after = _files_by_municipality(load_spec("vux"))
    assert after[tree.vaxjo.pk] == before[tree.vaxjo.pk]
    assert after[tree.kalmar.pk] != before[tree.kalmar.pk]
    row = expected.frame("vux").loc[occasion.enrollment_id]
    assert row["days__before"] == days


def test_a_rolled_back_write_moves_no_version(generated, design, tree):
    spec = load_spec("vux")
    files = store.frame(spec).files
    versions = cache.partition_versions(spec)
    occasion = _occasion(design, tree.vux_unit)
    inside: list[dict[int, str]] = []

    @transaction.atomic
    def write_then_fail() -> None:
        _record_days(occasion, _new_days(occasion, design))
        inside.append(cache.partition_versions(spec))
        raise RuntimeError("the request fails after the write")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert inside[0][tree.vaxjo.pk] != versions[tree.vaxjo.pk]  # bumped in the transaction
    assert cache.partition_versions(spec) == versions
    assert store.frame(load_spec("vux")).files == files


def test_reading_the_version_is_a_few_queries_whatever_the_data(
    tree, design, django_assert_max_num_queries
):
    spec = load_spec("vux")
    cache.partition_versions(spec)  # the database's first read creates the epoch
    with django_assert_max_num_queries(2):
        cache.partition_versions(spec)
    populate(tree, design, n=300, seed=11)
    with django_assert_max_num_queries(2):
        versions = cache.partition_versions(spec)
    assert {tree.vaxjo.pk, tree.kalmar.pk} <= set(versions)


def test_the_first_read_of_a_database_creates_the_epoch(
    tree, design, django_assert_max_num_queries
):
    spec = load_spec("vux")
    with django_assert_max_num_queries(5):
        cache.partition_versions(spec)
    assert cache.counters(cache.EVERYTHING)[cache.ALL_MUNICIPALITIES] > 0


def test_a_write_around_the_services_shows_after_a_recheck(generated, design, tree):
    spec = load_spec("vux")
    assert set(recheck(spec)) >= {tree.vaxjo.pk, tree.kalmar.pk}  # the first one: everything
    before = _files_by_municipality(spec)
    occasion = _occasion(design, tree.kalmar_unit)
    value = Value.objects.get(occasion=occasion, variable=design.variables["days"])
    value.number = _new_days(occasion, design)
    value.save()  # raw: no service, no bump
    assert _files_by_municipality(load_spec("vux")) == before
    assert recheck(spec) == [tree.kalmar.pk]
    after = _files_by_municipality(load_spec("vux"))
    assert after[tree.vaxjo.pk] == before[tree.vaxjo.pk]
    assert after[tree.kalmar.pk] != before[tree.kalmar.pk]
    assert recheck(spec) == []  # nothing changed since


def test_rebuild_marks_every_partition_stale(generated):
    before = cache.partition_versions(load_spec("vux"))
    out = io.StringIO()
    call_command("analyze", "--programme", "vux", "--rebuild", stdout=out)
    after = cache.partition_versions(load_spec("vux"))
    assert "stale" in out.getvalue()
    assert all(after[m] != v for m, v in before.items())


def test_a_catalogue_edit_marks_every_partition_stale(generated, design):
    before = cache.partition_versions(load_spec("vux"))
    kind = InterventionType.objects.order_by("pk").first()
    kind.code = kind.code + "x"
    kind.save()
    after = cache.partition_versions(load_spec("vux"))
    assert all(after[m] != v for m, v in before.items())
