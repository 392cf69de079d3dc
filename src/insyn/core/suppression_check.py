"""Checking a suppressed table: can any hidden cell be computed from what is shown?

Dense linear algebra (numpy, scipy), so it lives apart from the algorithm in
`insyn.core.suppression`: tests and audits import it, requests never do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from insyn.core.suppression import Key, Relation


def derivable(
    counts: Mapping[Key, int], relations: Iterable[Relation], hidden: Iterable[Key]
) -> set[Key]:
    """Hidden cells whose value follows exactly from the shown cells (should be empty).

    A hidden cell is determined when every solution of the relations (restricted to the
    hidden cells) gives it the same value, i.e. when the null space of that system is zero
    in its coordinate. Dense linear algebra per connected block of hidden cells: for tests
    and audits.
    """
    import numpy as np
    from scipy.linalg import null_space

    hidden_set = {k for k in hidden if k in counts}
    if not hidden_set:
        return set()
    equations: list[list[tuple[Key, int]]] = []
    for rel in relations:
        if rel.total not in counts:
            continue  # an unpublished total ties nothing down
        terms = [(p, 1) for p in rel.parts if p in hidden_set]
        if rel.total in hidden_set:
            terms.append((rel.total, -1))
        if terms:
            equations.append(terms)
    # Connected blocks: hidden cells linked by a shared equation.
    parent = {k: k for k in hidden_set}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for terms in equations:
        first = find(terms[0][0])
        for cell, _c in terms[1:]:
            parent[find(cell)] = first
    blocks: dict[Key, list[Key]] = {}
    for k in hidden_set:
        blocks.setdefault(find(k), []).append(k)
    block_equations: dict[Key, list[list[tuple[Key, int]]]] = {}
    for terms in equations:
        block_equations.setdefault(find(terms[0][0]), []).append(terms)
    found: set[Key] = set()
    for root, cells in blocks.items():
        rows = block_equations.get(root, [])
        if not rows:
            continue
        col = {k: i for i, k in enumerate(cells)}
        a = np.zeros((len(rows), len(cells)))
        for r, terms in enumerate(rows):
            for cell, coef in terms:
                a[r, col[cell]] += coef
        basis = null_space(a)
        for cell, i in col.items():
            if basis.shape[1] == 0 or np.all(np.abs(basis[i]) < 1e-9):
                found.add(cell)
    return found
