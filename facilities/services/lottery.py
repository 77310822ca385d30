"""抽選 (lottery): rounds, applications, the draw, confirmation by the winners, release.

A round (LotteryRound) is created for each month by the daily job from the facility's default
calendar (e.g. applications on the 1st–10th, draw on the 12th, confirmation by the 20th, for
the month that the registered groups' booking window reaches); ward staff shift it in the
admin. Until its confirmation deadline has passed, first-come bookings of its blocks are
refused (services/bookings.py RULES_SQL, services/windows.py held_block); then they open to
registered groups, and later to everyone at the 1-month window, under the usual rules.

Locks (the system's order, facilities/services/__init__.py, starts with the round):
LotteryRound → … Booking(s) → Group → LotteryApplication → Room(s). An application takes its
round FOR SHARE (applications never wait for each other, but they wait for the draw, which
takes it FOR UPDATE), then its group's row (FOR NO KEY UPDATE: a group's simultaneous
applications are counted one after the other against the per-round limit). The draw then
locks every room of the facility before it reads bookings and closures. A round is drawn
exactly once: the draw checks for its LotteryDraw under the lock, and the one-to-one key of
LotteryDraw refuses a second row even if that check were skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from facilities import selectors
from facilities.drawing import ALGORITHM, Entry, commitment_of, draw
from facilities.models import (
    ApplicationChannel,
    Booking,
    BookingChannel,
    BookingOwner,
    BookingStage,
    BookingStatus,
    CancelKind,
    Closure,
    Facility,
    LotteryApplication,
    LotteryDraw,
    LotteryResult,
    LotteryRound,
    Room,
)
from facilities.services.approvals import next_approval_number
from facilities.services.bookings import booking_cancel
from facilities.services.closures import closure_interval
from facilities.services.common import FacilityError, lock_rooms
from facilities.services.notify import notify_group
from groups import selectors as group_selectors
from groups.models import Group
from kyodo_center.dates import jdate, local_datetime, shift_month
from kyodo_center.history import records_actor


class LotteryAlreadyDrawn(FacilityError):
    """The round has been drawn already (a second draw is never made)."""


# --- Rounds -------------------------------------------------------------------------------------
def new_seed() -> tuple[str, str]:
    """A secret seed (256 random bits, hex) and its public commitment (SHA-256 of it)."""
    seed = secrets.token_hex(32)
    return seed, commitment_of(seed)


def default_round_dates(facility: Facility, opening_month: dt.date) -> dict[str, Any]:
    """The facility's default calendar for the round that opens in ``opening_month``."""
    month = opening_month.replace(day=1)
    return {
        "target_month": shift_month(month, facility.registered_booking_months),
        "applications_open_on": month.replace(day=facility.lottery_opens_day),
        "applications_close_on": month.replace(day=facility.lottery_closes_day),
        "draw_at": local_datetime(
            month.replace(day=facility.lottery_draw_day), facility.lottery_draw_time
        ),
        "confirm_by": month.replace(day=facility.lottery_confirm_day),
    }


def lottery_rounds_ensure(*, facility: Facility, today: dt.date) -> int:
    """Create this month's and next month's rounds from the default calendar when missing
    (a round that staff shifted or deleted is left alone; one whose application period is
    already over is not created late). Returns how many were created."""
    if not facility.lottery_enabled:
        return 0
    created = 0
    for offset in (0, 1):
        dates = default_round_dates(facility, shift_month(today.replace(day=1), offset))
        if dates["applications_close_on"] < today:
            continue
        seed, commitment = new_seed()
        _, made = LotteryRound.objects.get_or_create(
            facility=facility,
            target_month=dates.pop("target_month"),
            defaults={**dates, "seed": seed, "commitment": commitment},
        )
        created += made
    return created


def check_round_dates(lottery_round: LotteryRound) -> None:
    """The rules of a round's calendar that the database cannot state (the draw's time)."""
    draw_day = timezone.localdate(lottery_round.draw_at)
    if draw_day <= lottery_round.applications_close_on:
        raise FacilityError("抽選日時は申込締切日の翌日以降にしてください。")
    if lottery_round.confirm_by < draw_day:
        raise FacilityError("当選の確定期限は抽選日以降にしてください。")
    if lottery_round.target_month.day != 1:
        raise FacilityError("対象月は月の1日で指定してください。")
    if lottery_round.confirm_by >= lottery_round.target_month:
        raise FacilityError("当選の確定期限は対象月より前にしてください。")


@records_actor("saved_by")
def lottery_round_save(*, lottery_round: LotteryRound, saved_by: Any = None) -> LotteryRound:
    """Create or shift a round (ward staff, in the admin). A drawn round is never changed."""
    with transaction.atomic():
        if lottery_round.pk:
            LotteryRound.objects.select_for_update(no_key=True).get(pk=lottery_round.pk)
            if LotteryDraw.objects.filter(round_id=lottery_round.pk).exists():
                raise FacilityError("抽選を実施した回は変更できません。")
        else:
            lottery_round.seed, lottery_round.commitment = new_seed()
        check_round_dates(lottery_round)
        try:
            with transaction.atomic():
                lottery_round.save()
        except IntegrityError as error:
            raise FacilityError("この施設のこの月の抽選は既にあります。") from error
    return lottery_round


# --- Applications -------------------------------------------------------------------------------
def _lock_round_shared(lottery_round: LotteryRound) -> LotteryRound:
    """The round FOR SHARE: applications go side by side, the draw (FOR UPDATE) waits."""
    return LotteryRound.objects.raw(
        "SELECT * FROM facilities_lotteryround WHERE id = %s FOR SHARE", [lottery_round.pk]
    )[0]


def _check_open(lottery_round: LotteryRound, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    if LotteryDraw.objects.filter(round_id=lottery_round.pk).exists() or (
        today > lottery_round.applications_close_on
    ):
        raise FacilityError(
            f"{lottery_round}の申込期間は{jdate(lottery_round.applications_close_on)}で終わりました。"
        )
    if today < lottery_round.applications_open_on:
        raise FacilityError(
            f"{lottery_round}の申込みは{jdate(lottery_round.applications_open_on)}からです。"
        )


def _block_period(
    lottery_round: LotteryRound, room: Room, day: dt.date, block_name: str
) -> DateTimeTZRange:
    """The period of ``block_name`` on ``day``, after every rule of where one may apply."""
    facility = lottery_round.facility
    if room.facility_id != facility.pk or not room.is_active:
        raise FacilityError(f"{room.name}はこの抽選の対象ではありません。")
    if day.replace(day=1) != lottery_round.target_month:
        raise FacilityError(
            f"{lottery_round}で申し込めるのは{lottery_round.target_label}の日だけです。"
        )
    if lottery_round.excluded_days.filter(day=day).exists():
        raise FacilityError(
            f"{jdate(day)}は抽選の対象外です（センターの行事等）。抽選後に先着順で受け付けます。"
        )
    block = next((b for b in selectors.facility_blocks(facility) if b.name == block_name), None)
    if block is None:
        raise FacilityError("区分（午前・午後・夜間）を選んでください。")
    start, end = local_datetime(day, block.start_time), local_datetime(day, block.end_time)
    for closure in Closure.objects.filter(facility=facility, date=day):
        closed_from, closed_until = closure_interval(closure)
        if closed_from < end and start < closed_until:
            raise FacilityError(
                f"{jdate(day)}の{block.name}は休館（{closure.get_kind_display()}）のため申し込めません。"
            )
    return DateTimeTZRange(start, end, "[)")


def _check_details(room: Room, purpose: str, attendees: int) -> None:
    if not purpose.strip():
        raise FacilityError("利用目的を入力してください。")
    if not 1 <= attendees <= room.capacity:
        raise FacilityError(
            f"利用人数は1人から{room.name}の定員{room.capacity}人までで入力してください。"
        )


def _save_application(application: LotteryApplication) -> None:
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise FacilityError(
            "この区分には既に申し込んでいます（1団体1区分1件まで）。"
            "申込みの一覧から内容を変更できます。"
        ) from error


@records_actor("entered_by")
def lottery_application_create(
    *,
    lottery_round: LotteryRound,
    group: Group,
    room: Room,
    day: dt.date,
    block_name: str,
    purpose: str,
    attendees: int,
    entered_by: Any = None,
    channel: str = ApplicationChannel.ONLINE,
    now: dt.datetime | None = None,
) -> LotteryApplication:
    """A registered group applies for one block (online, or entered by the counter)."""
    now = now or timezone.now()
    allowed, reason = group_selectors.group_may_request(group, timezone.localdate(now))
    if not allowed:
        raise FacilityError(reason)
    with transaction.atomic():
        locked_round = _lock_round_shared(lottery_round)
        _check_open(locked_round, now)
        period = _block_period(locked_round, room, day, block_name)
        _check_details(room, purpose, attendees)
        if not group.is_registered_on(day):
            raise FacilityError(
                f"{jdate(day)}は団体登録の有効期間外のため、抽選には申し込めません。"
            )
        Group.objects.select_for_update(no_key=True).filter(pk=group.pk).values_list("pk").get()
        limit = settings.FACILITIES_LOTTERY_MAX_APPLICATIONS
        held = LotteryApplication.objects.filter(
            round=locked_round, group=group, withdrawn_at__isnull=True
        ).count()
        if held >= limit:
            raise FacilityError(
                f"抽選の申込みは1回につき1団体{limit}件までです。"
                "ほかの申込みを取り下げるか、内容を変更してください。"
            )
        application = LotteryApplication(
            round=locked_round,
            group=group,
            room=room,
            block_name=block_name,
            period=period,
            purpose=purpose.strip(),
            attendees=attendees,
            channel=channel,
            entered_by=entered_by if getattr(entered_by, "pk", None) else None,
        )
        _save_application(application)
    return application


def _locked_application(application: LotteryApplication, group: Group | None) -> LotteryApplication:
    locked = (
        LotteryApplication.objects.select_for_update(no_key=True, of=("self",))
        .select_related("room__facility", "round__facility")
        .get(pk=application.pk)
    )
    if group is not None and locked.group_id != group.pk:
        raise LotteryApplication.DoesNotExist
    if locked.is_withdrawn:
        raise FacilityError("この申込みは既に取り下げられています。")
    return locked


@records_actor("account")
def lottery_application_update(
    *,
    application: LotteryApplication,
    room: Room,
    day: dt.date,
    block_name: str,
    purpose: str,
    attendees: int,
    account: Any = None,
    group: Group | None = None,
    now: dt.datetime | None = None,
) -> LotteryApplication:
    """Change an application until the period ends (``group``: only that group's own)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked_round = _lock_round_shared(application.round)
        _check_open(locked_round, now)
        locked = _locked_application(application, group)
        period = _block_period(locked_round, room, day, block_name)
        _check_details(room, purpose, attendees)
        locked.room = room
        locked.block_name = block_name
        locked.period = period
        locked.purpose = purpose.strip()
        locked.attendees = attendees
        _save_application(locked)
    return locked


@records_actor("account")
def lottery_application_withdraw(
    *,
    application: LotteryApplication,
    account: Any = None,
    group: Group | None = None,
    now: dt.datetime | None = None,
) -> LotteryApplication:
    """Withdraw (取下げ) an application until the period ends."""
    now = now or timezone.now()
    with transaction.atomic():
        locked_round = _lock_round_shared(application.round)
        _check_open(locked_round, now)
        locked = _locked_application(application, group)
        locked.withdrawn_at = now
        locked.save(update_fields=["withdrawn_at", "updated_at"])
    return locked


# --- The draw -----------------------------------------------------------------------------------
def _reasons_not_drawn(
    lottery_round: LotteryRound, rows: list[selectors.ApplicationRow], rooms: list[Room]
) -> dict[int, str]:
    """Applications whose block cannot be drawn any more, with the reason the group reads.
    Checked once per block (at most rooms × days × blocks), and per group for registration."""
    facility = lottery_round.facility
    first_day = lottery_round.target_month
    last_day = shift_month(first_day, 1) - dt.timedelta(days=1)
    month = DateTimeTZRange(
        local_datetime(first_day, dt.time.min),
        local_datetime(last_day + dt.timedelta(days=1), dt.time.min),
        "[)",
    )
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for room_id, period in Booking.objects.filter(
        room__in=rooms, status=BookingStatus.ACTIVE, period__overlap=month
    ).values_list("room_id", "period"):
        busy[room_id].append((period.lower, period.upper))
    closed: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for closure in Closure.objects.filter(
        facility_id=facility.pk, date__gte=first_day, date__lte=last_day
    ):
        closed[closure.date].append(closure_interval(closure))
    excluded = set(lottery_round.excluded_days.values_list("day", flat=True))
    ends = {
        block.start_time.strftime("%H:%M"): block for block in selectors.facility_blocks(facility)
    }

    block_reasons: dict[str, str] = {}
    for block in {row.block for row in rows}:
        room_id, day_text, start_text = block.split("/")
        day = dt.date.fromisoformat(day_text)
        display = ends.get(start_text)
        start = local_datetime(day, dt.time.fromisoformat(start_text))
        end = local_datetime(day, display.end_time) if display else start
        if day in excluded:
            block_reasons[block] = "この日は抽選の対象外になりました（センターの行事等）。"
        elif display is None:
            block_reasons[block] = "区分の設定が変わったため抽選を行いませんでした。"
        elif any(a < end and start < b for a, b in closed[day]):
            block_reasons[block] = "休館のため抽選を行いませんでした。"
        elif any(a < end and start < b for a, b in busy[int(room_id)]):
            block_reasons[block] = "センターの催し等で使用するため抽選を行いませんでした。"
    groups = Group.objects.in_bulk({row.group_id for row in rows})
    reasons: dict[int, str] = {}
    for row in rows:
        if row.block in block_reasons:
            reasons[row.number] = block_reasons[row.block]
        elif not groups[row.group_id].is_registered_on(row.day):
            reasons[row.number] = "利用日に団体登録の有効期間外のため対象外です。"
    return reasons


def _digest(published: dict[str, Any]) -> str:
    text = json.dumps(published, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@records_actor("drawn_by")
def lottery_draw(
    *, lottery_round: LotteryRound, drawn_by: Any = None, now: dt.datetime | None = None
) -> LotteryDraw:
    """Draw the round: every result, every winning booking (当選（未確定）), the draw's record
    and the job that mails the results, in one transaction. Never twice (see the docstring).

    The applications are read as narrow rows (selectors.lottery_application_rows) and their
    results written in three statements, so 10,000 applications draw in well under a second
    (bench/lottery_draw.py)."""
    now = now or timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        locked = (
            LotteryRound.objects.select_for_update(of=("self",))
            .select_related("facility")
            .get(pk=lottery_round.pk)
        )
        if LotteryDraw.objects.filter(round=locked).exists():
            raise LotteryAlreadyDrawn(f"{locked}は既に実施済みです（抽選は1回だけ行います）。")
        if timezone.localdate(now) <= locked.applications_close_on:
            raise FacilityError(
                f"申込期間（{jdate(locked.applications_close_on)}まで）が終わるまで抽選できません。"
            )
        rooms = list(Room.objects.filter(facility=locked.facility).order_by("pk"))
        lock_rooms(room.pk for room in rooms)
        rows = selectors.lottery_application_rows(locked)
        not_drawn = _reasons_not_drawn(locked, rows, rooms)
        drawable = [row for row in rows if row.number not in not_drawn]
        codes = selectors.applicant_codes(drawable)
        winners = draw(locked.seed, [Entry(r.number, codes[r.group_id], r.block) for r in drawable])
        won_numbers = set(winners.values())

        # Results: the blocks not drawn, the winners with their bookings, then everyone else.
        by_reason: dict[str, list[int]] = defaultdict(list)
        for number, reason in not_drawn.items():
            by_reason[reason].append(number)
        for reason, numbers in by_reason.items():
            LotteryApplication.objects.filter(pk__in=numbers).update(
                result=LotteryResult.LOST, result_note=reason
            )
        won = list(LotteryApplication.objects.filter(pk__in=won_numbers).order_by("pk"))
        bookings = Booking.objects.bulk_create(
            Booking(
                room_id=a.room_id,
                period=a.period,
                group_id=a.group_id,
                purpose=a.purpose,
                attendees=a.attendees,
                registered_priority=True,
                owner=BookingOwner.COUNTER,
                stage=BookingStage.WON,
                channel=BookingChannel.LOTTERY,
                created_by=drawn_by if getattr(drawn_by, "pk", None) else None,
                requested_by_id=a.entered_by_id if a.channel == ApplicationChannel.ONLINE else None,
            )
            for a in won
        )
        for application, booking in zip(won, bookings, strict=True):
            application.result = LotteryResult.WON
            application.booking = booking
        LotteryApplication.objects.bulk_update(won, ["result", "booking"])
        LotteryApplication.objects.filter(
            round=locked, withdrawn_at__isnull=True, result=""
        ).update(result=LotteryResult.LOST)

        for row in rows:
            row.note = not_drawn.get(row.number, "")
            row.result = LotteryResult.WON if row.number in won_numbers else LotteryResult.LOST
        published = selectors.published_result(
            locked, seed=locked.seed, rows=rows, rooms={room.pk: room.name for room in rooms}
        )
        record = LotteryDraw.objects.create(
            round=locked,
            seed=locked.seed,
            algorithm=ALGORITHM,
            drawn_at=now,
            drawn_by=drawn_by if getattr(drawn_by, "pk", None) else None,
            applications_count=len(rows),
            blocks_count=len(winners),
            winners_count=len(won),
            result_digest=_digest(published),
            duration_ms=round((time.perf_counter() - started) * 1000),
        )
        from facilities.tasks import lottery_send_results  # tasks import this module

        lottery_send_results.defer(round_id=locked.pk)
    return record


def lottery_draw_due(*, now: dt.datetime | None = None) -> int:
    """Draw every round whose draw time has come (the worker's periodic job). Returns how many
    were drawn now; a round drawn meanwhile by another worker or by staff is skipped."""
    now = now or timezone.now()
    due = LotteryRound.objects.filter(
        draw_at__lte=now,
        applications_close_on__lt=timezone.localdate(now),
        draw__isnull=True,
    ).order_by("draw_at", "pk")
    drawn = 0
    for lottery_round in due:
        try:
            lottery_draw(lottery_round=lottery_round, now=now)
        except LotteryAlreadyDrawn:
            continue
        drawn += 1
    return drawn


def lottery_send_results(*, lottery_round: LotteryRound, now: dt.datetime | None = None) -> int:
    """Mail each applicant group its results (one mail per group: 当選 / 落選 per application),
    once: a group is marked when its mail is queued, in the same transaction."""
    now = now or timezone.now()
    sent = 0
    group_ids = (
        LotteryApplication.objects.filter(round=lottery_round, result_notified_at__isnull=True)
        .exclude(result="")
        .values_list("group_id", flat=True)
        .distinct()
    )
    for group_id in sorted(set(group_ids)):
        with transaction.atomic():
            group = Group.objects.select_for_update(no_key=True).get(pk=group_id)
            applications = list(
                LotteryApplication.objects.select_for_update(of=("self",))
                .filter(round=lottery_round, group=group, result_notified_at__isnull=True)
                .exclude(result="")
                .select_related("room")
                .order_by("period", "room_id")
            )
            if not applications:
                continue
            _queue_results_mail(lottery_round, group, applications)
            LotteryApplication.objects.filter(pk__in=[a.pk for a in applications]).update(
                result_notified_at=now
            )
            sent += 1
    return sent


def _queue_results_mail(
    lottery_round: LotteryRound, group: Group, applications: list[LotteryApplication]
) -> None:
    from django.urls import reverse

    from kyodo_center.dates import hhmm
    from notices.services import absolute_url, queue_notice

    recipients = group_selectors.notice_recipients(group)
    link = absolute_url(reverse("mypage:index"))
    lines = [
        {
            "number": a.pk,
            "result": a.get_result_display(),
            "room": a.room.name,
            "date": jdate(timezone.localdate(a.start)),
            "time": f"{a.block_name} {hhmm(a.start)}〜{hhmm(a.end)}",
            "note": a.result_note,
        }
        for a in applications
    ]
    queue_notice(
        to=recipients,
        template="lottery_results",
        context={
            "group": group.name,
            "round": str(lottery_round),
            "lines": lines,
            "won": sum(a.result == LotteryResult.WON for a in applications),
            "confirm_by": jdate(lottery_round.confirm_by),
            "link": link,
        },
        kind="lottery_results",
        group_id=group.pk,
        link=link,
    )


# --- Confirmation and release -------------------------------------------------------------------
@records_actor("confirmed_by")
def lottery_win_confirm(
    *,
    booking: Booking,
    confirmed_by: Any = None,
    group: Group | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """A winner confirms (確定) its win by the deadline, on マイページ (``group``: its own only)
    or through the counter: the booking becomes 確定 with its 利用承認書 number."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Booking.objects.select_for_update(no_key=True, of=("self",))
            .select_related("room__facility", "group", "lottery_application__round")
            .get(pk=booking.pk)
        )
        if group is not None and locked.group_id != group.pk:
            raise Booking.DoesNotExist
        if locked.channel != BookingChannel.LOTTERY:
            raise FacilityError("この予約は抽選の当選ではありません。")
        if locked.status != BookingStatus.ACTIVE:
            raise FacilityError("この当選は取り消されています。")
        if locked.stage != BookingStage.WON:
            raise FacilityError("この予約は既に確定しています。")
        deadline = locked.lottery_application.round.confirm_by
        if timezone.localdate(now) > deadline:
            raise FacilityError(f"確定期限（{jdate(deadline)}）を過ぎています。")
        locked.stage = BookingStage.CONFIRMED
        locked.confirmed_at = now
        staff = confirmed_by if group is None and getattr(confirmed_by, "pk", None) else None
        locked.confirmed_by = staff
        locked.approval_number = next_approval_number(now)
        locked.save(
            update_fields=["stage", "confirmed_at", "confirmed_by", "approval_number", "updated_at"]
        )
        notify_group(locked, template="booking_confirmed", kind="booking_confirmed")
    return locked


def lottery_release_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Cancel every win not confirmed by its round's deadline (the worker's periodic job):
    the group is told why and every group waiting for the block (キャンセル待ち) that it is
    free. Returns how many were released."""
    now = now or timezone.now()
    overdue = (
        Booking.objects.filter(
            status=BookingStatus.ACTIVE,
            stage=BookingStage.WON,
            lottery_application__round__confirm_by__lt=timezone.localdate(now),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    released = 0
    for pk in overdue:
        with transaction.atomic():
            locked = (
                Booking.objects.select_for_update(no_key=True, of=("self",))
                .select_related("lottery_application__round")
                .get(pk=pk)
            )
            if locked.status != BookingStatus.ACTIVE or locked.stage != BookingStage.WON:
                continue  # confirmed or cancelled meanwhile
            deadline = locked.lottery_application.round.confirm_by
            booking_cancel(
                booking=locked,
                reason=f"確定期限（{jdate(deadline)}）までに確定のお手続きがなかったため、"
                "当選を取り消しました。",
                kind=CancelKind.EXPIRED,
                now=now,
            )
            released += 1
    return released
