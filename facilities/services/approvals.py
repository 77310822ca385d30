"""利用承認書の番号 (e.g. 2026-予-00123): sequential per fiscal year of the confirmation.

A counter row per year would be one hot row that every booking of the year must update inside
its transaction (serialising the whole counter). A PostgreSQL sequence per fiscal year gives the
next number without any lock; the price is a gap when a transaction rolls back after taking a
number, which the 利用承認書 tolerates (numbers stay unique and increasing). The first booking
of a fiscal year creates its sequence, on a connection of its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.utils import timezone

from kyodo_center.dates import fiscal_year_of


def _sequence_name(fiscal_year: int) -> str:
    return f"facilities_approval_number_{int(fiscal_year)}"


def _number_from_a_new_sequence(name: str) -> int:
    """Create the year's sequence and take its number on a connection of its own, committed at
    once. Made inside the booking's transaction, the sequence would hold a catalog lock until
    that commit, and every other first booking of the year would wait for it; and a
    transaction that has already looked the name up may not see another session's new
    sequence before it ends, so the number is taken on the same side connection."""
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            # Two first bookings of a year at once: the loser's CREATE fails, the other made it.
            with contextlib.suppress(DatabaseError):
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
            cursor.execute("SELECT nextval(%s)", [name])
            (number,) = cursor.fetchone()
    finally:
        own.close()
    return number


def approval_sequence(now: dt.datetime) -> tuple[int, str]:
    """The fiscal year of a confirmation made at ``now`` and its sequence's name."""
    fiscal_year = fiscal_year_of(timezone.localdate(now))
    return fiscal_year, _sequence_name(fiscal_year)


def approval_number_text(fiscal_year: int, number: int) -> str:
    return f"{fiscal_year}-予-{number:05d}"


def next_approval_number(now: dt.datetime) -> str:
    """The next number (a booking takes it with its other reads instead when it can:
    services/bookings.py RULES_SQL)."""
    fiscal_year, name = approval_sequence(now)
    # One round trip once the year's sequence exists (CASE evaluates nextval only then).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN to_regclass(%s) IS NULL THEN NULL"
            " ELSE nextval((%s::text)::regclass) END",
            [name, name],
        )
        (number,) = cursor.fetchone()
    if number is None:
        number = _number_from_a_new_sequence(name)
    return approval_number_text(fiscal_year, number)
