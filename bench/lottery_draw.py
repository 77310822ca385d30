"""The lottery's draw at full size: 1,000 groups × 10 applications over two rooms × 3 blocks ×
31 days (186 blocks), drawn by the real service on the bench database.

``make bench`` runs it after its data steps (the 1,000 bench groups exist then); on its own,
``python bench/lottery_draw.py`` prepares the bench database first (as ``make bench`` does).
Times the whole draw (``lottery_draw``: the locks, reading the applications, the algorithm,
the 186 bookings, 10,000 results, the record and the deferred results job, to COMMIT), then
queueing the results mail of every group (``lottery_send_results``, the worker's job).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GROUPS = 1000
PER_GROUP = 10


def measure_lottery_draw(today: dt.date) -> dict[str, Any]:
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
    from django.utils import timezone

    from facilities.drawing import commitment_of
    from facilities.models import Facility, LotteryApplication, LotteryRound
    from facilities.selectors import facility_blocks
    from facilities.services.lottery import lottery_draw, lottery_send_results, new_seed
    from groups.models import Group
    from kyodo_center.dates import local_datetime, shift_month

    facility = Facility.objects.get()
    rooms = list(facility.rooms.order_by("pk")[:2])
    # A 31-day month beyond every page the bench reads and every day it books (the registered
    # groups' window, where the booking POSTs go).
    target = shift_month(today.replace(day=1), facility.registered_booking_months + 1)
    while (shift_month(target, 1) - target).days != 31:
        target = shift_month(target, 1)
    seed, commitment = new_seed()
    assert commitment == commitment_of(seed)
    lottery_round = LotteryRound.objects.create(
        facility=facility,
        target_month=target,
        applications_open_on=today - dt.timedelta(days=10),
        applications_close_on=today - dt.timedelta(days=1),
        draw_at=timezone.now(),
        confirm_by=today + dt.timedelta(days=5),
        seed=seed,
        commitment=commitment,
    )
    blocks = [
        (room, target + dt.timedelta(days=day), block)
        for room in rooms
        for day in range(31)
        for block in facility_blocks(facility)
    ]
    groups = list(Group.objects.filter(registration_number__contains="-B").order_by("pk"))[:GROUPS]
    rng = random.Random(14)
    applications = [
        LotteryApplication(
            round=lottery_round,
            group=group,
            room=room,
            block_name=block.name,
            period=DateTimeTZRange(
                local_datetime(day, block.start_time), local_datetime(day, block.end_time), "[)"
            ),
            purpose="定例会（ベンチ）",
            attendees=8,
        )
        for group in groups
        for room, day, block in rng.sample(blocks, PER_GROUP)
    ]
    LotteryApplication.objects.bulk_create(applications, batch_size=2000)

    started = time.perf_counter()
    record = lottery_draw(lottery_round=lottery_round)
    draw_seconds = time.perf_counter() - started
    started = time.perf_counter()
    mails = lottery_send_results(lottery_round=lottery_round)
    mail_seconds = time.perf_counter() - started
    return {
        "groups": len(groups),
        "applications": record.applications_count,
        "blocks": record.blocks_count,
        "winners": record.winners_count,
        "draw_ms": round(draw_seconds * 1000),
        "draw_ms_recorded": record.duration_ms,
        "results_mails": mails,
        "results_mail_queue_s": round(mail_seconds, 2),
    }


def describe(result: dict[str, Any]) -> str:
    return (
        f"lottery draw: {result['applications']} applications of {result['groups']} groups over "
        f"{result['blocks']} blocks drawn in {result['draw_ms']} ms (to COMMIT; target < 1 s); "
        f"results mail queued for {result['results_mails']} groups in "
        f"{result['results_mail_queue_s']} s (the worker's job, after the draw)"
    )


def main() -> None:
    from bench.run import add_groups, prepare_database

    prepare_database()
    from django.utils import timezone

    today = timezone.localdate()
    add_groups(GROUPS, today)
    print(describe(measure_lottery_draw(today)))


if __name__ == "__main__":
    main()
