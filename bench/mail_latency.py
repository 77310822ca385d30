"""Mail delivery latency, commit → SMTP receipt, with the worker as a separate process.

``python bench/mail_latency.py [--count 50]``:

1. creates a database ``kyodo_mail_bench`` next to the configured one (the embedded PostgreSQL
   when DATABASE_URL is unset) and migrates it, with production settings;
2. starts an SMTP server on loopback (tests/mail.py) and ``manage.py procrastinate worker``
   as its own process, pointed at both;
3. queues ``--count`` notices one at a time (each in its own transaction, the next once the
   previous one arrived) and then the same number back to back, and measures for each the time
   from its COMMIT returning to the SMTP server having the whole message;
4. prints median, p95 and max per series, then stops the worker and drops the database.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the apps and tests/ import from the root

from tests.mail import SmtpSink  # noqa: E402
from tests.processes import database_url  # noqa: E402

BENCH_DB = "kyodo_mail_bench"
SECRET = "mail-bench-only-secret-key-" + "Qm4Xv8Lp2Rt6Zk9Wn3Hs7Bd5Gf1Yc0Jx" * 2


def recreate_database(settings: dict[str, Any], *, drop_only: bool = False) -> str:
    """Drop (and create) the bench database, connected to the configured one."""
    import psycopg
    from psycopg import sql

    conninfo = {
        "host": settings["HOST"] or settings.get("OPTIONS", {}).get("host", ""),
        "port": settings["PORT"] or None,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        "dbname": settings["NAME"],
    }
    conninfo = {key: value for key, value in conninfo.items() if value}
    with psycopg.connect(**conninfo, autocommit=True) as connection:
        name = sql.Identifier(BENCH_DB)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            connection.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(name)
            )
    return database_url(settings, name=BENCH_DB)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(label: str, latencies_ms: list[float]) -> str:
    return (
        f"{label:<34} n={len(latencies_ms):>3}  median {statistics.median(latencies_ms):7.1f} ms"
        f"  p95 {percentile(latencies_ms, 0.95):7.1f} ms  max {max(latencies_ms):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    arguments = parser.parse_args()

    from kyodo_center.database import database_settings

    configured = database_settings(ROOT)  # the embedded server stays up while this runs
    sink = SmtpSink()
    sink.start()
    url = recreate_database(configured)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="kyodo_center.settings.base",
        SECRET_KEY=SECRET,
        EMAIL_HOST=sink.host,
        EMAIL_PORT=str(sink.port),
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from notices.services import queue_notice

    print(f"database {BENCH_DB}: migrating…", flush=True)
    call_command("migrate", verbosity=0)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker"], cwd=ROOT, env=env
    )
    try:
        context = {
            "group": "練馬子育てネットワーク",
            "facility": "練馬区立区民協働交流センター",
            "room": "多目的室1",
            "date": "2026年11月23日(月)",
            "time": "14:00〜16:00",
            "number": 1,
            "link": "http://127.0.0.1:8000/mypage/",
        }

        def send_one() -> tuple[int, float]:
            with transaction.atomic():
                notice = queue_notice(
                    to=["kosodate@example.jp"],
                    template="booking_confirmed",
                    context=context,
                    kind="booking_confirmed",
                )
            assert notice is not None
            return notice.pk, time.time()  # COMMIT has returned

        def arrival(pk: int) -> float:
            header = f"booking_confirmed-{pk}"
            return next(
                e.received_at for e in sink.envelopes if e.message["X-Kyodo-Notice"] == header
            )

        # Warm-up: the worker is listening once the first notice has come through.
        send_one()
        sink.wait_for(1, timeout=60)

        sequential = []
        for _ in range(arguments.count):
            pk, committed = send_one()
            sink.wait_for(len(sink.envelopes) + 1, timeout=60)
            sequential.append((arrival(pk) - committed) * 1000)

        already = len(sink.envelopes)
        sent = [send_one() for _ in range(arguments.count)]
        sink.wait_for(already + arguments.count, timeout=300)
        burst = [(arrival(pk) - committed) * 1000 for pk, committed in sent]

        print(describe("one at a time (worker idle)", sequential))
        print(describe(f"{arguments.count} committed back to back", burst))
        print(
            f"{len(sink.envelopes)} messages received for {1 + 2 * arguments.count} notices; "
            "1 worker process (concurrency 1, polling fallback 1 s), SMTP and PostgreSQL on "
            "loopback"
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        sink.stop()
        connection.close()
        recreate_database(configured, drop_only=True)


if __name__ == "__main__":
    main()
