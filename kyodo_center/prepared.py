"""Prepared statements for the hand-written queries of the busiest paths.

Django binds parameters on the client (psycopg's ClientCursor), so PostgreSQL parses and plans
every query it gets again. For the large queries that every public page or booking runs (the
content versions, the availability digest and block states, the booking rules) planning costs
about as much as running them: 0.4 ms of the digest's 1.4 ms at 10^5 bookings. These go through
a cursor that binds on the server, and psycopg prepares a statement the second time this
connection runs it; later runs only execute.

Only statements that begin with SELECT go through it: pghistory puts its context in front of
other statements as a second statement, which a prepared statement cannot hold. Behind a
connection pooler in transaction mode, prepared statements need PgBouncer 1.21 or later with
``max_prepared_statements`` set (README, deployment).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connection, models
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
from django.db.backends.utils import CursorWrapper

# psycopg prepares a statement once this connection has run it this many times.
PREPARE_AFTER = 1

ModelT = TypeVar("ModelT", bound=models.Model)


class PreparedDebugCursor(CursorDebugWrapper):
    """Logs each statement as written: psycopg keeps no text of a prepared statement's run,
    where Django's wrapper looks for it."""

    def execute(self, sql: str, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)


def prepared_cursor() -> CursorWrapper:
    """A cursor of the default connection whose statements are prepared on their second run
    (use it as a context manager, like ``connection.cursor()``). Queries are logged and
    counted as any other (CaptureQueriesContext, django_assert_num_queries)."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # Django turns preparing off for its own cursors
        raw.prepare_threshold = PREPARE_AFTER
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(raw)
    if connection.queries_logged:
        return PreparedDebugCursor(cursor, connection)
    return connection.make_cursor(cursor)


def prepared_models(model: type[ModelT], sql: str, params: Any = None) -> list[ModelT]:
    """``model.objects.raw(sql, params)`` through a prepared statement, as a list: the selected
    columns that are the model's fields make the instances, any other column becomes an
    attribute of that name (``SELECT r.*, … AS excluded``). Saves the planning of each run:
    0.1 to 0.14 ms on each of the availability pages' raw queries."""
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    # from_db takes the values in the model's field order, which is not the table's column
    # order once a migration has added a column.
    position = {name: i for i, name in enumerate(names)}
    field_names = [f.attname for f in model._meta.concrete_fields if f.attname in position]
    field_indexes = [position[name] for name in field_names]
    model_columns = set(field_names)
    extras = [(i, name) for i, name in enumerate(names) if name not in model_columns]
    instances = []
    for row in rows:
        instance = model.from_db(connection.alias, field_names, [row[i] for i in field_indexes])
        for i, name in extras:
            setattr(instance, name, row[i])
        instances.append(instance)
    return instances
