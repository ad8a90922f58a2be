"""The server-side layout of the KPI bar chart."""

from decimal import Decimal as D

import pytest

from tsunagu.kpi.charts import axis, bar_chart


@pytest.mark.parametrize(
    "top,ticks",
    [
        (0, ["0", "1"]),
        (4, ["0", "1", "2", "3", "4"]),
        (22, ["0", "10", "20", "30"]),
        (100, ["0", "50", "100"]),
        (149, ["0", "50", "100", "150"]),
        (1100, ["0", "500", "1000", "1500"]),
        (D("52.7"), ["0", "20", "40", "60"]),
    ],
)
def test_axis_ticks_are_round_numbers(top, ticks):
    assert [str(tick) for tick in axis(D(top))] == ticks


def test_bars_and_target_marks():
    chart = bar_chart([(2020, D(5), D(10)), (2021, None, D(4))])
    assert chart.ticks == [(172.0, "0"), (92.0, "5"), (12.0, "10")]
    first, second = chart.bars
    assert (first.x, first.y, first.width, first.height, first.target_y, first.label) == (
        78.4,
        92.0,
        91.2,
        80.0,
        12.0,
        "R2",
    )
    # A year without an actual has no bar, only its target mark.
    assert (second.x, second.height, second.target_y, second.label, second.value_text) == (230.4, 0.0, 108.0, "R3", "")
    assert (first.center, first.target_left, first.target_right) == (124.0, 74.4, 173.6)
    assert chart.has_targets
