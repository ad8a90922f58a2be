"""A small bar chart laid out on the server, drawn as inline SVG by templates/kpi/_chart.html.

Bars are the actuals, short lines the targets. The numbers come with a table beside the chart, so
the drawing only has to be readable, not exact.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from tsunagu.core.wareki import fiscal_year_label

from .indicators import plain_number

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # e.g. "R3"
    value_text: str
    target_y: float | None = None

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def target_left(self) -> float:
        return round(self.x - 4, 1)

    @property
    def target_right(self) -> float:
        return round(self.x + self.width + 4, 1)


@dataclass
class Chart:
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, text)
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    baseline_y: float = HEIGHT - BOTTOM
    has_targets: bool = False


def nice_step(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 × 10^n at or above value (0 → 1): a round distance between ticks."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** value.adjusted()
    return next(step * magnitude for step in (1, 2, 5, 10) if value <= step * magnitude)


def axis(top_value: Decimal) -> list[Decimal]:
    """Round tick values from 0 to at or above top_value, about four steps apart."""
    step = nice_step(top_value / 4)
    count = max(math.ceil(top_value / step), 1)
    return [step * i for i in range(count + 1)]


def bar_chart(points: list[tuple[int, Decimal | None, Decimal | None]]) -> Chart:
    """points: (fiscal year, actual or None, target or None), oldest first."""
    values = [v for _fy, actual, target in points for v in (actual, target) if v is not None]
    ticks = axis(max(values, default=Decimal(0)))
    top = ticks[-1]
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)

    def y_of(value: Decimal) -> float:
        return round(TOP + plot_height * float(1 - Decimal(value) / top), 1)

    chart = Chart(ticks=[(y_of(tick), plain_number(tick)) for tick in ticks])
    for i, (fy, actual, target) in enumerate(points):
        x = LEFT + slot * i + slot * 0.2
        y = y_of(actual) if actual is not None else chart.baseline_y
        chart.bars.append(
            Bar(
                x=round(x, 1),
                y=y,
                width=round(slot * 0.6, 1),
                height=round(chart.baseline_y - y, 1),
                label=fiscal_year_label(fy, "short"),
                value_text=plain_number(actual) if actual is not None else "",
                target_y=y_of(target) if target is not None else None,
            )
        )
        chart.has_targets |= target is not None
    return chart
