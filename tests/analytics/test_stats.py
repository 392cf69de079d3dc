"""The statistics against SciPy and textbook formulas, on random data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sp

from insyn.analytics import stats


def counts_of(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    magnitudes = np.unique(np.abs(d[d != 0]))
    positive = np.array([((d > 0) & (np.abs(d) == m)).sum() for m in magnitudes])
    negative = np.array([((d < 0) & (np.abs(d) == m)).sum() for m in magnitudes])
    return magnitudes, positive, negative, int((d == 0).sum())


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(min_value=-6, max_value=6), min_size=1, max_size=400),
    st.booleans(),
)
def test_wilcoxon_from_counts_equals_scipy(values, halves):
    d = np.array(values, dtype=float) / (2 if halves else 1)
    got = stats.wilcoxon_p(*counts_of(d))
    if not (d != 0).any():
        assert got is None
        return
    want = sp.wilcoxon(d).pvalue
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_wilcoxon_large_continuous_sample():
    rng = np.random.default_rng(5)
    d = np.round(rng.normal(0.2, 3, 5000), 1)
    assert stats.wilcoxon_p(*counts_of(d)) == pytest.approx(sp.wilcoxon(d).pvalue, rel=1e-9)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (57, 130), (1, 1)])
def test_wilson_interval(k, n):
    z = sp.norm.ppf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = stats.wilson(k, n)
    assert low == pytest.approx(max(0.0, centre - half), abs=1e-12)
    assert high == pytest.approx(min(1.0, centre + half), abs=1e-12)
    assert stats.wilson(None, n) == (None, None)
    assert stats.wilson(k, 0) == (None, None)


def test_t_interval_matches_scipy():
    rng = np.random.default_rng(1)
    d = rng.normal(1, 2, 37)
    low, high = stats.t_interval(float(d.mean()), float(d.std(ddof=1)), len(d))
    want = sp.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=sp.sem(d))
    assert (low, high) == pytest.approx(want, rel=1e-12)
    assert stats.t_interval(1.0, None, 1) == (None, None)
