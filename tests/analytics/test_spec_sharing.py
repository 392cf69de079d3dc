"""Programme specs are shared between requests (issue 16: a start page read ~20 design rows per
request): only while the key's versions are unchanged, and only where the data version is
trusted between rechecks (never with the tests' recheck factor of 0)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from insyn.analytics import specs
from insyn.analytics.specs import load_spec
from insyn.core import context
from insyn.followup.services.design import programme_new_version, programme_publish
from tests.followup.factories import programme


def _in_a_request(read: Callable[[], Any]) -> Any:
    token = context.begin(context.RequestContext(memo={}))
    try:
        return read()
    finally:
        context.end(token)


@pytest.fixture
def trusted(settings: Any) -> Iterator[None]:
    settings.INSYN_ANALYTICS_RECHECK_FACTOR = 10**6  # production's interval, capped at MAX
    specs._specs.clear()
    yield
    specs._specs.clear()


def test_a_later_request_reads_only_the_versions(
    tree, catalogues, trusted, django_assert_num_queries
) -> None:
    programme(tree.vaxjo, key="vux")
    first = _in_a_request(lambda: load_spec("vux"))
    with django_assert_num_queries(1):
        again = _in_a_request(lambda: load_spec("vux"))
    assert again is first
    assert [v.key for v in again.variables] == [v.key for v in first.variables]


def test_a_new_version_and_its_publishing_show_at_once(tree, catalogues, trusted) -> None:
    published = programme(tree.vaxjo, key="vux")
    before = _in_a_request(lambda: load_spec("vux"))
    draft = programme_new_version(actor=None, programme=published)
    with_draft = _in_a_request(lambda: load_spec("vux"))
    assert set(before.versions) == {published.pk}
    assert set(with_draft.versions) == {published.pk, draft.pk}
    programme_publish(actor=None, programme=draft)
    assert _in_a_request(lambda: load_spec("vux")) is not with_draft


def test_an_unknown_key_is_none_and_is_found_once_it_exists(tree, catalogues, trusted) -> None:
    assert _in_a_request(lambda: load_spec("vux")) is None
    programme(tree.vaxjo, key="vux")
    assert _in_a_request(lambda: load_spec("vux")) is not None


def test_without_a_trusted_interval_every_request_builds_its_own(tree, catalogues) -> None:
    programme(tree.vaxjo, key="vux")
    first = _in_a_request(lambda: load_spec("vux"))
    assert _in_a_request(lambda: load_spec("vux")) is not first
