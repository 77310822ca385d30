"""年度報告 (区職員 only): the page with a chart and a table per section, the .xlsx workbook and
one CSV per section. Counter staff get 403: the report is the ward's evaluation of the centre."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from consultations.models import AccessAction
from consultations.services.common import access_log_write
from kyodo_center.dates import FIRST_YEAR, LAST_YEAR, fiscal_year_of
from kyodo_center.exports import csv_response, xlsx_workbook_response
from kyodo_center.forms import half_width
from kyodo_center.roles import WARD_STAFF, RoleRequiredMixin
from reports.exports import section_rows, workbook_sheets
from reports.selectors import MONTH_LABELS, SECTION_KEYS, annual_report

BAD_YEAR = "年度の指定が正しくありません。2026 のように、西暦で年度を指定してください。"
YEARS_OFFERED = 10
YEAR_PATTERN = re.compile(r"^\s*(\d{4})\s*(年度)?\s*$")


def asked_year(request: HttpRequest) -> int | None:
    """The fiscal year of ?year= (this fiscal year when empty); None when it is not a year."""
    value = request.GET.get("year", "")
    if not value.strip():
        return fiscal_year_of(timezone.localdate())
    match = YEAR_PATTERN.match(half_width(value))
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        return None
    return int(match[1])


def bad_year(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/bad_request.html",
        {"message": BAD_YEAR, "value": request.GET.get("year", "")},
        status=400,
    )


def log_consultation_figures(request: HttpRequest, year: int, what: str) -> None:
    """Exports that carry the consultation figures are logged like the monthly statistics
    (aggregates only: no record is read)."""
    access_log_write(
        user=request.user,
        action=AccessAction.EXPORT,
        detail=f"年度報告 {year}年度 相談の集計（{what}）",
    )


class ReportView(RoleRequiredMixin, View):
    allowed_roles = (WARD_STAFF,)

    def get(self, request: HttpRequest) -> HttpResponse:
        year = asked_year(request)
        if year is None:
            return bad_year(request)
        today = timezone.localdate()
        report = annual_report(fiscal_year=year, today=today, now=timezone.now())
        current = fiscal_year_of(today)
        years = list(range(current, current - YEARS_OFFERED, -1))
        if year not in years:
            years = sorted({*years, year}, reverse=True)
        return render(
            request,
            "reports/report.html",
            {
                "report": report,
                "year": year,
                "years": years,
                "previous_year": year - 1,
                "next_year": year + 1 if year < current else None,
                "today": today,
                "in_progress": year == current,
                "month_labels": MONTH_LABELS,
            },
        )


class ReportXlsxView(ReportView):
    def get(self, request: HttpRequest) -> HttpResponse:
        year = asked_year(request)
        if year is None:
            return bad_year(request)
        today = timezone.localdate()
        report = annual_report(fiscal_year=year, today=today, now=timezone.now())
        response = xlsx_workbook_response(
            filename=f"kyodo-center-report-{year}.xlsx",
            sheets=workbook_sheets(report, made_on=today),
        )
        log_consultation_figures(request, year, "Excel形式")
        return response


class ReportCsvView(ReportView):
    def get(self, request: HttpRequest, section: str) -> HttpResponse:  # type: ignore[override]
        if section not in SECTION_KEYS:
            raise Http404("この集計はありません。")
        year = asked_year(request)
        if year is None:
            return bad_year(request)
        today = timezone.localdate()
        report = annual_report(fiscal_year=year, today=today, now=timezone.now(), only=section)
        response = csv_response(
            filename=f"kyodo-center-report-{year}-{section}.csv",
            rows=section_rows(report, report.sections[0], made_on=today),
        )
        if section == "consultations":
            log_consultation_figures(request, year, "CSV")
        return response
