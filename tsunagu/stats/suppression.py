"""Small-cell suppression for published figures.

A table is seen as a set of equations "parts add up to a total" (each row and each column with a
total, and the totals row/column themselves). Cells shared by several tables (the contact total shown
in two tables) are the same key, so they are hidden or shown together.

1. Primary: every cell that is not a total and counts 1 to k−1 is hidden. Zeros are published.
2. Complementary, repeated until nothing changes: when an equation has exactly one hidden member,
   that member could be recovered by subtraction, so the smallest non-zero visible part of the
   equation is hidden too (ties: the first in the equation's order). Totals stay published unless
   the equation has no such part left, i.e. the hidden cell is the only non-zero one and equals the
   total; then the total is hidden, and the equations it belongs to are protected in turn.

The hidden set only grows, so the loop ends. This guarantees that no hidden cell is the only
unknown of any equation; it is not a full audit against solving several equations together.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_K = 10


@dataclass(frozen=True)
class Equation:
    parts: tuple[Hashable, ...]
    total: Hashable

    @property
    def members(self) -> tuple[Hashable, ...]:
        return (*self.parts, self.total)


def suppress(values: Mapping[Hashable, int], equations: Sequence[Equation], *, k: int = DEFAULT_K) -> set:
    """The keys to hide. `values` holds every cell; `equations` the additive relations between them."""
    if k < 2:
        raise ValueError("k must be at least 2")
    for equation in equations:
        if sum(values[part] for part in equation.parts) != values[equation.total]:
            raise ValueError(f"parts of {equation.total!r} do not add up to it")
    totals = {equation.total for equation in equations}
    hidden = {key for key, value in values.items() if key not in totals and 0 < value < k}
    changed = True
    while changed:
        changed = False
        for equation in equations:
            if sum(member in hidden for member in equation.members) != 1:
                continue
            visible = [
                (values[part], position, part)
                for position, part in enumerate(equation.parts)
                if part not in hidden and values[part] > 0
            ]
            # With parts adding up, a lone hidden total always has a visible non-zero part.
            hidden.add(min(visible)[2] if visible else equation.total)
            changed = True
    return hidden


def unique_unknowns(hidden: set, equations: Sequence[Equation]) -> list[tuple[Equation, Hashable]]:
    """(equation, key) for every hidden key that is the only hidden member of an equation: what the
    suppression must never leave (the tests assert this is empty)."""
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
