"""Every CSV and .xlsx download, read back as a spreadsheet would: no live formulas, and numbers
that must stay text (phone numbers, registration numbers) stay text in the .xlsx."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from consultations.models import Topic
from kyodo_center.exports import content_disposition, csv_response
from kyodo_center.models import PersonalDataAccess, PersonalDataAction
from programs.models import Registration
from programs.services.events import event_create
from resources.services.machines import machine_use_log
from tests.conftest import sign_in
from tests.consultations import factories as consultation_factories
from tests.programs.conftest import event_data, open_day
from tests.resources.conftest import make_group

pytestmark = pytest.mark.django_db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("https://example.com/?leak","詳細")'
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def assert_no_formula_cells(rows: list[list[str]]) -> None:
    unsafe = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
    assert unsafe == []


def xlsx_cells(response) -> list[openpyxl.cell.Cell]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


@pytest.fixture
def event_with_formula_names(client, room1):
    """Residents apply on the public form with names that are spreadsheet formulas."""
    event = event_create(
        data=event_data(
            day=open_day(timezone.localdate() + dt.timedelta(days=5)), room=room1, capacity=10
        )
    )
    for name, contact in [
        ("=1+2", "09012345678"),
        (HYPERLINK, "+81-90-1234-5678"),
        ("@SUM(A1:A9)", "-1+2"),
    ]:
        response = client.post(
            f"/programs/{event.pk}/", {"name": name, "contact": contact, "party_size": "1"}
        )
        assert response.status_code == 302, response.content.decode()
    return event


def test_roster_csv_keeps_typed_formulas_as_text(client, counter_user, event_with_formula_names):
    sign_in(client, counter_user)
    rows = csv_rows(client.get(f"/programs/staff/{event_with_formula_names.pk}/roster.csv"))
    assert_no_formula_cells(rows)
    names = [row[1] for row in rows[1:]]
    assert "'=1+2" in names
    assert "'" + HYPERLINK in names
    assert "'@SUM(A1:A9)" in names
    assert [row[2] for row in rows[1:]][:3] == ["09012345678", "'+81-90-1234-5678", "'-1+2"]


def test_roster_xlsx_keeps_phone_numbers_and_formulas_as_text_and_is_logged(
    client, counter_user, event_with_formula_names
):
    event = event_with_formula_names
    sign_in(client, counter_user)
    roster_page = client.get(f"/programs/staff/{event.pk}/roster/").content.decode()
    assert f'href="/programs/staff/{event.pk}/roster.xlsx"' in roster_page
    assert "Excel形式（.xlsx）" in roster_page
    before = set(PersonalDataAccess.objects.values_list("pk", flat=True))

    response = client.get(f"/programs/staff/{event.pk}/roster.xlsx")
    assert "filename*=UTF-8''roster-" in response["Content-Disposition"]
    cells = xlsx_cells(response)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    by_value = {cell.value: cell for cell in cells}
    assert by_value["09012345678"].data_type == "s"  # not 9012345678
    assert by_value["=1+2"].data_type == "s"
    assert by_value[HYPERLINK].data_type == "s"
    first = Registration.objects.filter(event=event).order_by("number").first()
    assert by_value[first.receipt_code].data_type == "s"
    assert by_value[1].data_type == "n"  # the party size stays a number
    [line] = PersonalDataAccess.objects.exclude(pk__in=before)
    assert line.action == PersonalDataAction.EXPORT and str(event.pk) in line.record


def test_roster_xlsx_is_for_staff_only(client, plain_user, event_with_formula_names):
    url = f"/programs/staff/{event_with_formula_names.pk}/roster.xlsx"
    assert client.get(url).status_code == 302
    sign_in(client, plain_user)
    assert client.get(url).status_code == 403
    assert not PersonalDataAccess.objects.exists()


@pytest.fixture
def month_of_machine_uses(facility):
    from resources.models import OfficeMachine

    copier = OfficeMachine.objects.create(facility=facility, name="コピー機", sort_order=1)
    today = timezone.localdate()
    group = make_group(
        "-1+2 子育てネットワーク",
        "2026-0001",
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=30),
    )
    machine_use_log(machine=copier, group=group, sheets=50, in_progress=False, now=timezone.now())
    return f"{today:%Y-%m}"


def test_machine_statistics_csv_keeps_group_names_as_text(client, ward_user, month_of_machine_uses):
    sign_in(client, ward_user)
    rows = csv_rows(
        client.get(f"/counter/resources/machines/statistics.csv?month={month_of_machine_uses}")
    )
    assert_no_formula_cells(rows)
    assert ["団体別", "'-1+2 子育てネットワーク", "2026-0001", "1", "50"] in rows


def test_machine_statistics_xlsx_keeps_registration_numbers_as_text(
    client, ward_user, month_of_machine_uses
):
    sign_in(client, ward_user)
    page = client.get(f"/counter/resources/machines/statistics/?month={month_of_machine_uses}")
    assert "Excel形式（.xlsx）" in page.content.decode()
    cells = xlsx_cells(
        client.get(f"/counter/resources/machines/statistics.xlsx?month={month_of_machine_uses}")
    )
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    by_value = {cell.value: cell for cell in cells}
    assert by_value["2026-0001"].data_type == "s"
    assert by_value["-1+2 子育てネットワーク"].data_type == "s"
    assert by_value[50].data_type == "n"


def test_consultation_statistics_csv_keeps_topic_names_as_text(client, counter_user, ward_user):
    consultation_factories.defaults()
    Topic.objects.create(name="=1+2 助成金", sort_order=99)
    consultation_factories.consultation(user=counter_user, topic_name="=1+2 助成金")
    sign_in(client, ward_user)
    month = f"{timezone.localdate():%Y-%m}"
    rows = csv_rows(client.get(f"/consultations/statistics/csv/?month={month}"))
    assert_no_formula_cells(rows)
    assert any(row[:3] == ["相談分類", "'=1+2 助成金", "1"] for row in rows), rows


@pytest.mark.parametrize(
    ("filename", "fallback", "encoded"),
    [
        ("roster-12-20261123.csv", "roster-12-20261123.csv", "roster-12-20261123.csv"),
        ("出席簿 12.xlsx", "12.xlsx", "%E5%87%BA%E5%B8%AD%E7%B0%BF%2012.xlsx"),
        ('a"b\r\nSet-Cookie: x.csv', "a_b_Set-Cookie_x.csv", "a%22b%0D%0ASet-Cookie%3A%20x.csv"),
    ],
)
def test_download_names_are_safe_ascii_with_an_rfc5987_original(filename, fallback, encoded):
    header = content_disposition(filename)
    assert header == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    assert header.isascii() and "\r" not in header and "\n" not in header


def test_cells_starting_with_a_tab_or_carriage_return_are_neutralised_too():
    """defusedcsv 3 leaves these alone; the services strip them today, the helper must not rely
    on that."""
    response = csv_response(filename="x.csv", rows=[["\t=1+2", "\r=1+2", "-5", 3, None]])
    rows = csv_rows(response)
    assert rows == [["'\t=1+2", "'\r=1+2", "-5", "3", ""]]
