"""The report as spreadsheet rows: one sheet (or one CSV) per section, Japanese headers,
numbers as numbers and the periods as dates (written by kyodo_center.exports)."""

from __future__ import annotations

import datetime as dt

from reports.selectors import MISSING, MONTH_LABELS, AnnualReport, Section

Row = list[object]


def section_rows(report: AnnualReport, section: Section, *, made_on: dt.date) -> list[Row]:
    year, previous = report.fiscal_year, report.fiscal_year - 1
    rows: list[Row] = [
        [f"{year}年度 年度報告：{section.title}"],
        [
            "対象年度",
            f"{year}年度",
            "開始日",
            dt.date(year, 4, 1),
            "終了日",
            dt.date(year + 1, 3, 31),
        ],
        [
            "比較する年度",
            f"{previous}年度",
            "開始日",
            dt.date(previous, 4, 1),
            "終了日",
            dt.date(previous + 1, 3, 31),
        ],
        ["作成日", made_on],
    ]
    if not section.available:
        rows += [[], *([note] for note in section.notes)]
        return rows
    header = ["項目", "年度", *MONTH_LABELS, "年度計"]
    for table in section.tables:
        rows += [[], [f"{table.title}（単位：{table.unit}）"], header]
        for figure in table.figures:
            if table.kind == MISSING:
                rows.append([figure.label, f"{year}年度", "記録なし"])
                continue
            rows.append([figure.label, f"{year}年度", *figure.current, figure.current_total])
            rows.append([figure.label, f"{previous}年度", *figure.previous, figure.previous_total])
        if table.note:
            rows.append(["注", table.note])
    rows.append([])
    rows += [["注", note] for note in section.notes]
    rows.append(["注", "「—」や空欄は、まだ来ていない月、または計算できない月です。"])
    return rows


def workbook_sheets(report: AnnualReport, *, made_on: dt.date) -> list[tuple[str, list[Row]]]:
    return [
        (section.title, section_rows(report, section, made_on=made_on))
        for section in report.sections
    ]
