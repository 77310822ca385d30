"""Real mail for tests: an SMTP server on loopback and the background worker, run on demand.

Fixtures (tests/conftest.py) built on these:

- ``smtp_server``: an aiosmtpd server on 127.0.0.1 and a free port, with Django's settings
  pointed at it (SMTP backend). ``smtp_server.messages`` are the received messages parsed with
  the ``email`` package (``email.message.EmailMessage``: ``msg["Subject"]`` is decoded,
  ``msg.get_content()`` is the body); ``smtp_server.envelopes`` the SMTP envelopes
  (``mail_from``, ``rcpt_tos``); ``smtp_server.wait_for(n, timeout=10)`` waits for n messages;
  ``smtp_server.stop()`` / ``start()`` take it down and up again on the same port.
- ``worker``: a callable running procrastinate's worker until no job is due
  (``run_worker_until_idle``); it needs committed data, so it brings ``transactional_db``, and
  it empties procrastinate's tables before and after the test (Django's flush does not: they
  are unmanaged models).

Typical use::

    def test_the_group_gets_a_mail(smtp_server, worker):
        book_something()            # queues a Notice in its transaction, which commits
        worker()
        (message,) = smtp_server.wait_for(1)
        assert message["Subject"] == "【…】ご予約が確定しました（…）"
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from django.db import connection

PROCRASTINATE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    received_at: float = field(default_factory=time.time)  # when DATA completed (epoch seconds)


@dataclass
class SmtpSink:
    """An SMTP server on loopback that keeps what it receives (the aiosmtpd handler)."""

    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    envelopes: list[Envelope] = field(default_factory=list)
    _controller: Controller | None = None
    _received: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._received:
            self.envelopes.append(
                Envelope(envelope.mail_from, list(envelope.rcpt_tos), message, raw)  # type: ignore[arg-type]
            )
            self._received.notify_all()
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        return [envelope.message for envelope in self.envelopes]

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self, hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        """Down: connections to the port are refused until ``start()``."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once at least ``count`` have arrived; AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._received:
            while len(self.envelopes) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{count} messages expected within {timeout} s, {len(self.envelopes)} came"
                    )
                self._received.wait(left)
        return self.messages


def run_worker_until_idle(*, queues: list[str] | None = None, periodic: bool = False) -> None:
    """Run procrastinate's worker (as ``manage.py procrastinate worker`` does: its own psycopg
    connections to the test database) until no job is due, then return. Only committed jobs
    are seen. Periodic jobs are not deferred unless ``periodic`` (they depend on the clock).

    It runs in a thread of its own, so it also works from a test whose thread already runs an
    event loop (Playwright's sync API); an exception of the worker itself is raised here."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            _run_worker(queues=queues, periodic=periodic)
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="procrastinate-test-worker")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _run_worker(*, queues: list[str] | None, periodic: bool) -> None:
    from procrastinate.contrib.django import app
    from procrastinate.periodic import PeriodicRegistry

    # The worker's threads open their own Django connections: closed after each task here, or
    # they would outlive the test and keep the test database from being dropped.
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
        registry = worker_app.periodic_registry
        if not periodic:
            worker_app.periodic_registry = PeriodicRegistry()
        try:
            worker_app.run_worker(
                wait=False,
                queues=queues,
                install_signal_handlers=False,
                listen_notify=False,
                delete_jobs="never",
            )
        finally:
            worker_app.periodic_registry = registry
            connection.settings_dict["CONN_MAX_AGE"] = max_age
            # This thread's own Django connection (get_worker_connector reads its parameters).
            connection.close()


def make_jobs_due() -> int:
    """Jobs waiting for a retry become due now (as if the back-off had elapsed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() "
            "WHERE status = 'todo' AND scheduled_at > now()"
        )
        return cursor.rowcount


def jobs(task_name: str | None = None) -> list[dict[str, Any]]:
    """procrastinate's job rows (id, task_name, status, attempts, args), oldest first."""
    sql = "SELECT id, task_name, status::text, attempts, args FROM procrastinate_jobs"
    params: list[Any] = []
    if task_name:
        sql += " WHERE task_name = %s"
        params.append(task_name)
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY id", params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:  # Django's psycopg setup leaves jsonb as text
        row["args"] = json.loads(row["args"]) if isinstance(row["args"], str) else row["args"]
    return rows


def empty_job_queue() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(PROCRASTINATE_TABLES)} RESTART IDENTITY CASCADE")
