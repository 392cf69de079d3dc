"""The per-process cache of programme designs: reused while nothing changed, rebuilt when a
version is added, an item is edited here or elsewhere."""

from __future__ import annotations

import pytest

from insyn.analytics import spec_cache
from insyn.analytics.aggregate import AnalysisRequest, Scope, aggregate
from insyn.analytics.specs import load_spec
from insyn.followup.models import Stage, StageVariable, Variable
from tests.analytics.factories import add_version


@pytest.fixture(autouse=True)
def fresh_cache():
    spec_cache.forget()
    yield
    spec_cache.forget()


def _builds(monkeypatch) -> list[str]:
    """Record every full build of a design."""
    from insyn.analytics import specs

    calls: list[str] = []
    real = specs._load_spec

    def counting(key: str):
        calls.append(key)
        return real(key)

    monkeypatch.setattr(specs, "_load_spec", counting)
    return calls


def test_an_unchanged_design_is_built_once(design, monkeypatch, django_assert_max_num_queries):
    builds = _builds(monkeypatch)
    first = load_spec(design.key)
    with django_assert_max_num_queries(3):  # the stamp, plus what frame sources ask
        second = load_spec(design.key)
    assert builds == [design.key]
    assert first is not None and second is not None
    assert first is not second  # each caller gets its own lists
    assert [v.key for v in first.variables] == [v.key for v in second.variables]
    assert first.fingerprint == second.fingerprint


def test_a_new_version_is_seen_at_once(tree, design, monkeypatch):
    before = load_spec(design.key)
    assert before is not None
    newer = add_version(tree, design)
    Variable.objects.create(programme=newer, key="extra", label="Extra", type="integer")
    after = load_spec(design.key)
    assert after is not None
    assert sorted(after.versions.values()) == [1, 2]
    assert after.variable("extra") is not None
    assert before.variable("extra") is None
    assert after.fingerprint != before.fingerprint


def test_an_edit_made_here_is_seen(design):
    variable = design.variables["days"]
    assert load_spec(design.key).variable("days").label == variable.label
    variable.label = "Dagar med bruk"
    variable.save()
    assert load_spec(design.key).variable("days").label == "Dagar med bruk"


def test_an_edit_elsewhere_that_changes_a_count_is_seen(design):
    """Bulk writes (another process, a data migration) send no signals; the stamp sees them."""
    load_spec(design.key)
    stage = Stage.objects.bulk_create(
        [
            Stage(
                programme=design.programme,
                key="extra",
                name="Extra",
                kind="later",
                anchor="intervention_end",
                sort_order=9,
            )
        ]
    )[0]
    assert load_spec(design.key).stage("extra") is not None
    StageVariable.objects.bulk_create(
        [StageVariable(stage=stage, variable=design.variables["days"])]
    )
    assert "extra" in load_spec(design.key).variable("days").stages


def test_an_edit_elsewhere_without_a_count_is_seen_after_the_age_limit(design, monkeypatch):
    load_spec(design.key)
    Variable.objects.filter(pk=design.variables["days"].pk).update(label="Renamed elsewhere")
    assert load_spec(design.key).variable("days").label != "Renamed elsewhere"  # stale, bounded
    monkeypatch.setattr(spec_cache, "MAX_AGE", 0.0)
    assert load_spec(design.key).variable("days").label == "Renamed elsewhere"


def test_aggregate_follows_a_new_version(tree, generated):
    design = generated.design
    request = AnalysisRequest(design.key, "days", stage="before")
    first = aggregate(request, scope=Scope.system())
    add_version(tree, design)
    second = aggregate(request, scope=Scope.system())
    assert second.programme.fingerprint != first.programme.fingerprint
    assert sorted(second.programme.versions.values()) == [1, 2]
    assert second.total().values["n"] == first.total().values["n"]
