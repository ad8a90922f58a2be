"""Small-cell suppression with hand-made tables, and a randomised check of its guarantee."""

import random

import pytest

from tsunagu.stats.suppression import (
    Equation,
    grid_equations,
    suppress,
    suppress_grid,
    unique_unknowns,
    with_margins,
)


def hidden_grid(interior, k=10):
    return sorted(suppress_grid(with_margins(interior), k=k))


def test_nothing_small_nothing_hidden_and_zeros_are_published():
    assert hidden_grid([[0, 12], [10, 0]]) == []


def test_a_small_cell_is_hidden_with_a_partner_in_its_row_and_column():
    #       A   B   C | T
    # r1   12   3  20 | 35    3 is small; 12 is the smallest other non-zero cell of r1
    # r2   15  11  30 | 56    column B then needs 11, column A needs 15
    assert hidden_grid([[12, 3, 20], [15, 11, 30]]) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_complementary_suppression_cascades():
    #       A   B   C | T
    # r1    4  25  40 | 69    4 small → r1 adds 25 → column A adds 30 (r2), column B adds 12 (r3)
    # r2   30  50  11 | 91    → r2 adds 11 → r3 adds 60 → column C (11 alone) adds 40
    # r3   60  12  70 | 142   only 50 and 70 stay published
    hidden = hidden_grid([[4, 25, 40], [30, 50, 11], [60, 12, 70]])
    assert hidden == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]
    assert [(r, c) for r in range(3) for c in range(3) if (r, c) not in hidden] == [(1, 1), (2, 2)]


def test_a_row_whose_only_count_is_small_hides_its_total():
    #       A   B | T
    # r1    3   0 | 3     no other non-zero cell in r1: its total would give 3 away, so it is hidden,
    # r2   20  30 | 50    and the column of row totals then hides 50 as the partner of that total.
    assert hidden_grid([[3, 0], [20, 30]]) == [(0, 0), (0, 2), (1, 0), (1, 2)]


def test_one_column_table_hides_the_next_smallest():
    values = {"10代": 3, "20代": 0, "30代": 15, "40代": 12, "合計": 30}
    assert suppress(values, [Equation(("10代", "20代", "30代", "40代"), "合計")]) == {"10代", "40代"}


def test_ties_take_the_first_cell_in_order():
    values = {"a": 2, "b": 14, "c": 14, "t": 30}
    assert suppress(values, [Equation(("a", "b", "c"), "t")]) == {"a", "b"}


def test_k_is_configurable():
    assert hidden_grid([[7, 20], [30, 40]], k=5) == []
    assert hidden_grid([[7, 20], [30, 40]], k=10) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert hidden_grid([[10, 20], [30, 40]], k=11) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_a_cell_shared_by_two_tables_is_hidden_in_both():
    # The contact total belongs to two tables; hiding it for one protects it in the other too.
    values = {"phone": 4, "mail": 0, "20s": 4, "30s": 0, "total": 4}
    equations = [Equation(("phone", "mail"), "total"), Equation(("20s", "30s"), "total")]
    hidden = suppress(values, equations)
    assert hidden == {"phone", "20s", "total"}
    assert unique_unknowns(hidden, equations) == []


def test_parts_must_add_up():
    with pytest.raises(ValueError):
        suppress({"a": 1, "b": 2, "t": 4}, [Equation(("a", "b"), "t")])
    with pytest.raises(ValueError):
        suppress({"a": 1}, [], k=1)


def _random_table(rng: random.Random, k: int) -> list[list[int]]:
    rows, cols = rng.randint(1, 6), rng.randint(1, 6)

    def cell():
        roll = rng.random()
        return 0 if roll < 0.3 else rng.randint(1, k - 1) if roll < 0.6 else rng.randint(k, 200)

    return [[cell() for _ in range(cols)] for _ in range(rows)]


def test_no_suppressed_cell_is_ever_the_only_unknown_of_a_row_or_column():
    """Many random tables (fixed seed): no hidden cell can be recovered from a published total by
    subtraction, every small cell is hidden, and no zero is."""
    rng = random.Random(20211)
    for _ in range(2000):
        k = rng.choice([3, 5, 10])
        table = with_margins(_random_table(rng, k))
        rows, cols = len(table), len(table[0])
        hidden = suppress_grid(table, k=k)
        assert unique_unknowns(hidden, grid_equations(rows, cols)) == [], table
        interior = [(r, c) for r in range(rows - 1) for c in range(cols - 1)]
        assert all((r, c) in hidden for r, c in interior if 0 < table[r][c] < k), table
        assert all(table[r][c] > 0 for r, c in hidden), table
        for r in range(rows):  # where the total is published, no row has exactly one hidden cell
            if (r, cols - 1) not in hidden:
                assert sum((r, c) in hidden for c in range(cols - 1)) != 1, table
        for c in range(cols):
            if (rows - 1, c) not in hidden:
                assert sum((r, c) in hidden for r in range(rows - 1)) != 1, table
