"""`make bench`: measured speed of the main pages on this machine, in one run.

1. Creates a separate database ``kyodo_bench`` on the configured PostgreSQL (the embedded one
   when DATABASE_URL is unset), migrates it and loads the demo data.
2. Generates a realistic data set in two steps — 10^3 bookings, then the full size (10^5 by
   default, ``--bookings 1000000`` for 10^6) — plus 1,000 registered groups, 10^4
   consultations and 500 events with registrations; after each step it counts each page's
   queries and times the uncached month view in-process. Then it draws a lottery round of
   1,000 groups × 10 applications (bench/lottery_draw.py) and times it.
3. Starts gunicorn with production settings on loopback (2 workers, as the Dockerfile does on
   this 2-core machine) and drives every page with wrk (Debian package) for a bounded time,
   16 connections, then prints requests/s, p50/p95 latency, errors and the ratio of each
   page's throughput to /healthz measured in the same run, and each worker's peak memory.
   The month and day views are driven three ways: a visitor without cookies (the page cache
   answers), a returning visitor with a CSRF cookie, and "built" (a second gunicorn with no
   cache at all, bench/nocache_settings.py: what the first visitor after a booking pays),
   beside two floors for any built page (bench/urls.py): a fixed answer through the whole
   middleware stack, and the public layout around a heading.
4. The rush (a booking window opens): 30 s in which 64 connections read month and day views
   while 8 connections make online requests, each on days of its own; reads and writes p95,
   errors, double bookings (counted in the database afterwards) and the page cache's hit rate.
5. Bytes on the wire for the month view, the day view and events.ics, with and without
   ``Accept-Encoding: gzip``, and the 304 a conditional GET gets.
6. Slow clients (bench/slow_clients.py): 50 slowloris connections against gunicorn, through
   deploy/nginx.conf and straight, while /healthz and a booking must answer within 1 s.
7. Prints each target (ratios, p95s, the rush, 304/gzip, slow clients) as met or MISSED, and
   writes all of it as JSON under bench/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/run.py`: the apps and tests/ import from the root

from bench.lottery_draw import describe as describe_lottery  # noqa: E402
from bench.lottery_draw import measure_lottery_draw  # noqa: E402
from bench.slow_clients import ensure_nginx, measure_slow_clients, print_slow_clients  # noqa: E402
from tests.processes import database_url, free_port, start_gunicorn  # noqa: E402

# BENCH_DATABASE: another name, for two bench runs side by side on one server.
BENCH_DB = os.environ.get("BENCH_DATABASE", "kyodo_bench")
SECRET = "bench-only-secret-key-" + "k3Jq9Vx2Lr7Tz5Wm8Np4Hs6Bd1Gf0Yc" * 2


# --- Database -----------------------------------------------------------------------------------
def bench_database_url() -> str:
    """A fresh database next to the configured one; returns its URL."""
    import psycopg
    from psycopg import sql

    from kyodo_center.database import database_settings

    settings = database_settings(ROOT)
    host = settings["HOST"] or settings.get("OPTIONS", {}).get("host", "")
    conninfo = {
        "host": host,
        "port": settings["PORT"] or None,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        "dbname": settings["NAME"],
    }
    conninfo = {key: value for key, value in conninfo.items() if value}
    with psycopg.connect(**conninfo, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )
        connection.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(BENCH_DB)
            )
        )
    return database_url(settings, name=BENCH_DB)


def production_environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="kyodo_center.settings.base",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        # Loopback has no TLS proxy in front: no redirect, so wrk measures the pages themselves.
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(ROOT / "bench" / "results" / "static"),
    )
    return env


# --- Data ---------------------------------------------------------------------------------------
BOOKING_SQL = """
INSERT INTO facilities_booking (room_id, period, status, booker_name, booker_contact, purpose,
    attendees, notes, registered_priority, created_at, updated_at, cancel_reason, owner,
    cancel_kind, stage, channel)
SELECT room.id,
       tstzrange(((day + make_interval(hours => hour))::timestamp AT TIME ZONE 'Asia/Tokyo'),
                 ((day + make_interval(hours => hour + 1))::timestamp AT TIME ZONE 'Asia/Tokyo'),
                 '[)'),
       CASE WHEN cancelled THEN 'cancelled' ELSE 'active' END,
       'ベンチ利用者' || room.id || '-' || hour, '03-0000-0000', '定例会（ベンチ）', 8, '', false,
       now(), now(), CASE WHEN cancelled THEN '都合により取消' ELSE '' END, 'counter',
       CASE WHEN cancelled THEN 'centre' ELSE '' END, 'confirmed', 'counter'
FROM generate_series(%(last_day)s::date, %(first_day)s::date, interval '-1 day') AS day
CROSS JOIN (SELECT id FROM facilities_room ORDER BY id LIMIT 2) AS room
CROSS JOIN generate_series(9, 21) AS hour
CROSS JOIN (VALUES (false), (true)) AS flags(cancelled)
ORDER BY day DESC, room.id, hour, cancelled
LIMIT %(count)s
"""


def add_bookings(count: int, last_day: dt.date) -> dt.date:
    """Insert ``count`` bookings (an active and a cancelled one per hour slot) going back
    from ``last_day``; return the day before the earliest one written."""
    from django.db import connection, transaction

    per_day = 2 * 13 * 2
    days = -(-count // per_day)
    first_day = last_day - dt.timedelta(days=days - 1)
    with transaction.atomic(), connection.cursor() as cursor:
        if not without_row_triggers(cursor) and count > 10_000:
            print(
                "  (this database role may not skip triggers: the bookings are written with "
                "their history rows, about 0.2 ms each)",
                flush=True,
            )
        cursor.execute(BOOKING_SQL, {"first_day": first_day, "last_day": last_day, "count": count})
    return first_day - dt.timedelta(days=1)


def without_row_triggers(cursor: Any) -> bool:
    """Skip the triggers for the rest of this transaction: generated history needs no history
    rows, and the row-level history trigger is 85% of the insert's time (0.18 ms a row at 10^5,
    so 10^6 bookings took more than 45 minutes). The rows are consistent by construction (their
    rooms are read from the table), so skipping the foreign-key triggers loses nothing. Needs
    a superuser (the embedded server's); with another role the bookings are written as usual.
    Returns whether the triggers are skipped."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:  # permission denied to set parameter
        return False
    return True


def add_groups(count: int, today: dt.date) -> None:
    from django.utils import timezone

    from groups import models as group_models

    fiscal_year = today.year if today.month >= 4 else today.year - 1
    fields: dict[str, Any] = {
        "status": group_models.ApplicationStatus.APPROVED,
        "decided_at": timezone.now(),
        "kind": group_models.GroupKind.VOLUNTARY,
        "publish": True,
        "publish_activity": True,
        "publish_area": True,
    }
    for key in group_models.CRITERION_KEYS:
        fields[f"check_{key}"] = True
        fields[f"declares_{key}"] = True
    areas = ["練馬", "石神井", "大泉", "光が丘", "関", "平和台", "桜台", "豊玉"]
    activities = ["子育て支援", "高齢者の見守り", "環境美化", "国際交流", "防災", "文化・芸術"]
    groups = []
    for i in range(count):
        groups.append(
            group_models.Group(
                name=f"ベンチ団体{i:04d}",
                name_kana=f"ベンチダンタイ{i:04d}",
                registration_number=f"{fiscal_year}-B{i:04d}",
                valid_from=dt.date(fiscal_year, 4, 1),
                # Valid through next year too, so the POST bench never meets a lapse.
                valid_until=dt.date(fiscal_year + 2, 3, 31),
                activity=f"{activities[i % len(activities)]}の活動をしています。",
                activity_area=f"{areas[i % len(areas)]}地域",
                member_count=5 + i % 40,
                **fields,
            )
        )
    group_models.Group.objects.bulk_create(groups, batch_size=1000)


def add_consultations(count: int, today: dt.date) -> None:
    from django.utils import timezone

    from consultations import models as consultation_models

    topics = list(consultation_models.Topic.objects.all())
    if not topics:
        return
    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.get(username="madoguchi")
    channels = [choice for choice, _ in consultation_models.Channel.choices]
    askers = [choice for choice, _ in consultation_models.AskerKind.choices]
    start = timezone.now() - dt.timedelta(days=365)
    consultations = [
        consultation_models.Consultation(
            received_at=start + dt.timedelta(minutes=53 * i),
            channel=channels[i % len(channels)],
            asker_kind=askers[i % len(askers)],
            asker_name=f"相談者{i}",
            contact="03-0000-0000",
            topic=topics[i % len(topics)],
            summary="団体の設立と運営について相談したい。",
            handling="窓口で案内した。",
            suggested_route="counter",
            route="counter",
            created_by=clerk,
        )
        for i in range(count)
    ]
    consultation_models.Consultation.objects.bulk_create(consultations, batch_size=2000)


def add_events(count: int, today: dt.date) -> None:
    """Events go through the programs services (bench/programs_data.py)."""
    from bench import programs_data

    programs_data.add_events(count, today)


# --- In-process measurements ---------------------------------------------------------------------
def measure_in_process(pages: dict[str, str], clerk_pages: set[str]) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous = Client()
    from tests.conftest import sign_in  # models: after django.setup()

    clerk = Client()
    # With the second factor passed, as the sign-in pages leave a clerk's session.
    sign_in(clerk, get_user_model().objects.get(username="madoguchi"))
    result: dict[str, Any] = {"queries": {}}
    for name, path in pages.items():
        client = clerk if name in clerk_pages else anonymous
        cache.clear()
        client.get(path)  # first visit may write once (year-end closures)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        result["queries"][name] = len(queries)
    timings = []
    for _ in range(30):
        cache.clear()
        started = time.perf_counter()
        anonymous.get(pages["month"])
        timings.append(time.perf_counter() - started)
    result["month_uncached_ms"] = round(statistics.median(timings) * 1000, 2)
    return result


# --- gunicorn + wrk ---------------------------------------------------------------------------
def add_months_to(day: dt.date, months: int) -> dt.date:
    from kyodo_center.dates import add_months

    return add_months(day, months)


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def wrk_command(
    url: str, *, duration: int, connections: int, threads: int, script: Path, headers: list[str]
) -> list[str]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    for header in headers:
        command += ["-H", header]
    return [*command, url]


def run_wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    threads: int,
    script: Path,
    headers: list[str],
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    command = wrk_command(
        url,
        duration=duration,
        connections=connections,
        threads=threads,
        script=script,
        headers=headers,
    )
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, env=env, check=True
    ).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict[str, Any]:
    """The BENCH_JSON line bench/report.lua prints, with the derived figures."""
    match = re.search(r"BENCH_JSON (\{.*\})", output)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{output}")
    data = json.loads(match.group(1))
    data["rps"] = round(data["requests"] / (data["duration_us"] / 1e6), 1)
    data["p50_ms"] = round(data["p50_us"] / 1000, 2)
    data["p95_ms"] = round(data["p95_us"] / 1000, 2)
    data["errors"] = data["non_2xx_3xx"] + data["socket_errors"]
    return data


def post_day_offsets(facility: Any) -> list[int]:
    """Open days beyond the general window but inside the registered groups' one."""
    from django.utils import timezone

    from facilities.models import Closure
    from facilities.services.windows import booking_window

    today = timezone.localdate()
    window = booking_window(facility, today)
    closed = set(
        Closure.objects.filter(facility=facility, start_time__isnull=True).values_list(
            "date", flat=True
        )
    )
    offsets = []
    day = window.general_until + dt.timedelta(days=1)
    while day <= window.registered_until:
        if day not in closed:
            offsets.append((day - today).days)
        day += dt.timedelta(days=1)
    return offsets


def worker_peak_memory_mb(master_pid: int) -> list[float]:
    children = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True
    ).stdout.split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(round(int(match.group(1)) / 1024, 1))
    return peaks


# --- The steps, in the order main runs them -------------------------------------------------
@dataclass
class BenchSite:
    """What the data step made and the later steps visit."""

    today: dt.date
    facility: Any
    rooms: list[Any]
    group: Any
    pages: dict[str, str]
    clerk_pages: set[str]
    next_last_day: dt.date  # step 2's bookings go back in time from here


def parse_arguments() -> argparse.Namespace:
    """The command line; wrk is checked first, before the long data step that precedes it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rush-duration",
        type=int,
        help="seconds of the rush (default 30; 3 × --duration when that is under 10)",
    )
    args = parser.parse_args()
    if args.rush_duration is None:
        args.rush_duration = 30 if args.duration >= 10 else 3 * args.duration
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian package wrk; `make bench` installs it)")
    ensure_nginx()  # the slow-clients step's; installed now rather than after the data step
    return args


def prepare_database() -> dict[str, str]:
    """A fresh bench database with the demo data but none of its events and bookings; this
    process switched to it with production settings. Returns that environment."""
    env = production_environment(bench_database_url())
    os.environ.clear()
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command

    from facilities.models import Booking, Facility, LotteryApplication, LotteryRound
    from programs.models import Event, Registration

    print(f"bench database: {BENCH_DB}; migrating and loading demo data…", flush=True)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    facility = Facility.objects.get()
    # The POST rows and the rush book free slots beyond the general window, each slot once: six
    # months give them about 150 open days (the rush's writers alone booked 1,280 slots in 30 s).
    facility.registered_booking_months = 6
    facility.save()
    # Start from generated data only (the demo's events hold room bookings and registrations).
    Registration.objects.all().delete()
    Event.objects.all().delete()
    # The demo's lottery rounds would hold the month the booking POSTs go to.
    LotteryApplication.objects.all().delete()
    LotteryRound.objects.all().delete()
    Booking.objects.all().delete()
    return env


def add_first_step_data() -> BenchSite:
    """Step 1 (about 10^3 bookings): groups, consultations, events and the current month fully
    booked. Step 2 only adds older history, so the month shown is the same at both sizes and
    its timings compare like for like."""
    from django.utils import timezone

    from facilities.models import Facility, Room

    today = timezone.localdate()
    facility = Facility.objects.get()
    add_groups(1000, today)
    add_consultations(10_000, today)
    add_events(500, today)
    month_start = today.replace(day=1)
    month_end = add_months_to(month_start, 1) - dt.timedelta(days=1)
    add_bookings(((month_end - month_start).days + 1) * 52, month_end)
    group = bench_site_group()
    month = f"{today:%Y-%m}"
    return BenchSite(
        today=today,
        facility=facility,
        rooms=list(Room.objects.filter(facility=facility).order_by("pk")[:2]),
        group=group,
        pages={
            "healthz": "/healthz",
            "home": "/",
            "month": f"/facilities/availability/?month={month}",
            "day": f"/facilities/availability/{(today + dt.timedelta(days=7)).isoformat()}/",
            "programs": "/programs/",
            "groups": "/groups/",
            "grid": f"/counter/bookings/grid/?date={today.isoformat()}",
        },
        clerk_pages={"grid"},
        next_last_day=month_start - dt.timedelta(days=1),
    )


def bench_site_group() -> Any:
    """The registered bench group the counter's booking POSTs book for: a generated one, whose
    registration covers every day the POSTs reach (a demo group's may lapse before)."""
    from groups.models import Group

    return Group.objects.filter(registration_number__contains="-B").order_by("pk").first()


def add_full_size_bookings(total: int, last_day: dt.date) -> None:
    """Step 2: older bookings, going back in time from ``last_day``, up to ``total`` (planner
    statistics follow in measure_data_step)."""
    from facilities.models import Booking

    remaining = total - Booking.objects.count()
    if remaining > 0:
        add_bookings(remaining, last_day)


def measure_data_step(site: BenchSite) -> dict[str, Any]:
    """Each page's queries and the uncached month view, in-process, at the current size.

    First VACUUM (ANALYZE), as autovacuum leaves a database in use: fresh planner statistics
    and no rows just loaded whose visibility every first read would have to settle."""
    from django.db import connection

    from facilities.models import Booking

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    measured = measure_in_process(site.pages, site.clerk_pages)
    measured["bookings"] = Booking.objects.count()
    print(f"  {measured['bookings']:>7} bookings: queries {measured['queries']}", flush=True)
    return measured


def clerk_session() -> tuple[str, str]:
    """A logged-in clerk's cookie and a CSRF token, for the grid and the booking POST."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.conftest import sign_in  # models: after django.setup()

    clerk = Client()
    sign_in(clerk, get_user_model().objects.get(username="madoguchi"))
    form = clerk.get("/counter/bookings/new/")
    csrf_cookie = form.cookies["csrftoken"].value
    csrf_token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()
    ).group(1)
    return f"sessionid={clerk.cookies['sessionid'].value}; csrftoken={csrf_cookie}", csrf_token


def group_account_sessions(count: int) -> list[tuple[str, str]]:
    """Signed-in accounts of ``count`` registered groups (limits lifted: the bench measures the
    request path, not the quota's refusals), each with its CSRF token, for the online request
    POST: the requests of different groups run side by side, as at a window's opening, where
    one group's would wait for each other on its row lock."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group as Role
    from django.test import Client
    from django.utils import timezone

    from groups.models import Group, GroupMembership
    from groups.services import registered_on_q
    from kyodo_center.roles import GROUP_MEMBER
    from tests.conftest import sign_in  # models: after django.setup()

    role = Role.objects.get(name=GROUP_MEMBER)
    groups = list(
        Group.objects.filter(registered_on_q(timezone.localdate()))
        # Registered on every day the POSTs reach (the registered window: six months).
        .filter(valid_until__gte=timezone.localdate() + dt.timedelta(days=200))
        .order_by("pk")[:count]
    )
    sessions = []
    for index, group in enumerate(groups):
        group.monthly_booking_limit = 10_000
        group.daily_booking_hours_limit = 1_000
        group.save(update_fields=["monthly_booking_limit", "daily_booking_hours_limit"])
        user, _ = get_user_model().objects.get_or_create(username=f"bench-group-{index}@example.jp")
        user.groups.add(role)
        GroupMembership.objects.get_or_create(user=user, defaults={"group": group})
        account = Client()
        sign_in(account, user)
        form = account.get("/facilities/requests/new/")
        csrf_cookie = form.cookies["csrftoken"].value
        csrf_token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()
        ).group(1)
        cookie = f"sessionid={account.cookies['sessionid'].value}; csrftoken={csrf_cookie}"
        sessions.append((cookie, csrf_token))
    return sessions


def load_with_wrk(
    site: BenchSite, env: dict[str, str], args: argparse.Namespace
) -> tuple[dict[str, Any], list[float]]:
    """gunicorn with production settings on loopback, each page then the booking POST driven
    by wrk; returns wrk's figures per page and each worker's peak memory."""
    from django.utils.crypto import get_random_string

    from facilities.models import Booking

    cookie, csrf_token = clerk_session()
    port = free_port()
    server = start_gunicorn(
        env, port, "--log-level", "warning", workers=args.workers, start_new_session=True
    )
    results: dict[str, Any] = {}
    try:
        wait_until_up(port)
        base = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as scratch:
            report = ROOT / "bench" / "report.lua"
            post_script = Path(scratch) / "post.lua"
            post_script.write_text(
                (ROOT / "bench" / "booking_post.lua").read_text() + "\n" + report.read_text()
            )
            wrk_env = dict(os.environ)
            wrk_env.update(
                BENCH_COOKIE=cookie,
                BENCH_CSRF=csrf_token,
                BENCH_ROOMS=",".join(str(room.pk) for room in site.rooms),
                BENCH_GROUP=str(site.group.pk),
                BENCH_DAY_OFFSETS=",".join(
                    str(offset) for offset in post_day_offsets(site.facility)
                ),
                BENCH_TODAY=site.today.isoformat(),
                BENCH_THREADS=str(args.threads),
            )
            # A returning resident's browser: the CSRF cookie of a form it opened once.
            visitor = f"Cookie: csrftoken={get_random_string(32)}"
            rows = [
                (name, path, [f"Cookie: {cookie}"] if name in site.clerk_pages else [])
                for name, path in site.pages.items()
            ] + [(f"{name}_cookie", site.pages[name], [visitor]) for name in ("month", "day")]
            for name, path, headers in rows:
                run_wrk(  # warm-up: fills the caches and the connection pools
                    base + path,
                    duration=2,
                    connections=args.connections,
                    threads=args.threads,
                    script=report,
                    headers=headers,
                )
                results[name] = run_wrk(
                    base + path,
                    duration=args.duration,
                    connections=args.connections,
                    threads=args.threads,
                    script=report,
                    headers=headers,
                )
                print(f"  {name:<9} {results[name]['rps']:>8} req/s", flush=True)
            before = Booking.objects.count()
            results["booking_post"] = run_wrk(
                base + "/counter/bookings/new/",
                duration=min(args.duration, 5),
                connections=args.connections,
                threads=args.threads,
                script=post_script,
                headers=[],
                env=wrk_env,
            )
            created = Booking.objects.count() - before
            results["booking_post"]["bookings_created"] = created
            print(f"  booking POST {results['booking_post']['rps']:>8} req/s", flush=True)
            # The online request (仮予約) of a group account, on slots the counter left free.
            sessions = group_account_sessions(args.connections)
            wrk_env.update(
                BENCH_SESSIONS="^".join(f"{cookie}|{token}" for cookie, token in sessions),
                BENCH_ONLINE="1",
                BENCH_SLOT_OFFSET=str(created + 64),
            )
            before = Booking.objects.count()
            results["online_post"] = run_wrk(
                base + "/facilities/requests/new/",
                duration=min(args.duration, 5),
                connections=args.connections,
                threads=args.threads,
                script=post_script,
                headers=[],
                env=wrk_env,
            )
            results["online_post"]["bookings_created"] = Booking.objects.count() - before
            print(f"  online POST  {results['online_post']['rps']:>8} req/s", flush=True)
        peaks = worker_peak_memory_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results, peaks


def load_built_pages(
    site: BenchSite, env: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    """The month and day views as the first visitor after a booking gets them: gunicorn with
    bench/nocache_settings.py (no cache at all), so every request builds its page. Beside them
    the floors of any built page on this machine (bench/urls.py): ``floor_built``, a fixed
    answer through the whole middleware stack, and ``layout_built``, the public layout around a
    heading."""
    port = free_port()
    server = start_gunicorn(
        {**env, "DJANGO_SETTINGS_MODULE": "bench.nocache_settings"},
        port,
        "--log-level",
        "warning",
        workers=args.workers,
        start_new_session=True,
    )
    results: dict[str, Any] = {}
    report = ROOT / "bench" / "report.lua"
    try:
        wait_until_up(port)
        paths = {
            "month": site.pages["month"],
            "day": site.pages["day"],
            "floor": "/bench/floor/",
            "layout": "/bench/layout/",
        }
        for name, path in paths.items():
            url = f"http://127.0.0.1:{port}{path}"
            options = {"connections": args.connections, "threads": args.threads, "script": report}
            run_wrk(url, duration=2, headers=[], **options)  # warm-up: connections, templates
            results[f"{name}_built"] = run_wrk(url, duration=args.duration, headers=[], **options)
            print(f"  {name}_built {results[f'{name}_built']['rps']:>8} req/s", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


# --- The rush, bytes on the wire --------------------------------------------------------------
RUSH_READERS = 64
RUSH_WRITERS = 8  # one wrk thread each, so each books only its own days (booking_post.lua)
SLOW_CLIENT_DAYS = 3  # kept free for the slow-clients step's booking probes


def free_day_offsets(site: BenchSite) -> list[int]:
    """post_day_offsets on which the bench rooms have no booking yet (the POST runs before
    took the first ones)."""
    from django.utils import timezone

    from facilities.models import Booking
    from kyodo_center.dates import local_datetime

    offsets = post_day_offsets(site.facility)
    if not offsets:
        return []
    first = local_datetime(site.today + dt.timedelta(days=min(offsets)), dt.time(0))
    taken = {
        timezone.localtime(period.lower).date()
        for period in Booking.objects.filter(
            room__in=site.rooms, period__startswith__gte=first
        ).values_list("period", flat=True)
    }
    return [offset for offset in offsets if site.today + dt.timedelta(days=offset) not in taken]


def rush_paths(site: BenchSite) -> list[str]:
    """What residents read when a window opens: three months and four days (one of them a day
    being booked). Seven paths: prime to the cookie's every third request."""
    month_start = site.today.replace(day=1)
    months = [add_months_to(month_start, n) for n in range(3)]
    days = [site.today + dt.timedelta(days=n) for n in (1, 3, 7, 14)]
    return [f"/facilities/availability/?month={month:%Y-%m}" for month in months] + [
        f"/facilities/availability/{day.isoformat()}/" for day in days
    ]


def page_cache_counts(log: str) -> dict[str, int]:
    """Hits and misses summed over the workers' exit lines (bench/gunicorn_stats.py); of the
    misses, those answered with a page found again by its data's digest (nothing rebuilt)."""
    lines = re.findall(r"BENCH_PAGE_CACHE pid=\d+ hits=(\d+) misses=(\d+) revalidated=(\d+)", log)
    return {
        "workers_reporting": len(lines),
        "hits": sum(int(hits) for hits, _, _ in lines),
        "misses": sum(int(misses) for _, misses, _ in lines),
        "revalidated": sum(int(revalidated) for _, _, revalidated in lines),
    }


def double_bookings() -> int:
    """Pairs of active bookings of one room whose times overlap (the exclusion constraint
    allows none; counted anyway, over the whole table)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM facilities_booking a JOIN facilities_booking b "
            "ON a.room_id = b.room_id AND a.id < b.id AND a.period && b.period "
            "WHERE a.status = 'active' AND b.status = 'active'"
        )
        return cursor.fetchone()[0]


def measure_rush(
    site: BenchSite, env: dict[str, str], args: argparse.Namespace, day_offsets: list[int]
) -> dict[str, Any]:
    """The opening of a booking window: RUSH_READERS connections read month and day views
    while RUSH_WRITERS connections make online requests (仮予約) of as many groups, each on
    its own days. gunicorn is fresh, with bench/gunicorn_stats.py to count page-cache hits."""
    from django.utils.crypto import get_random_string

    from facilities.models import Booking

    duration = args.rush_duration
    if len(day_offsets) < RUSH_WRITERS:
        print(f"  (only {len(day_offsets)} free days: some writers share days)", flush=True)
    sessions = group_account_sessions(RUSH_WRITERS)
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        base = f"http://127.0.0.1:{port}"
        report_lua = (ROOT / "bench" / "report.lua").read_text()
        read_script = Path(scratch) / "read.lua"
        read_script.write_text((ROOT / "bench" / "rush_read.lua").read_text() + "\n" + report_lua)
        write_script = Path(scratch) / "write.lua"
        write_script.write_text(
            (ROOT / "bench" / "booking_post.lua").read_text() + "\n" + report_lua
        )
        read_env = dict(
            os.environ,
            BENCH_PATHS=",".join(rush_paths(site)),
            # A returning visitor's CSRF cookie (valid form: a malformed one would be replaced).
            BENCH_VISITOR_COOKIE=f"csrftoken={get_random_string(32)}",
            BENCH_COOKIE_EVERY="3",
        )
        write_env = dict(
            os.environ,
            BENCH_ROOMS=",".join(str(room.pk) for room in site.rooms),
            BENCH_DAY_OFFSETS=",".join(map(str, day_offsets)),
            BENCH_TODAY=site.today.isoformat(),
            BENCH_THREADS=str(RUSH_WRITERS),
            BENCH_ONLINE="1",
            BENCH_OWN_DAYS="1",
            BENCH_SESSIONS="^".join(f"{cookie}|{token}" for cookie, token in sessions),
        )
        log_path = Path(scratch) / "gunicorn.log"
        with log_path.open("w") as log:
            server = start_gunicorn(
                env,
                port,
                "--log-level",
                "warning",
                "-c",
                str(ROOT / "bench" / "gunicorn_stats.py"),
                workers=args.workers,
                start_new_session=True,
                stderr=log,
            )
        wrk_processes: list[subprocess.Popen] = []
        try:
            wait_until_up(port)
            # Opens each worker's database connection; /healthz never touches the page cache.
            run_wrk(
                base + "/healthz",
                duration=1,
                connections=4,
                threads=1,
                script=ROOT / "bench" / "report.lua",
                headers=[],
            )
            before = Booking.objects.count()
            readers = subprocess.Popen(
                wrk_command(
                    base + "/",
                    duration=duration,
                    connections=RUSH_READERS,
                    threads=2,
                    script=read_script,
                    headers=[],
                ),
                stdout=subprocess.PIPE,
                text=True,
                env=read_env,
            )
            wrk_processes.append(readers)
            writers = subprocess.Popen(
                wrk_command(
                    base + "/facilities/requests/new/",
                    duration=duration,
                    connections=RUSH_WRITERS,
                    threads=RUSH_WRITERS,
                    script=write_script,
                    headers=[],
                ),
                stdout=subprocess.PIPE,
                text=True,
                env=write_env,
            )
            wrk_processes.append(writers)
            reads = parse_wrk(readers.communicate(timeout=duration + 60)[0])
            writes = parse_wrk(writers.communicate(timeout=duration + 60)[0])
            created = Booking.objects.count() - before
        finally:
            for process in wrk_processes:  # only if something above failed
                if process.poll() is None:
                    process.kill()
                    process.wait()
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        counts = page_cache_counts(log_path.read_text())
    lookups = counts["hits"] + counts["misses"]
    result = {
        "duration_s": duration,
        "readers": RUSH_READERS,
        "writers": RUSH_WRITERS,
        # Each writer books half-hour slots of two rooms on its own days; past these it would
        # come back to its first slots and be refused (an error in the table).
        "slots_per_writer": len(day_offsets) // RUSH_WRITERS * 26 * len(site.rooms),
        "reads": reads,
        "writes": writes,
        "bookings_created": created,
        "errors": reads["errors"] + writes["errors"],
        "double_bookings": double_bookings(),
        "page_cache": {
            **counts,
            "hit_rate": round(counts["hits"] / lookups, 3) if lookups else None,
        },
    }
    print(
        f"  rush: reads {reads['rps']} req/s p95 {reads['p95_ms']} ms, writes {writes['rps']} "
        f"req/s p95 {writes['p95_ms']} ms, {created} bookings",
        flush=True,
    )
    return result


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    total_bytes: int  # status line, headers and body, as received


def raw_get(port: int, path: str, headers: dict[str, str]) -> Answer:
    """One GET over a fresh connection, every byte the server sent counted."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), parsed, body, len(received))


def measure_wire_bytes(site: BenchSite, env: dict[str, str]) -> dict[str, Any]:
    """Bytes of the month view, the day view and events.ics as sent to a client that does not
    accept gzip and to one that does, and a conditional GET with the ETag it was given."""
    import gzip

    pages = {
        "month": site.pages["month"],
        "day": site.pages["day"],
        "events.ics": "/programs/events.ics",
    }
    port = free_port()
    server = start_gunicorn(env, port, "--log-level", "warning", workers=1, start_new_session=True)
    result: dict[str, Any] = {}
    try:
        wait_until_up(port)
        for name, path in pages.items():
            raw_get(port, path, {})  # fills the page cache
            plain = raw_get(port, path, {})
            packed = raw_get(port, path, {"Accept-Encoding": "gzip, deflate, br"})
            compressed = packed.headers.get("content-encoding") == "gzip"
            if plain.status != 200 or packed.status != 200:
                raise SystemExit(f"{path} answered {plain.status} / {packed.status}")
            if compressed and gzip.decompress(packed.body) != plain.body:
                raise SystemExit(f"{path}: the gzip body is not the page")
            etag = packed.headers.get("etag", "")
            again = raw_get(
                port, path, {"Accept-Encoding": "gzip, deflate, br", "If-None-Match": etag}
            )
            result[name] = {
                "plain_bytes": plain.total_bytes,
                "plain_body": len(plain.body),
                "gzip_bytes": packed.total_bytes,
                "gzip_body": len(packed.body),
                "compressed": compressed,
                "etag": etag,
                "cache_control": packed.headers.get("cache-control", ""),
                "conditional_status": again.status,
                "conditional_bytes": again.total_bytes,
            }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return result


def slow_clients_step(
    site: BenchSite, env: dict[str, str], args: argparse.Namespace, day_offsets: list[int]
) -> dict[str, Any]:
    """bench/slow_clients.py on the bench database, its booking probes on ``day_offsets``."""
    cookie, csrf_token = clerk_session()
    return measure_slow_clients(
        env,
        cookie=cookie,
        csrf_token=csrf_token,
        group=site.group.pk,
        rooms=[room.pk for room in site.rooms],
        days=[site.today + dt.timedelta(days=offset) for offset in day_offsets],
        workers=args.workers,
    )


def report(
    args: argparse.Namespace,
    *,
    small: dict[str, Any],
    large: dict[str, Any],
    data_seconds: float,
    results: dict[str, Any],
    peaks: list[float],
    started: float,
    lottery: dict[str, Any],
    rush: dict[str, Any],
    wire: dict[str, Any],
    slow_clients: dict[str, Any],
) -> None:
    """The table on stdout and the same as JSON under bench/results/."""
    from django.utils import timezone

    healthz_rps = results["healthz"]["rps"]
    for data in results.values():
        data["ratio_to_healthz"] = round(data["rps"] / healthz_rps, 2)
    summary = {
        "when": timezone.now().isoformat(),
        "machine": machine_description(),
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
        },
        "data": {
            "bookings": large["bookings"],
            "generation_seconds": data_seconds,
        },
        "pages": results,
        "queries": {"small": small, "large": large},
        "worker_peak_memory_mb": peaks,
        "lottery_draw": lottery,
        "rush": rush,
        "wire_bytes": wire,
        "slow_clients": slow_clients,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    summary["targets"] = issue_targets(summary)
    print_table(summary)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out_file = out_dir / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out_file.write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(f"\nwritten to {out_file.relative_to(ROOT)}")


def main() -> None:
    args = parse_arguments()
    started = time.monotonic()
    env = prepare_database()
    data_started = time.monotonic()
    site = add_first_step_data()
    small = measure_data_step(site)
    add_full_size_bookings(args.bookings, site.next_last_day)
    large = measure_data_step(site)
    data_seconds = round(time.monotonic() - data_started, 1)
    lottery = measure_lottery_draw(site.today)
    print(f"  {describe_lottery(lottery)}", flush=True)
    results, peaks = load_with_wrk(site, env, args)
    results.update(load_built_pages(site, env, args))
    free_days = free_day_offsets(site)
    rush = measure_rush(site, env, args, free_days[:-SLOW_CLIENT_DAYS])
    wire = measure_wire_bytes(site, env)
    slow_clients = slow_clients_step(site, env, args, free_days[-SLOW_CLIENT_DAYS:])
    report(
        args,
        small=small,
        large=large,
        data_seconds=data_seconds,
        results=results,
        peaks=peaks,
        started=started,
        lottery=lottery,
        rush=rush,
        wire=wire,
        slow_clients=slow_clients,
    )


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory_gib:.0f} GiB, Python {sys.version.split()[0]}"


def print_table(summary: dict[str, Any]) -> None:
    small, large = summary["queries"]["small"], summary["queries"]["large"]
    print(f"\n{summary['machine']}")
    print(
        f"{summary['settings']['workers']} gunicorn workers, "
        f"{summary['settings']['connections']} connections, "
        f"{summary['settings']['duration_s']} s per page, "
        f"{summary['data']['bookings']} bookings\n"
    )
    header = (
        f"{'page':<13}{'req/s':>9}{'×healthz':>10}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}"
        f"{'queries@1e3':>13}{'queries@full':>14}"
    )
    print(header)
    print("-" * len(header))
    for name, data in summary["pages"].items():
        print(
            f"{name:<13}{data['rps']:>9}{data['ratio_to_healthz']:>10}{data['p50_ms']:>9}"
            f"{data['p95_ms']:>9}{data['errors']:>8}"
            f"{small['queries'].get(name, '-')!s:>13}{large['queries'].get(name, '-')!s:>14}"
        )
    print(
        f"\nmonth view uncached, in-process median: {small['month_uncached_ms']} ms at "
        f"{small['bookings']} bookings, {large['month_uncached_ms']} ms at {large['bookings']} "
        f"(×{large['month_uncached_ms'] / small['month_uncached_ms']:.2f})"
    )
    print(describe_lottery(summary["lottery_draw"]))
    print(f"worker peak memory (VmHWM): {summary['worker_peak_memory_mb']} MB")
    print_rush(summary["rush"])
    print_wire_bytes(summary["wire_bytes"])
    print_slow_clients(summary["slow_clients"])
    print_targets(summary["targets"])
    print(f"\ntotal time: {summary['total_seconds']} s")


def issue_targets(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each speed target of the bench against what this run measured."""
    pages, rush = summary["pages"], summary["rush"]
    large = summary["queries"]["large"]
    slow = summary["slow_clients"]["nginx"]
    wire = summary["wire_bytes"]

    def ratio(name: str, least: float) -> dict[str, Any]:
        value = pages[name]["ratio_to_healthz"]
        return {"target": f"{name} ≥ {least}× healthz", "measured": value, "met": value >= least}

    def p95(name: str, data: dict[str, Any], below: float) -> dict[str, Any]:
        value = data["p95_ms"]
        return {"target": f"{name} p95 < {below} ms", "measured": value, "met": value < below}

    slow_late = slow["healthz"]["late_or_failed"] + slow["booking"]["late_or_failed"]
    return [
        ratio("month_built", 0.25),
        ratio("day_built", 0.4),
        {
            "target": f"month built in-process ≤ 5 ms at {large['bookings']} bookings",
            "measured": large["month_uncached_ms"],
            "met": large["month_uncached_ms"] <= 5,
        },
        ratio("month_cookie", 0.6),
        ratio("day_cookie", 0.6),
        ratio("grid", 0.25),
        p95("booking_post", pages["booking_post"], 100),
        p95("online_post", pages["online_post"], 100),
        p95("rush reads", rush["reads"], 100),
        p95("rush writes", rush["writes"], 250),
        {
            "target": "rush: no errors, no double booking",
            "measured": f"{rush['errors']} errors, {rush['double_bookings']} double",
            "met": rush["errors"] == 0 and rush["double_bookings"] == 0,
        },
        {
            "target": "304 on an unchanged page, gzip on the wire",
            "measured": ", ".join(
                f"{name} {data['conditional_status']}" + (" gzip" if data["compressed"] else "")
                for name, data in wire.items()
            ),
            "met": all(d["conditional_status"] == 304 and d["compressed"] for d in wire.values()),
        },
        {
            "target": "50 slow clients: healthz and a booking within 1 s (nginx)",
            "measured": f"{slow_late} late or failed",
            "met": slow_late == 0,
        },
    ]


def print_targets(targets: list[dict[str, Any]]) -> None:
    print("\ntargets")
    width = max(len(row["target"]) for row in targets) + 2
    for row in targets:
        mark = "met" if row["met"] else "MISSED"
        print(f"  {row['target']:<{width}}{row['measured']!s:>24}  {mark}")


def print_rush(rush: dict[str, Any]) -> None:
    reads, writes, cache = rush["reads"], rush["writes"], rush["page_cache"]
    print(
        f"\nthe rush, {rush['duration_s']} s: {rush['readers']} connections read month and day "
        f"views (every 3rd with a CSRF cookie) while {rush['writers']} make online requests"
    )
    header = f"{'':<8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}"
    print(header)
    print("-" * len(header))
    for name, data in (("reads", reads), ("writes", writes)):
        print(
            f"{name:<8}{data['rps']:>9}{data['p50_ms']:>9}{data['p95_ms']:>9}"
            f"{round(data['max_us'] / 1000, 1):>9}{data['errors']:>8}"
        )
    rate = f"{cache['hit_rate']:.1%}" if cache["hit_rate"] is not None else "-"
    print(
        f"bookings made: {rush['bookings_created']}, double bookings: {rush['double_bookings']}, "
        f"page cache hit rate: {rate} ({cache['hits']} hits, {cache['misses']} misses of which "
        f"{cache.get('revalidated', 0)} found again by digest, "
        f"{cache['workers_reporting']} workers reporting); "
        f"{rush['slots_per_writer']} free slots per writer"
    )


def print_wire_bytes(wire: dict[str, Any]) -> None:
    print("\nbytes on the wire (headers + body; body in brackets)")
    header = f"{'page':<12}{'plain':>17}{'gzip':>16}{'saved':>8}{'If-None-Match':>16}"
    print(header)
    print("-" * len(header))
    for name, data in wire.items():
        saved = 1 - data["gzip_bytes"] / data["plain_bytes"]
        conditional = f"{data['conditional_status']}, {data['conditional_bytes']} B"
        print(
            f"{name:<12}{data['plain_bytes']:>8} ({data['plain_body']:>6})"
            f"{data['gzip_bytes']:>7} ({data['gzip_body']:>6}){saved:>8.0%}{conditional:>16}"
        )


if __name__ == "__main__":
    main()
