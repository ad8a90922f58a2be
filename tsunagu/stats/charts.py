"""Server-rendered SVG charts, readable without JavaScript and printable by WeasyPrint.

Each chart is an inline <svg role="img"> with a <title> and a <desc> that says in words what it shows;
the page puts the table with the same figures next to it. Colours are presentation attributes (the
CSP forbids style attributes) and every series also differs by dash pattern or marker, so a chart
printed in black and white still tells its lines apart.
"""

from math import floor, log10

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0b5fa5", "#c25700", "#1f7a3a", "#6a3d9a", "#b3261e", "#00707a", "#7a5c00", "#4d4d4d"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3"]
FONT = 12
WIDTH = 560


def nice_ceiling(value: int, ticks: int = 5) -> tuple[int, int]:
    """(top of the axis, step between grid lines): a 1, 2 or 5 × 10^k step, at most `ticks` steps."""
    if value <= 0:
        return 1, 1
    raw = value / ticks
    magnitude = 10 ** floor(log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    top = -(-value // step) * step
    return top, step


def _text_width(text: str) -> float:
    """Rough width at FONT px: full-width characters are one em, others about half."""
    return sum(FONT if ord(ch) > 0x2E7F else FONT * 0.6 for ch in text)


def _element(template: str, **values) -> SafeString:
    """format_html with coordinates rounded to one decimal (format_html escapes before formatting)."""
    return format_html(template, **{k: f"{v:.1f}" if isinstance(v, float) else v for k, v in values.items()})


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> SafeString:
    head = format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" aria-labelledby="{id}-title {id}-desc" font-size="{f}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=width,
        h=height,
        id=chart_id,
        f=FONT,
        title=title,
        desc=desc,
    )
    return mark_safe(head + "".join(body) + "</svg>")


def describe(items: list[tuple[str, int]], unit: str) -> str:
    """The figures in words, for the <desc> a screen reader reads out."""
    return "、".join(f"{label} {value:,}{unit}" for label, value in items)


def bar_chart(*, chart_id: str, title: str, items: list[tuple[str, int]], unit: str = "件") -> SafeString:
    """Horizontal bars, one per label, with the value at the end of each bar."""
    label_width = min(max((_text_width(label) for label, _ in items), default=0) + 8, 250)
    value_width = 56
    bar_area = WIDTH - label_width - value_width
    row, top_pad = 24, 6
    top, _step = nice_ceiling(max((v for _, v in items), default=0))
    body = []
    for i, (label, value) in enumerate(items):
        y = top_pad + i * row
        length = bar_area * value / top
        body.append(
            _element(
                '<text x="{lx}" y="{ty}" text-anchor="end" fill="#1d2430">{label}</text>'
                '<rect x="{bx}" y="{by}" width="{bw}" height="{bh}" fill="{fill}"></rect>'
                '<text x="{vx}" y="{ty}" fill="#1d2430">{value}</text>',
                lx=label_width - 6,
                ty=y + 16,
                label=label,
                bx=label_width,
                by=y + 4,
                bw=length,
                bh=row - 8,
                fill=PALETTE[0],
                vx=label_width + length + 4,
                value=f"{value:,}",
            )
        )
    height = top_pad * 2 + row * len(items)
    body.append(
        _element(
            '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#56606f"></line>',
            x=label_width,
            y1=top_pad,
            y2=height - top_pad,
        )
    )
    return _svg(chart_id, title, describe(items, unit), WIDTH, height, body)


def _frame(x_labels: list[str], top: int, step: int, plot: tuple[int, int, int, int]) -> list[str]:
    """Grid lines with their values on the left and the x labels underneath."""
    left, top_y, width, height = plot
    body = []
    for value in range(0, top + 1, step):
        y = top_y + height - height * value / top
        body.append(
            _element(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#d5dae1"></line>'
                '<text x="{tx}" y="{ty}" text-anchor="end" fill="#56606f">{v}</text>',
                x1=left,
                x2=left + width,
                y=y,
                tx=left - 6,
                ty=y + 4,
                v=f"{value:,}",
            )
        )
    slot = width / max(len(x_labels), 1)
    for i, label in enumerate(x_labels):
        body.append(
            _element(
                '<text x="{x}" y="{y}" text-anchor="middle" fill="#1d2430">{label}</text>',
                x=left + slot * (i + 0.5),
                y=top_y + height + 18,
                label=label,
            )
        )
    return body


def _legend(series_names: list[str], y: int, marker: str) -> list[str]:
    body, x = [], 60
    for i, name in enumerate(series_names):
        if x + 40 + _text_width(name) > WIDTH:
            x, y = 60, y + 20
        if marker == "line":
            body.append(
                _element(
                    '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="2.5" '
                    'stroke-dasharray="{d}"></line>',
                    x1=x,
                    x2=x + 24,
                    y=y - 4,
                    c=PALETTE[i % 8],
                    d=DASHES[i % 8] or "none",
                )
            )
        else:
            body.append(
                _element(
                    '<rect x="{x}" y="{y}" width="14" height="12" fill="{c}"></rect>',
                    x=x + 5,
                    y=y - 10,
                    c=PALETTE[i % 8],
                )
            )
        body.append(_element('<text x="{x}" y="{y}" fill="#1d2430">{name}</text>', x=x + 30, y=y, name=name))
        x += 48 + _text_width(name)
    return body


def _legend_rows(series_names: list[str]) -> int:
    rows, x = 1, 60
    for name in series_names:
        if x + 40 + _text_width(name) > WIDTH:
            rows, x = rows + 1, 60
        x += 48 + _text_width(name)
    return rows


def _series_desc(x_labels, series, unit) -> str:
    return "。".join(f"{name}: " + describe(list(zip(x_labels, values)), unit) for name, values in series)


def line_chart(
    *, chart_id: str, title: str, x_labels: list[str], series: list[tuple[str, list[int]]], unit: str = "件"
) -> SafeString:
    """One line per series over the x labels (fiscal years), with a marker at each point."""
    top, step = nice_ceiling(max((v for _, values in series for v in values), default=0))
    plot = (64, 10, WIDTH - 80, 180)
    left, top_y, width, height = plot
    body = _frame(x_labels, top, step, plot)
    slot = width / max(len(x_labels), 1)
    for i, (_name, values) in enumerate(series):
        points = [(left + slot * (j + 0.5), top_y + height - height * v / top) for j, v in enumerate(values)]
        colour = PALETTE[i % 8]
        body.append(
            _element(
                '<polyline points="{p}" fill="none" stroke="{c}" stroke-width="2.5" stroke-dasharray="{d}"></polyline>',
                p=" ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                c=colour,
                d=DASHES[i % 8] or "none",
            )
        )
        body.extend(
            _element('<circle cx="{x}" cy="{y}" r="3.5" fill="{c}"></circle>', x=x, y=y, c=colour) for x, y in points
        )
    names = [name for name, _ in series]
    body.extend(_legend(names, top_y + height + 44, "line"))
    total_height = top_y + height + 34 + 20 * _legend_rows(names) + 6
    return _svg(chart_id, title, _series_desc(x_labels, series, unit), WIDTH, total_height, body)


def column_chart(
    *, chart_id: str, title: str, x_labels: list[str], series: list[tuple[str, list[int]]], unit: str = "件"
) -> SafeString:
    """Grouped vertical bars: for each x label, one bar per series side by side."""
    top, step = nice_ceiling(max((v for _, values in series for v in values), default=0))
    plot = (64, 10, WIDTH - 80, 180)
    left, top_y, width, height = plot
    body = _frame(x_labels, top, step, plot)
    slot = width / max(len(x_labels), 1)
    bar = slot * 0.7 / max(len(series), 1)
    for i, (_name, values) in enumerate(series):
        for j, value in enumerate(values):
            bar_height = height * value / top
            body.append(
                _element(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}"></rect>',
                    x=left + slot * j + slot * 0.15 + bar * i,
                    y=top_y + height - bar_height,
                    w=bar,
                    h=bar_height,
                    c=PALETTE[i % 8],
                )
            )
    names = [name for name, _ in series]
    body.extend(_legend(names, top_y + height + 44, "box"))
    total_height = top_y + height + 34 + 20 * _legend_rows(names) + 6
    return _svg(chart_id, title, _series_desc(x_labels, series, unit), WIDTH, total_height, body)
