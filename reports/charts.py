"""Bar charts drawn on the server as SVG (no JavaScript, no CDN): months on the x axis, this
fiscal year and the previous one side by side, a title and a description for screen readers,
and axis labels. Only geometry is computed here; templates/reports/_bar_chart.html draws it
with presentation attributes and classes (no style attribute: the CSP allows no inline style).
The data table is printed beside every chart by the report page."""

from __future__ import annotations

import math
from dataclasses import dataclass

from reports.selectors import MONTH_LABELS, Figure, FigureTable

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 56
TICKS = 5


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # what a tooltip / screen reader hears: 6月 2026年度 12.5%


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class MonthLabel:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    description: str
    unit: str
    current_label: str
    previous_label: str
    current: list[Bar]
    previous: list[Bar]
    ticks: list[Tick]
    months: list[MonthLabel]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    plot_right: int = WIDTH - RIGHT

    @property
    def y_axis_label_y(self) -> float:
        return (self.top + self.plot_bottom) / 2

    @property
    def x_axis_label_x(self) -> float:
        return (self.left + self.plot_right) / 2


def nice_ceiling(value: float) -> float:
    """The axis maximum: 1, 2, 2.5 or 5 × a power of ten, at least ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def format_value(value: float | int | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}{unit}"
    return f"{int(value):,}{unit}"


def bar_chart(
    *,
    key: str,
    table: FigureTable,
    figure: Figure,
    fiscal_year: int,
) -> BarChart:
    unit = table.unit
    values = [v for v in figure.current + figure.previous if v is not None]
    top_value = nice_ceiling(max(values, default=0))
    plot_height = HEIGHT - BOTTOM - TOP
    plot_width = WIDTH - LEFT - RIGHT
    group_width = plot_width / 12
    bar_width = group_width * 0.36
    current_label, previous_label = f"{fiscal_year}年度", f"{fiscal_year - 1}年度"

    def bars(series: list[float | int | None], offset: float, year_label: str) -> list[Bar]:
        drawn = []
        for index, value in enumerate(series):
            height = 0 if value is None else plot_height * float(value) / top_value
            drawn.append(
                Bar(
                    x=round(LEFT + group_width * index + offset, 1),
                    y=round(TOP + plot_height - height, 1),
                    width=round(bar_width, 1),
                    height=round(height, 1),
                    label=f"{MONTH_LABELS[index]} {year_label} {format_value(value, unit)}",
                )
            )
        return drawn

    ticks = [
        Tick(
            y=round(TOP + plot_height - plot_height * i / TICKS, 1),
            label=format_value(top_value * i / TICKS, "%" if unit == "%" else ""),
        )
        for i in range(TICKS + 1)
    ]
    months = [
        MonthLabel(x=round(LEFT + group_width * (i + 0.5), 1), label=MONTH_LABELS[i])
        for i in range(12)
    ]
    title = f"{table.title}：{figure.label}（{current_label}と{previous_label}の月別）"
    description = (
        f"{current_label}の計 {format_value(figure.current_total, unit)}、"
        f"{previous_label}の計 {format_value(figure.previous_total, unit)}。"
        "数値は下の表のとおりです。"
    )
    return BarChart(
        key=key,
        title=title,
        description=description,
        unit=unit,
        current_label=current_label,
        previous_label=previous_label,
        current=bars(figure.current, group_width * 0.5, current_label),
        previous=bars(figure.previous, group_width * 0.5 - bar_width, previous_label),
        ticks=ticks,
        months=months,
    )
