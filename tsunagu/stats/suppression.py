"""Small-cell suppression for published figures, audited against every equation at once.

The published cells are seen as unknowns tied by linear relations: "parts add up to a total" (each row
and each column with a total, the totals themselves, and, across the publications of an organisation
subtree, a body's cell as the sum of its children's cells and its own records) and "a part is at most
its whole" (うち支援決定 ≤ つなぎ件数). An attacker who reads a publication knows every published
value, these relations, and that a hidden cell is at least 1 (zeros are published). For a hidden cell
the values it can take form an interval, which the attacker finds with two linear programmes.

The method is the protection-level model of τ-ARGUS (Hundepool et al., *Statistical Disclosure
Control*, Wiley 2012, §4.3 "Table protection", the τ-ARGUS manual's "protection levels" and its
"optimal"/"modular" secondary suppression after Fischetti and Salazar-González, "Models and
algorithms for optimizing cell suppression in tabular data with linear constraints", JASA 95, 2000):

1. Primary: every cell that is not a total and counts 1 to k−1 (the minimum-frequency rule).
2. Protection levels: a primary cell of value v must be able to lie anywhere in
   [v − lpl, v + upl] as far as the attacker can tell, with lpl = min(v − 1, ⌊k/2⌋) and
   upl = k − lpl: the interval is k wide, so the attacker can never tell a small cell from one of k or
   more, and it goes as far down as the known lower bound 1 allows.
3. Secondary cells, chosen to minimise the information lost: for each primary cell, largest first, and
   each direction, one linear programme (Fischetti–Salazar's "attacker subproblem" turned round) finds
   the cheapest change of the published cells that moves the primary cell by its protection level
   while every relation still holds and every hidden cell stays at least 1; the published cells that
   change in it are hidden. Hiding more never narrows an interval, so one pass protects every primary
   cell. The cost of changing a cell is its value per unit (τ-ARGUS's default cost, the cell value), so
   the pattern hides as little of the published total as it can.
4. The same for the secondary cells with a protection of 1 each side, so that no hidden cell can be
   recovered exactly; then an integer check: any hidden cell whose integer range (an exact integer
   programme, since the relations of several tables together need not have integral vertices) is still
   narrower than required has its programme repeated with the integer shortfall added.

`audit` is the attacker's side (the interval of each hidden cell), used by the tests and the figures in
docs/domain.md.
"""

import math
import os
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tsunagu.orgs.disclosure import DEFAULT_K  # the k of a region that sets none

_EPS = 1e-6


@dataclass(frozen=True)
class Equation:
    parts: tuple[Hashable, ...]
    total: Hashable

    @property
    def members(self) -> tuple[Hashable, ...]:
        return (*self.parts, self.total)


@dataclass(frozen=True)
class AtMost:
    """part ≤ the sum of wholes (a "うち" figure: 支援決定 ≤ つなぎ件数, ピア同行 ≤ 訪問 + 同行)."""

    part: Hashable
    wholes: tuple[Hashable, ...]


def protection_levels(value: int, k: int) -> tuple[int, int]:
    """(lower, upper) protection level of a primary cell: an interval k wide around the value that goes
    no lower than 1."""
    lower = min(value - 1, k // 2)
    return lower, k - lower


def primary_cells(values: Mapping[Hashable, int], equations: Sequence[Equation], k: int, unpublished=()) -> set:
    totals = {equation.total for equation in equations}
    return {key for key, value in values.items() if key not in totals and key not in unpublished and 0 < value < k}


def check(values: Mapping[Hashable, int], equations: Sequence[Equation], at_most: Sequence[AtMost] = ()) -> None:
    for equation in equations:
        if sum(values[part] for part in equation.parts) != values[equation.total]:
            raise ValueError(f"parts of {equation.total!r} do not add up to it")
    for relation in at_most:
        if values[relation.part] > sum(values[whole] for whole in relation.wholes):
            raise ValueError(f"{relation.part!r} is more than {relation.wholes!r}")


class _Model:
    """The relations over the non-zero cells (a zero is published and is a constant), as sparse rows."""

    def __init__(self, values, equations, at_most, unpublished):
        self.keys = [key for key, value in values.items() if value != 0]
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.values = [values[key] for key in self.keys]
        self.unpublished = {self.index[key] for key in unpublished if key in self.index}
        self.rows: list[tuple[dict[int, float], float, float]] = []  # coefficients, lower, upper (of A·x)
        for equation in equations:
            row = self._row([(part, 1.0) for part in equation.parts] + [(equation.total, -1.0)])
            if row:
                self.rows.append((row, 0.0, 0.0))
        for relation in at_most:
            row = self._row([(relation.part, 1.0)] + [(whole, -1.0) for whole in relation.wholes])
            if row:
                self.rows.append((row, -math.inf, 0.0))

    def _row(self, terms) -> dict[int, float]:
        row: dict[int, float] = {}
        for key, coefficient in terms:
            if key in self.index:
                i = self.index[key]
                row[i] = row.get(i, 0.0) + coefficient
        return {i: c for i, c in row.items() if c}

    def lower_bound(self, i: int) -> int:
        return 0 if i in self.unpublished else 1


_banner_shown = False


def _highs():
    """A silent HiGHS instance. HiGHS writes its banner to the process's standard output (not
    Python's) the first time one is made; that once, the output is sent to /dev/null."""
    global _banner_shown
    import highspy  # the solver is needed only when a table has something to protect

    if _banner_shown:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    h.setOptionValue("output_flag", False)
    return h, highspy


class _Deviations:
    """The secondary-suppression programme: columns y⁺ and y⁻ for every non-zero cell, rows A(y⁺ − y⁻)
    within the slack the true values leave, cost = the value of each published, not yet hidden cell."""

    def __init__(self, model: _Model, cost: Callable[[int], float]):
        self.model = model
        h, highspy = _highs()
        self.h, self.inf = h, highspy.kHighsInf
        n = len(model.keys)
        self.n = n
        self.cost = [float(cost(v)) for v in model.values]
        down = [float(v - model.lower_bound(i)) for i, v in enumerate(model.values)]
        lp = highspy.HighsLp()
        lp.num_col_ = 2 * n
        lp.num_row_ = len(model.rows)
        lp.col_cost_ = self.cost + self.cost
        lp.col_lower_ = [0.0] * (2 * n)
        lp.col_upper_ = [self.inf] * n + down
        lower, upper, starts, index, value = [], [], [], [], []
        columns: list[list[tuple[int, float]]] = [[] for _ in range(2 * n)]
        for r, (row, lo, up) in enumerate(model.rows):
            base = sum(c * model.values[i] for i, c in row.items())
            lower.append(lo - base if lo != -math.inf else -self.inf)
            upper.append(up - base)
            for i, c in row.items():
                columns[i].append((r, c))
                columns[n + i].append((r, -c))
        for column in columns:
            starts.append(len(index))
            for r, c in column:
                index.append(r)
                value.append(c)
        starts.append(len(index))
        lp.row_lower_, lp.row_upper_ = lower, upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = starts, index, value
        h.passModel(lp)
        self.down = down

    def hide(self, i: int) -> None:
        self.h.changeColCost(i, 0.0)
        self.h.changeColCost(self.n + i, 0.0)

    def support(self, i: int, up: float, down: float) -> list[int] | None:
        """The cells that change in the cheapest change moving cell i up by `up` (or down by `down`);
        None when no change can (the cell is then as protected as the relations allow)."""
        h, n = self.h, self.n
        h.changeColBounds(i, up, up)
        h.changeColBounds(n + i, down, down)
        h.run()
        status = h.getModelStatus()
        found = None
        if h.modelStatusToString(status) == "Optimal":
            x = h.getSolution().col_value
            found = [j for j in range(n) if x[j] > _EPS or x[n + j] > _EPS]
        h.changeColBounds(i, 0.0, self.inf)
        h.changeColBounds(n + i, 0.0, self.down[i])
        return found


def _ranges(model: _Model, hidden: set[int], cells: Iterable[int], *, integer: bool) -> dict[int, tuple[float, float]]:
    """The attacker's interval of each of `cells` (hidden ones), from the published values and the
    relations, each connected group of unknowns solved on its own."""
    unknown = set(hidden) | model.unpublished
    # Rows with their constant part moved to the bounds; only rows with an unknown matter.
    rows = []
    for row, lo, up in model.rows:
        known = sum(c * model.values[i] for i, c in row.items() if i not in unknown)
        terms = {i: c for i, c in row.items() if i in unknown}
        if terms:
            rows.append((terms, lo - known, up - known))
    parent = {i: i for i in unknown}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for terms, _lo, _up in rows:
        first, *rest = terms
        for j in rest:
            parent[find(j)] = find(first)
    groups: dict[int, list[int]] = {}
    for i in unknown:
        groups.setdefault(find(i), []).append(i)
    row_groups: dict[int, list] = {}
    for row in rows:
        row_groups.setdefault(find(next(iter(row[0]))), []).append(row)
    wanted = set(cells)
    found = {}
    for root, members in groups.items():
        targets = [i for i in members if i in wanted]
        if not targets:
            continue
        found.update(_group_ranges(model, members, row_groups.get(root, []), targets, integer=integer))
    return found


def _group_ranges(model, members, rows, targets, *, integer):
    h, highspy = _highs()
    inf = highspy.kHighsInf
    position = {i: p for p, i in enumerate(members)}
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(members), len(rows)
    lp.col_cost_ = [0.0] * len(members)
    lp.col_lower_ = [float(model.lower_bound(i)) for i in members]
    lp.col_upper_ = [inf] * len(members)
    columns: list[list[tuple[int, float]]] = [[] for _ in members]
    for r, (terms, _lo, _up) in enumerate(rows):
        for i, c in terms.items():
            columns[position[i]].append((r, c))
    starts, index, value = [], [], []
    for column in columns:
        starts.append(len(index))
        for r, c in column:
            index.append(r)
            value.append(c)
    starts.append(len(index))
    lp.row_lower_ = [lo if lo != -math.inf else -inf for _terms, lo, _up in rows]
    lp.row_upper_ = [up for _terms, _lo, up in rows]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = starts, index, value
    h.passModel(lp)
    found = {}
    for i in targets:
        bounds = []
        for sense in (1.0, -1.0):
            h.changeColCost(position[i], sense)
            bounds.append(_optimum(h, highspy, sense, len(members), integer=integer))
            h.changeColCost(position[i], 0.0)
        found[i] = tuple(bounds)
    return found


def _optimum(h, highspy, sense: float, n: int, *, integer: bool) -> float:
    """min (sense 1) or max (sense −1) of the cell whose cost is set. As a linear programme first: when
    its optimal vertex is integral, it is the integer optimum too; else as an integer programme."""
    h.run()
    if h.modelStatusToString(h.getModelStatus()) != "Optimal":
        return math.inf  # unbounded above
    value = sense * h.getInfo().objective_function_value
    if not integer:
        return value
    x = h.getSolution().col_value
    if all(abs(v - round(v)) < 1e-9 for v in x):
        return round(value)
    h.changeColsIntegrality(n, list(range(n)), [highspy.HighsVarType.kInteger] * n)
    h.run()
    value = sense * h.getInfo().objective_function_value
    h.changeColsIntegrality(n, list(range(n)), [highspy.HighsVarType.kContinuous] * n)
    return round(value)


def suppress(
    values: Mapping[Hashable, int],
    equations: Sequence[Equation],
    *,
    k: int = DEFAULT_K,
    at_most: Sequence[AtMost] = (),
    unpublished: Iterable[Hashable] = (),
    primary: Iterable[Hashable] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> set:
    """The keys to hide. `values` holds every cell; `equations` and `at_most` the relations between them;
    `unpublished` cells are unknowns that are never shown (a body's own share of its subtree's figures);
    `primary` the cells that need protection (by default: not a total, 1 to k−1)."""
    if k < 2:
        raise ValueError("k must be at least 2")
    check(values, equations, at_most)
    unpublished = set(unpublished)
    primary = primary_cells(values, equations, k, unpublished) if primary is None else set(primary)
    if not primary:
        return set()
    model = _Model(values, equations, at_most, unpublished)
    programme = _Deviations(model, cost=lambda v: v)
    hidden: set[int] = set()

    def protect(i: int, down: float, up: float) -> None:
        for step_up, step_down in ((up, 0.0), (0.0, down)):
            if not (step_up or step_down):
                continue
            cells = programme.support(i, step_up, step_down)
            for j in cells or ():
                if j not in hidden and j not in model.unpublished:
                    hidden.add(j)
                    programme.hide(j)

    order = sorted((model.index[key] for key in primary if key in model.index), key=lambda i: (-model.values[i], i))
    needs = {i: protection_levels(model.values[i], k) for i in order}
    primaries = set(order)
    total = len(order)
    for i in order:
        hidden.add(i)
        programme.hide(i)
    for done, i in enumerate(order, start=1):
        protect(i, *needs[i])
        if progress:
            progress(done, total)
    # Secondary cells must not be recoverable either; then the integer check, until nothing changes.
    for _round in range(20):
        changed = False
        for i in sorted(hidden - set(order)):
            needs.setdefault(i, (min(1, model.values[i] - 1), 1))
        ranges = _ranges(model, hidden, needs, integer=True)
        for i, (low, high) in ranges.items():
            value, (down, up) = model.values[i], needs[i]
            short_up, short_down = max(0, value + up - high), max(0, low - (value - down))
            if i in primaries:  # where the relations bound it from below, the interval grows upwards
                short_up = max(short_up, low + k - high)
            if short_up or short_down:
                before = len(hidden)
                protect(i, down + short_down if short_down else 0, up + short_up if short_up else 0)
                changed = changed or len(hidden) > before
        if not changed:
            break
    return {model.keys[i] for i in hidden}


def audit(
    values: Mapping[Hashable, int],
    equations: Sequence[Equation],
    hidden: Iterable[Hashable],
    *,
    at_most: Sequence[AtMost] = (),
    unpublished: Iterable[Hashable] = (),
    integer: bool = True,
) -> dict[Hashable, tuple[float, float]]:
    """The attacker's (min, max) of every hidden cell (max may be infinite), by integer programming
    (or linear programming with integer=False) over every relation."""
    model = _Model(values, equations, at_most, set(unpublished))
    hidden_ids = {model.index[key] for key in hidden if key in model.index}
    ranges = _ranges(model, hidden_ids, hidden_ids, integer=integer)
    return {model.keys[i]: bounds for i, bounds in ranges.items()}


def unique_unknowns(hidden: set, equations: Sequence[Equation]) -> list[tuple[Equation, Hashable]]:
    """(equation, key) for every hidden key that is the only hidden member of an equation."""
    found = []
    for equation in equations:
        members = [member for member in equation.members if member in hidden]
        if len(members) == 1:
            found.append((equation, members[0]))
    return found


def grid_equations(rows: int, cols: int, key=lambda r, c: (r, c)) -> list[Equation]:
    """Equations of a rows × cols table whose last row and last column are totals."""
    equations = [Equation(tuple(key(r, c) for c in range(cols - 1)), key(r, cols - 1)) for r in range(rows)]
    equations += [Equation(tuple(key(r, c) for r in range(rows - 1)), key(rows - 1, c)) for c in range(cols)]
    return equations


def with_margins(interior: Sequence[Sequence[int]]) -> list[list[int]]:
    """A table of counts with a total column and a total row added."""
    rows = [list(row) + [sum(row)] for row in interior]
    return rows + [[sum(column) for column in zip(*rows)]]


def suppress_grid(table: Sequence[Sequence[int]], *, k: int = DEFAULT_K) -> set[tuple[int, int]]:
    """Hidden (row, col) positions of a table whose last row and column are its totals."""
    values = {(r, c): value for r, row in enumerate(table) for c, value in enumerate(row)}
    return suppress(values, grid_equations(len(table), len(table[0])), k=k)
