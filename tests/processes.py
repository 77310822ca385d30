"""Child processes on the project's database: the URL they are given and the gunicorn they run.

Used by the tests (gunicorn, manage.py children) and by ``bench/run.py``; nothing here needs
Django to be set up before it is imported.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def database_url(settings: Mapping[str, Any], *, name: str | None = None) -> str:
    """A DATABASE_URL for Django-style database settings (``NAME`` replaced by ``name`` when
    given). A socket folder as host is percent-encoded, as dj-database-url expects."""
    host = settings.get("HOST") or (settings.get("OPTIONS") or {}).get("host", "")
    quoted_host = urllib.parse.quote(host, safe="") if host.startswith("/") else host
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    user = urllib.parse.quote(settings.get("USER") or "", safe="")
    password = urllib.parse.quote(settings.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgresql://{credentials}{quoted_host}{port}/{name or settings['NAME']}"


def current_database_url() -> str:
    """A DATABASE_URL for the database the tests run on (for gunicorn or manage.py children)."""
    from django.db import connection

    return database_url(connection.settings_dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict[str, str], port: int, *options: str, workers: int = 2, **popen: Any
) -> subprocess.Popen:
    """The production server (``kyodo_center.wsgi``) on loopback ``port``, from the project
    root; ``options`` are further gunicorn options, ``popen`` goes to ``subprocess.Popen``."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kyodo_center.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *options,
        ],
        cwd=ROOT,
        env=env,
        **popen,
    )
