"""kyodo_center.prepared: hand-written queries as prepared statements, counted and logged."""

from __future__ import annotations

from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from facilities.models import Facility
from kyodo_center.prepared import prepared_cursor, prepared_models


def test_prepared_models_are_the_rows_the_orm_reads_with_the_extra_columns(facility):
    # The table's columns are not in the model's field order (migrations added some at the
    # end): every field must still get its own value.
    facility.registered_booking_months = 5
    facility.lottery_draw_day = 14
    facility.save()
    sql = "SELECT f.*, 'extra' AS note_for_test FROM facilities_facility f WHERE f.id = %s"
    (read,) = prepared_models(Facility, sql, [facility.pk])
    assert model_to_dict(read) == model_to_dict(Facility.objects.get(pk=facility.pk))
    assert read.registered_booking_months == 5
    assert read.lottery_draw_day == 14
    assert read.note_for_test == "extra"
    assert read._state.adding is False


def test_prepared_statements_are_counted_and_logged_with_their_text(db):
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):  # prepared from the second run on
            with prepared_cursor() as cursor:
                cursor.execute("SELECT %s::int + 1", [41])
                assert cursor.fetchone() == (42,)
    assert [query["sql"] for query in queries] == ["SELECT %s::int + 1"] * 3
