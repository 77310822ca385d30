"""Downloads that open in a spreadsheet: every CSV and .xlsx export of the centre goes through here.

Why one module: the cells hold what residents typed on public forms (an event applicant's name, a
group's name). A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
becomes a live formula in Excel and LibreOffice (CSV injection, OWASP), so no view writes CSV
itself. ``defusedcsv`` (a drop-in for the csv module) prefixes such cells with ``'``; version 3
does not treat a leading tab or carriage return, which we prefix the same way.

CSV cannot say "this cell is text": 09012345678 loses its leading zero when opened. Exports that
carry phone or registration numbers are therefore also offered as .xlsx, where every text cell is
written as a string cell (never a formula, even when it starts with ``=``) in text format.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from defusedcsv import csv as defused_csv
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[object]

# defusedcsv 3 covers = + - @ | %; OWASP also lists a leading tab and carriage return.
_LEADING_CONTROL = ("\t", "\r")
_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the full name per RFC 5987 / RFC 6266.

    The fallback keeps only letters, digits, ``.``, ``_`` and ``-`` (no quote, backslash, CR/LF
    or path separator can reach the header); ``filename*`` carries the exact name, UTF-8 encoded.
    """
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = _UNSAFE_FILENAME_CHARACTERS.sub("_", ascii_name).strip("._") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _neutralised(value: object) -> object:
    if isinstance(value, str) and value.startswith(_LEADING_CONTROL):
        return "'" + value
    return value


def csv_response(*, filename: str, rows: Iterable[Row]) -> HttpResponse:
    """A CSV download that Japanese Excel opens as UTF-8 (BOM, CRLF) with no live formulas.

    UTF-8 with a BOM, not cp932: Excel on Japanese Windows reads a CSV as cp932 unless it starts
    with the BOM, and UTF-8 keeps every character a name may hold (髙, 﨑, ①, 〜 …).
    """
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response.write("\ufeff")
    writer = defused_csv.writer(response, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_neutralised(value) for value in row])
    return response


def _xlsx_cell(sheet: object, value: object) -> WriteOnlyCell:
    if value is None or isinstance(value, int | float):
        return WriteOnlyCell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    # Assigning a str that starts with "=" makes openpyxl store a formula; force a string cell,
    # formatted as text so that editing it in Excel keeps it text (leading zeros included).
    cell.data_type = "s"
    cell.number_format = "@"
    return cell


def _xlsx_value_cell(sheet: object, value: object) -> WriteOnlyCell:
    """Like ``_xlsx_cell``, and dates and date-times stay dates (in Asia/Tokyo) that Excel can
    sort and compute with, shown as 2026/4/1."""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None))
        cell.number_format = "yyyy/m/d h:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy/m/d"
        return cell
    return _xlsx_cell(sheet, value)


def xlsx_workbook_response(
    *, filename: str, sheets: Iterable[tuple[str, Iterable[Row]]]
) -> HttpResponse:
    """One .xlsx workbook of several sheets (title, rows): numbers as numbers, dates as dates,
    every other value a text cell (never a formula)."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        # Excel refuses sheet names over 31 characters or with []:*?/\ in them.
        sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "・", title)[:31])
        for row in rows:
            sheet.append([_xlsx_value_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def xlsx_response(
    *, filename: str, rows: Iterable[Row], sheet_title: str = "Sheet1"
) -> HttpResponse:
    """The same rows as an .xlsx workbook: numbers as numbers, everything else as text cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response
