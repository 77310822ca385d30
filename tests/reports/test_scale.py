"""The report costs one query per section whatever the data: the same number of queries with
no bookings and with a year of 100,000 (inserted in one statement, like bench/run.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.models import Booking
from reports.selectors import SECTION_KEYS, annual_report
from tests.conftest import sign_in
from tests.facilities.conftest import NOW, TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Every half hour of 2026年度 (9:00–22:00) of both rooms booked once (active), then cancelled
# bookings of the same half hours (cancelled ones may overlap) up to 100,000 rows in all.
BOOKING_SQL = """
INSERT INTO facilities_booking (room_id, period, status, booker_name, booker_contact, purpose,
    attendees, notes, registered_priority, created_at, updated_at, cancel_reason, owner,
    cancel_kind, stage, channel)
SELECT room.id,
       tstzrange(((day + make_interval(mins => 540 + 30 * slot + copy))::timestamp
                    AT TIME ZONE 'Asia/Tokyo'),
                 ((day + make_interval(mins => 570 + 30 * slot - copy))::timestamp
                    AT TIME ZONE 'Asia/Tokyo'), '[)'),
       CASE WHEN copy = 0 THEN 'active' ELSE 'cancelled' END,
       '規模の確認' || room.id, '03-0000-0000', '定例会', 8, '', false, now(), now(),
       CASE WHEN copy = 0 THEN '' ELSE '都合により取消' END, 'counter',
       CASE WHEN copy = 0 THEN '' ELSE 'group' END, 'confirmed', 'counter'
FROM generate_series(date '2026-04-01', date '2027-03-31', interval '1 day') AS day
CROSS JOIN (SELECT id FROM facilities_room ORDER BY id LIMIT 2) AS room
CROSS JOIN generate_series(0, 25) AS slot
CROSS JOIN generate_series(0, 5) AS copy
ORDER BY copy, day, room.id, slot
LIMIT 100000
"""


def test_query_count_is_flat_with_a_year_of_100000_bookings(
    client, ward_user, facility, frozen_now
):
    sign_in(client, ward_user)
    with CaptureQueriesContext(connection) as empty:
        assert client.get("/counter/reports/", {"year": "2026"}).status_code == 200

    with connection.cursor() as cursor:
        # The history trigger (pghistory, one row per booking) would make this insert take
        # minutes; the report reads no history, so it is off for this one statement.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE facilities_booking DISABLE TRIGGER USER")
        cursor.execute(BOOKING_SQL)
        cursor.execute("ALTER TABLE facilities_booking ENABLE TRIGGER USER")
    assert Booking.objects.count() == 100_000

    with CaptureQueriesContext(connection) as full:
        response = client.get("/counter/reports/", {"year": "2026"})
    assert response.status_code == 200
    assert len(full) == len(empty)
    with CaptureQueriesContext(connection) as report_only:
        report = annual_report(fiscal_year=2026, today=TODAY, now=NOW)
    assert len(report_only) == len(SECTION_KEYS)
    # Every open half hour is booked: 100% in every month so far, and for the year.
    occupancy = report.section("rooms").table("occ_all").figure("all")
    assert occupancy.current[:8] == [100.0] * 8
    assert occupancy.current_total == 100.0
    assert report.section("rooms").table("cancel").figure("group").current_total > 50_000
