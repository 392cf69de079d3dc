from __future__ import annotations

import pytest

from insyn.analytics import spec_cache
from insyn.analytics.aggregate import forget_results
from tests.analytics.factories import Generated, make_programme, populate


@pytest.fixture(autouse=True)
def frame_cache(tmp_path, settings):
    """Every test gets its own frame cache and an empty result memo."""
    settings.INSYN_ANALYTICS_CACHE = tmp_path / "analytics"
    forget_results()
    spec_cache.forget()
    yield settings.INSYN_ANALYTICS_CACHE
    forget_results()
    spec_cache.forget()


@pytest.fixture
def design(tree):
    return make_programme(tree)


@pytest.fixture
def generated(tree, design) -> Generated:
    return populate(tree, design, n=240, seed=7)
