"""秘匿処理 on crafted tables: every cell of 1–4 is hidden, and no hidden cell can be worked back from the printed
cells and totals — checked by linear algebra (exact fractions), not by the module's own graph argument."""

import random
from fractions import Fraction

import pytest

from tsunagu.reports.suppression import SMALL, TOTAL, Grid, recomputable, suppressed


def _equations(grid: Grid) -> list[dict]:
    """Each printed total as an equation over the cells: {position: coefficient} summing to 0."""
    height, width = len(grid.cells), len(grid.column_totals)
    rows = [*range(height), TOTAL]
    columns = [*range(width), TOTAL]
    found = []
    for r in rows:
        found.append({**{(r, c): 1 for c in range(width)}, (r, TOTAL): -1})
    for c in columns:
        found.append({**{(r, c): 1 for r in range(height)}, (TOTAL, c): -1})
    return found


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [r[:] for r in matrix]
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def determined(grid: Grid, hidden: set) -> set:
    """The hidden cells whose value the printed ones fix: removing the cell's column lowers the rank."""
    unknowns = sorted(hidden)
    matrix = [[Fraction(eq.get(at, 0)) for at in unknowns] for eq in _equations(grid)]
    full = _rank(matrix)
    return {at for k, at in enumerate(unknowns)
            if _rank([row[:k] + row[k + 1:] for row in matrix]) < full}


def _check(grid: Grid) -> set:
    hidden = suppressed(grid)
    assert all(grid.value(at) not in SMALL for at in set(grid.positions()) - hidden), "a small cell is printed"
    assert determined(grid, hidden) == set(), "a hidden cell can be worked back from the totals"
    return hidden


def test_one_small_cell_takes_a_rectangle_with_it():
    grid = Grid.of([[3, 10, 12], [8, 9, 15], [20, 7, 6]])
    hidden = _check(grid)
    assert (0, 0) in hidden and len(hidden) == 4  # the small cell and the cheapest rectangle through it
    assert all(TOTAL not in at for at in hidden)  # inside the table, where there is room


def test_a_small_total_is_hidden_too():
    grid = Grid.of([[1, 0, 2], [0, 1, 0], [30, 40, 50]])  # rows 0 and 1 add up to 3 and 1
    hidden = _check(grid)
    assert {(0, TOTAL), (1, TOTAL)} <= hidden and (0, 0) in hidden and (1, 1) in hidden


def test_a_lone_small_cell_in_a_single_row_table():
    _check(Grid.of([[2, 40, 50, 60]]))


def test_nothing_small_hides_nothing():
    assert suppressed(Grid.of([[0, 5, 12], [7, 0, 9]])) == set()


def test_without_complements_a_single_hidden_cell_is_given_away():
    grid = Grid.of([[3, 10], [8, 9]])
    assert determined(grid, {(0, 0)}) == {(0, 0)} and recomputable({(0, 0)}) == {(0, 0)}


@pytest.mark.parametrize("seed", range(25))
def test_crafted_tables_of_agencies_by_month(seed):
    rng = random.Random(seed)
    cells = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) for _ in range(12)] for _ in range(rng.randint(2, 6))]
    _check(Grid.of(cells))


@pytest.mark.parametrize("seed", range(25))
def test_the_graph_rule_agrees_with_linear_algebra(seed):
    rng = random.Random(1000 + seed)
    grid = Grid.of([[rng.randint(0, 9) for _ in range(5)] for _ in range(4)])
    hidden = {at for at in grid.positions() if rng.random() < 0.35}
    assert recomputable(hidden) == determined(grid, hidden)
