"""利用承認書の番号 (e.g. 2026-予-00123): sequential per fiscal year of the confirmation.

A counter row per year would be one hot row that every booking of the year must update inside
its transaction (serialising the whole counter). A PostgreSQL sequence per fiscal year gives the
next number without any lock; the price is a gap when a transaction rolls back after taking a
number, which the 利用承認書 tolerates (numbers stay unique and increasing).
"""

from __future__ import annotations

import datetime as dt

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kyodo_center.dates import fiscal_year_of


def _sequence_name(fiscal_year: int) -> str:
    return f"facilities_approval_number_{int(fiscal_year)}"


def next_approval_number(now: dt.datetime) -> str:
    fiscal_year = fiscal_year_of(timezone.localdate(now))
    name = _sequence_name(fiscal_year)
    # One round trip once the year's sequence exists (CASE evaluates nextval only then).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN to_regclass(%s) IS NULL THEN NULL"
            " ELSE nextval((%s::text)::regclass) END",
            [name, name],
        )
        (number,) = cursor.fetchone()
    if number is None:
        try:
            # Two first bookings of a year may race to create it; the loser's savepoint rolls
            # back and it uses the winner's sequence.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
        except DatabaseError:
            pass
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [name])
            (number,) = cursor.fetchone()
    return f"{fiscal_year}-予-{number:05d}"
