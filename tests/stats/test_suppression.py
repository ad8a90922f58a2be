"""Small-cell suppression with hand-made tables, checked by the attack (tests/stats/attack.py), and a
randomised check of its guarantee."""

import math
import random

import pytest

from tsunagu.stats.suppression import (
    AtMost,
    Equation,
    audit,
    grid_equations,
    protection_levels,
    suppress,
    suppress_grid,
    with_margins,
)

from .attack import attack


def grid(interior):
    table = with_margins(interior)
    values = {(r, c): value for r, row in enumerate(table) for c, value in enumerate(row)}
    return values, grid_equations(len(table), len(table[0]))


def hidden_grid(interior, k=10):
    return sorted(suppress_grid(with_margins(interior), k=k))


def test_protection_levels_make_an_interval_k_wide_that_stops_at_one():
    assert protection_levels(1, 10) == (0, 10)  # 1 … 11
    assert protection_levels(3, 10) == (2, 8)  # 1 … 11
    assert protection_levels(9, 10) == (5, 5)  # 4 … 14
    assert protection_levels(4, 5) == (2, 3)  # 2 … 7


def test_nothing_small_nothing_hidden_and_zeros_are_published():
    assert hidden_grid([[0, 12], [10, 0]]) == []


def test_two_by_two_hides_the_cheapest_rectangle():
    #      A   B | T
    # r1   3  20 | 23     3 needs 1 … 11. The four inner cells cost 20 + 30 + 40 = 90 per unit moved; a
    # r2  30  40 | 70     rectangle through the totals costs more (23 + 30 + 70, or 20 + 33 + 60).
    #     33  60 | 93     3 is then x, 20 is 23 − x ≥ 1: x can be 1 … 22.
    values, equations = grid([[3, 20], [30, 40]])
    hidden = suppress(values, equations)
    assert sorted(hidden) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    ranges = {(0, 0): (1, 22), (0, 1): (1, 22), (1, 0): (11, 32), (1, 1): (38, 59)}
    assert audit(values, equations, hidden) == ranges
    assert attack(values, equations, hidden, k=10, primary=[(0, 0)]).ranges == ranges


def test_three_by_three_where_each_line_has_two_hidden_cells_and_the_table_still_gives_one_away():
    #      A   B   C |   T
    # r1   0  28  34 |  62
    # r2  54   0   2 |  56     2 is small.
    # r3  29   0   0 |  29
    #     83  28  36 | 147
    values, equations = grid([[0, 28, 34], [54, 0, 2], [29, 0, 0]])
    # What the earlier rule hid (two hidden cells in every row and column with one):
    single_line = {(0, 1), (0, 2), (1, 0), (1, 2), (1, 3), (2, 0), (2, 3), (3, 1), (3, 2)}
    # Yet the totals row says B + C = 147 − 83 = 64, column B that B = r1's 28-cell, column C that
    # C = r1's 34-cell + x, and r1 that those two make 62: so x = 64 − 62 = 2.
    found = attack(values, equations, single_line, k=10, primary=[(1, 2)])
    assert found.ranges[(1, 2)] == (2, 2) and found.recovered == [(1, 2)]
    assert audit(values, equations, single_line)[(1, 2)] == (2, 2)
    # Audited against every equation at once: x, 34 → 36 − x, r1 → 64 − x, r2 → 54 + x; x is 1 … 35.
    hidden = suppress(values, equations)
    assert sorted(hidden) == [(0, 2), (0, 3), (1, 2), (1, 3)]
    found = attack(values, equations, hidden, k=10, primary=[(1, 2)])
    assert found.ranges == {(0, 2): (1, 35), (0, 3): (29, 63), (1, 2): (1, 35), (1, 3): (55, 89)}
    assert (found.recovered, found.narrowed) == ([], [])


def test_a_parent_and_two_children_are_protected_together():
    # A: 3 + 12 = 15, B: 20 + 30 = 50, parent P = A + B: 23 + 42 = 65. Protected one by one, A hides 3
    # and 12 and P shows 23, so 3 = 23 − B's 20. Together: A's 3 and 12 with B's 20 and 30 (62 per unit
    # moved, against 12 + 23 + 42 = 77 through P): 3 is x, 12 is 15 − x, 20 is 23 − x, 30 is 27 + x.
    values = {
        ("A", 0): 3, ("A", 1): 12, ("A", "t"): 15,
        ("B", 0): 20, ("B", 1): 30, ("B", "t"): 50,
        ("P", 0): 23, ("P", 1): 42, ("P", "t"): 65,
    }  # fmt: skip
    equations = [Equation(((o, 0), (o, 1)), (o, "t")) for o in "ABP"]
    equations += [Equation((("A", i), ("B", i)), ("P", i)) for i in (0, 1, "t")]
    alone = attack(values, equations, {("A", 0), ("A", 1)}, k=10, primary=[("A", 0)])
    assert sorted(alone.recovered) == [("A", 0), ("A", 1)]
    hidden = suppress(values, equations)
    assert sorted(hidden) == [("A", 0), ("A", 1), ("B", 0), ("B", 1)]
    found = attack(values, equations, hidden, k=10, primary=[("A", 0)])
    assert found.ranges == {("A", 0): (1, 14), ("A", 1): (1, 14), ("B", 0): (9, 22), ("B", 1): (28, 41)}


def test_an_unpublished_share_counts_from_zero():
    # P = A + own, own never published: hiding A's 3 with its partner is enough, P's 3 + 12 + own is
    # still open (own ≥ 0, so P's cells bound A's from above only).
    values = {("A", 0): 3, ("A", 1): 12, ("A", "t"): 15, "own0": 1, "own1": 0, ("P", 0): 4, ("P", 1): 12}
    values[("P", "t")] = 16
    equations = [Equation((("A", 0), ("A", 1)), ("A", "t")), Equation((("P", 0), ("P", 1)), ("P", "t"))]
    equations += [Equation((("A", 0), "own0"), ("P", 0)), Equation((("A", 1), "own1"), ("P", 1))]
    hidden = suppress(values, equations, unpublished={"own0", "own1"})
    found = attack(values, equations, hidden, k=10, unpublished={"own0", "own1"}, primary=[("A", 0), ("P", 0)])
    assert (found.recovered, found.narrowed) == ([], [])
    assert all(values[key] > 0 for key in hidden) and "own0" not in hidden


def test_a_part_of_a_whole_is_bounded_by_it():
    # Decided 2 of 12 referrals: 2 ≤ 12 bounds it, and 1 … 11 is wide enough.
    values = {"ref": 12, "dec": 2, "other": 30, "total": 42}
    equations = [Equation(("ref", "other"), "total")]
    hidden = suppress(values, equations, at_most=[AtMost("dec", ("ref",))])
    assert hidden == {"dec"}
    assert audit(values, equations, hidden, at_most=[AtMost("dec", ("ref",))]) == {"dec": (1, 12)}


def test_ties_and_k_are_configurable():
    assert hidden_grid([[7, 20], [30, 40]], k=5) == []
    assert hidden_grid([[7, 20], [30, 40]], k=10) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_a_row_whose_only_count_is_small_hides_its_total():
    #       A   B | T
    # r1    3   0 | 3      r1's total would give 3 away: it goes, with r2's 20 and r2's total 50, so 3 is
    # r2   20  30 | 50     x, 20 is 23 − x, 50 is 53 − x (x is 1 … 22). Moving r2's 30 instead of its total
    #      23  30 | 53     would need column B's total too (r1's B is a published zero): dearer.
    assert hidden_grid([[3, 0], [20, 30]]) == [(0, 0), (0, 2), (1, 0), (1, 2)]


def test_parts_must_add_up():
    with pytest.raises(ValueError):
        suppress({"a": 1, "b": 2, "t": 4}, [Equation(("a", "b"), "t")])
    with pytest.raises(ValueError):
        suppress({"a": 1}, [], k=1)
    with pytest.raises(ValueError):
        suppress({"a": 5, "b": 2}, [], at_most=[AtMost("a", ("b",))])


def _random_table(rng: random.Random, k: int) -> list[list[int]]:
    rows, cols = rng.randint(1, 4), rng.randint(1, 4)

    def cell():
        roll = rng.random()
        return 0 if roll < 0.3 else rng.randint(1, k - 1) if roll < 0.6 else rng.randint(k, 200)

    return [[cell() for _ in range(cols)] for _ in range(rows)]


def test_the_attack_recovers_and_narrows_nothing_in_random_tables():
    """Random tables (fixed seed): every small cell is hidden, no zero is, the attack recovers no hidden
    cell and every small cell can lie in an interval at least k wide."""
    rng = random.Random(20211)
    for _ in range(150):
        k = rng.choice([3, 5, 10])
        interior = _random_table(rng, k)
        values, equations = grid(interior)
        hidden = suppress(values, equations, k=k)
        small = [(r, c) for r, row in enumerate(interior) for c, value in enumerate(row) if 0 < value < k]
        assert set(small) <= hidden, interior
        assert all(values[key] > 0 for key in hidden), interior
        found = attack(values, equations, hidden, k=k, primary=small)
        assert (found.recovered, found.narrowed) == ([], []), interior
        for key in small:
            low, high = found.ranges[key]
            down, up = protection_levels(values[key], k)
            assert low <= values[key] - down and (high == math.inf or high >= values[key] + up), interior
