"""The report's chart tag and number formatting (templates/reports/)."""

from __future__ import annotations

from typing import Any

from django import template

from reports.charts import bar_chart, format_value
from reports.selectors import MISSING, MONTH_LABELS, Section

register = template.Library()


@register.inclusion_tag("reports/_bar_chart.html")
def section_chart(section: Section, fiscal_year: int) -> dict[str, Any]:
    """The section's headline figure as an SVG bar chart (nothing when it has none)."""
    found = section.chart_figure
    if found is None:
        return {"chart": None}
    table, figure = found
    return {
        "chart": bar_chart(key=section.key, table=table, figure=figure, fiscal_year=fiscal_year),
        "table": table,
        "figure": figure,
        "fiscal_year": fiscal_year,
        "previous_year": fiscal_year - 1,
        # The data table beside the chart: one line per month, both years.
        "rows": list(zip(MONTH_LABELS, figure.current, figure.previous, strict=True)),
    }


@register.filter
def figure_value(value: Any, table: Any) -> str:
    """A cell of a report table: 12.5%, 1,234, 3.5時間 … — 記録なし or — when empty."""
    if table.kind == MISSING:
        return "記録なし"
    if value is None:
        return "—"
    unit = "%" if table.unit == "%" else ""
    return format_value(value, unit)
