"""秘匿処理 for published figures: small cells hidden, and enough others with them that none can be worked back.

A published table is rows × columns of counts with its row totals, column totals and grand total, all printed.
Primary suppression hides every cell (totals included) of 1 to 4 (`SMALL`); 0 and 5 or more are shown.
Complementary suppression then hides further cells until no hidden cell can be recomputed from what is printed.

Why the rule below is exact: write the table with its totals as an (R+1) × (C+1) grid, and flip the sign of the
total row's and total column's cells except the grand total's. Every printed equation ("a row adds up to its total",
"a column adds up to its total") becomes "the cells on one row, or one column, of the grid sum to zero": the grid is
the complete bipartite graph of its row lines and column lines, a cell is an edge, and the equations say each line's
edges sum to zero. The hidden cells are the unknowns; what they may be is fixed up to the cycles of the graph they
form. So a hidden cell is recomputable exactly when its edge lies on no cycle of hidden cells — it is a bridge. The
complement is therefore chosen so that the hidden cells form a graph without bridges: for each bridge, the cheapest
rectangle (two rows, two columns) through it is hidden too, preferring cells already hidden, then small non-zero
cells inside the table over zeros and totals. Adding edges never makes a bridge, so this ends.

Plain Python, no Django: `tests/reports/test_suppression.py` checks the result with linear algebra on crafted tables.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

SMALL = range(1, 5)  # 1 to 4
TOTAL = -1  # the index of the totals row or column

Position = tuple[int, int]  # (row, column); TOTAL for the totals row or column
Node = tuple[str, int]  # a row line ("r", r) or a column line ("c", c) of the grid


@dataclass
class Grid:
    """Counts with their totals: `cells[r][c]`, `row_totals[r]`, `column_totals[c]`, `total`."""

    cells: list[list[int]]
    row_totals: list[int] = field(default_factory=list)
    column_totals: list[int] = field(default_factory=list)
    total: int = 0

    @classmethod
    def of(cls, cells: Sequence[Sequence[int]]) -> "Grid":
        """The grid with its totals added up."""
        rows = [list(r) for r in cells]
        width = len(rows[0]) if rows else 0
        columns = [sum(r[c] for r in rows) for c in range(width)]
        return cls(rows, [sum(r) for r in rows], columns, sum(columns))

    def value(self, at: Position) -> int:
        r, c = at
        if r == TOTAL and c == TOTAL:
            return self.total
        if r == TOTAL:
            return self.column_totals[c]
        if c == TOTAL:
            return self.row_totals[r]
        return self.cells[r][c]

    def positions(self) -> list[Position]:
        height, width = len(self.cells), len(self.column_totals)
        return [(r, c) for r in [*range(height), TOTAL] for c in [*range(width), TOTAL]]


def suppressed(grid: Grid) -> set[Position]:
    """The cells to hide: every small one, and the complement that keeps each of them from being recomputed."""
    hidden = {at for at in grid.positions() if grid.value(at) in SMALL}
    while bridges := _bridges(hidden):
        hidden |= _cheapest_rectangle(grid, hidden, min(bridges))
    return hidden


def recomputable(hidden: set[Position]) -> set[Position]:
    """The hidden cells that the printed totals give away (the bridges of the hidden cells' graph)."""
    return _bridges(hidden)


def _cost(grid: Grid, hidden: set[Position], at: Position) -> tuple[int, int]:
    if at in hidden:
        return (0, 0)
    value = grid.value(at)
    is_total = TOTAL in at
    # a zero hides nothing worth hiding and a total is what readers look at first: both only when nothing else does
    return (2 if is_total else (1 if value == 0 else 0), value)


def _cheapest_rectangle(grid: Grid, hidden: set[Position], bridge: Position) -> set[Position]:
    r, c = bridge
    rows = {p[0] for p in grid.positions()} - {r}
    columns = {p[1] for p in grid.positions()} - {c}
    best: tuple[tuple[int, int], set[Position]] | None = None
    for r2 in sorted(rows):
        for c2 in sorted(columns):
            corners = {(r, c2), (r2, c), (r2, c2)}
            costs = [_cost(grid, hidden, at) for at in corners]
            cost = (sum(k for k, _ in costs), sum(v for _, v in costs))
            if best is None or cost < best[0]:
                best = (cost, corners)
    assert best is not None, "a table needs two rows and two columns (with its totals it always has them)"
    return best[1]


def _bridges(hidden: set[Position]) -> set[Position]:
    """Tarjan's bridges on the bipartite graph of row lines and column lines, one edge per hidden cell."""
    adjacent: dict[Node, list[tuple[Node, Position]]] = {}
    for r, c in hidden:
        row, column = ("r", r), ("c", c)
        adjacent.setdefault(row, []).append((column, (r, c)))
        adjacent.setdefault(column, []).append((row, (r, c)))
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    found: set[Position] = set()
    for start in adjacent:
        if start in order:
            continue
        order[start] = low[start] = len(order)
        stack: list[tuple[Node, Position | None, Iterator[tuple[Node, Position]]]] = [
            (start, None, iter(adjacent[start]))]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for neighbour, edge in edges:
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, edge, iter(adjacent[neighbour])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        assert via is not None
                        found.add(via)
    return found
