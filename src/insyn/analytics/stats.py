"""Statistics on grouped data: Wilson intervals, t intervals and the Wilcoxon signed-rank test.

The Wilcoxon test works from a frequency table (|difference| → how many positive, negative,
zero) that DuckDB computes for every group at once, so a breakdown needs one query instead
of one array per group. Up to 50 differences SciPy itself is called (it uses exact or
permutation p-values there); beyond that SciPy uses the normal approximation with tie
correction and no continuity correction, which is computed here from the counts with the
same formula (tests check the two agree).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))
EXACT_LIMIT = 50  # SciPy's own switch to the normal approximation


def wilson(k: int | None, n: int | None, z: float = Z95) -> tuple[float | None, float | None]:
    """95% Wilson score interval for k successes out of n."""
    if k is None or not n:
        return None, None
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def t_interval(
    mean: float | None, sd: float | None, n: int | None
) -> tuple[float | None, float | None]:
    """95% t interval for a mean (here: the mean paired change)."""
    if mean is None or sd is None or n is None or n < 2 or math.isnan(sd):
        return None, None
    half = _t975(n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


@functools.lru_cache(maxsize=4096)
def _t975(df: int) -> float:
    """The t distribution's 97.5% quantile (SciPy's call costs more than the rest of a
    group's statistics; a breakdown asks for the same few degrees of freedom again)."""
    return float(stats.t.ppf(0.975, df))


def wilcoxon_p(
    magnitudes: np.ndarray, positive: np.ndarray, negative: np.ndarray, zeros: int
) -> float | None:
    """Two-sided Wilcoxon signed-rank p for differences given as counts per |difference|.

    `magnitudes` are the distinct non-zero |differences|; `positive`/`negative` how many
    differences of that size went up/down; `zeros` how many did not change (dropped, as
    SciPy's default zero_method="wilcox"). None when there is nothing to test.
    """
    pos = np.asarray(positive, dtype=float)
    neg = np.asarray(negative, dtype=float)
    n_nonzero = int(pos.sum() + neg.sum())
    if n_nonzero == 0:
        return None
    if n_nonzero + zeros <= EXACT_LIMIT:
        d = np.concatenate(
            [
                np.repeat(np.asarray(magnitudes, dtype=float), pos.astype(int)),
                -np.repeat(np.asarray(magnitudes, dtype=float), neg.astype(int)),
                np.zeros(zeros),
            ]
        )
        p = float(stats.wilcoxon(d).pvalue)
        return None if math.isnan(p) else p
    order = np.argsort(magnitudes, kind="stable")
    pos, neg = pos[order], neg[order]
    ties = pos + neg
    before = np.cumsum(ties) - ties
    average_rank = before + (ties + 1) / 2
    r_plus = float((average_rank * pos).sum())
    n = n_nonzero
    mean = n * (n + 1) / 4
    variance = (n * (n + 1) * (2 * n + 1) - float((ties**3 - ties).sum()) / 2) / 24
    if variance <= 0:
        return None
    z = (r_plus - mean) / math.sqrt(variance)
    return float(min(1.0, 2 * stats.norm.sf(abs(z))))


def share(k: int | None, n: int | None) -> float | None:
    if k is None or not n:
        return None
    return k / n
