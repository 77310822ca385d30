"""The centre (Facility), its rooms and its closures (seed 000 §1(3)(4))."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from kyodo_center.dates import jdatetime
from kyodo_center.history import track


@track
class Facility(models.Model):
    name = models.CharField(_("施設名"), max_length=100, unique=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    opens_at = models.TimeField(_("開館時刻"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("閉館時刻"), default=dt.time(22, 0))
    # Booking windows (seed 000 利用区分: 多目的室 ◎ registered groups, ○ others).
    registered_booking_months = models.PositiveSmallIntegerField(
        _("登録団体の予約受付（何か月先まで）"), default=3
    )
    general_booking_months = models.PositiveSmallIntegerField(
        _("一般の予約受付（何か月先まで）"), default=1
    )
    # The default lottery (抽選) calendar, repeated every month: registered groups apply on these
    # days of the month for the month that their booking window reaches (services/lottery.py).
    lottery_enabled = models.BooleanField(
        _("抽選を行う"),
        default=True,
        help_text=_("登録団体の受付開始月の午前・午後・夜間を抽選で割り当てます。"),
    )
    lottery_opens_day = models.PositiveSmallIntegerField(_("抽選申込の開始日（毎月）"), default=1)
    lottery_closes_day = models.PositiveSmallIntegerField(_("抽選申込の締切日（毎月）"), default=10)
    lottery_draw_day = models.PositiveSmallIntegerField(_("抽選日（毎月）"), default=12)
    lottery_draw_time = models.TimeField(_("抽選時刻"), default=dt.time(10, 0))
    lottery_confirm_day = models.PositiveSmallIntegerField(_("当選の確定期限（毎月）"), default=20)
    # Year-end closures (12/29〜1/3) have been generated up to the winter starting in this year;
    # later years are generated on demand, so a day that staff deleted is not brought back.
    year_end_closures_through = models.PositiveSmallIntegerField(
        _("年末年始休館日の生成済み年"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("施設")
        verbose_name_plural = _("施設")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="facility_closes_after_it_opens",
                violation_error_message=_("閉館時刻は開館時刻より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(registered_booking_months__gte=models.F("general_booking_months")),
                name="facility_registered_groups_book_at_least_as_far_ahead",
                violation_error_message=_(
                    "登録団体の受付期間は一般の受付期間以上にしてください（登録団体は優先利用）。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(lottery_opens_day__gte=1)
                & Q(lottery_closes_day__gte=models.F("lottery_opens_day"))
                & Q(lottery_draw_day__gt=models.F("lottery_closes_day"))
                & Q(lottery_confirm_day__gt=models.F("lottery_draw_day"))
                & Q(lottery_confirm_day__lte=28),
                name="facility_lottery_days_in_order",
                violation_error_message=_(
                    "抽選の日程は 申込開始日 ≦ 締切日 ＜ 抽選日 ＜ 確定期限 ≦ 28日 にしてください。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@track
class Room(models.Model):
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("施設")
    )
    name = models.CharField(_("部屋名"), max_length=50)
    capacity = models.PositiveSmallIntegerField(_("定員"))
    notes = models.TextField(_("備考"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("利用可能"), default=True)

    class Meta:
        verbose_name = _("部屋")
        verbose_name_plural = _("部屋")
        ordering = ["facility_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "name"], name="room_name_unique_per_facility"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="room_capacity_at_least_one",
                violation_error_message=_("定員は1人以上にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClosureKind(models.TextChoices):
    YEAR_END = "year_end", _("年末年始")
    MAINTENANCE = "maintenance", _("保守点検日")
    OTHER = "other", _("その他")


@track
class Closure(models.Model):
    """A day, or part of a day, on which the facility is closed."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="closures", verbose_name=_("施設")
    )
    date = models.DateField(_("日付"))
    start_time = models.TimeField(
        _("開始時刻"), null=True, blank=True, help_text=_("終日休館の場合は空欄にします。")
    )
    end_time = models.TimeField(
        _("終了時刻"), null=True, blank=True, help_text=_("終日休館の場合は空欄にします。")
    )
    kind = models.CharField(
        _("種別"), max_length=20, choices=ClosureKind.choices, default=ClosureKind.MAINTENANCE
    )
    note = models.CharField(_("備考"), max_length=200, blank=True)
    # The news item that explains the closure (保守点検のお知らせ): linked from the calendar.
    news_item = models.ForeignKey(
        "news.NewsItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("関連するお知らせ"),
    )

    class Meta:
        verbose_name = _("休館日")
        verbose_name_plural = _("休館日")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["facility", "date"], name="closure_facility_date")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | (
                    Q(start_time__isnull=False)
                    & Q(end_time__isnull=False)
                    & Q(end_time__gt=models.F("start_time"))
                ),
                name="closure_whole_day_or_ordered_times",
                violation_error_message=_(
                    "時間帯を指定する場合は開始・終了の両方を入力し、終了を開始より後にしてください。"
                ),
            ),
            models.UniqueConstraint(
                fields=["facility", "date"],
                condition=Q(kind="year_end"),
                name="year_end_closure_once_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def is_whole_day(self) -> bool:
        return self.start_time is None


class DisplayBlock(models.Model):
    """A block (区分) of the public calendar, e.g. 午前 9:00〜12:00."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="display_blocks", verbose_name=_("施設")
    )
    name = models.CharField(_("区分名"), max_length=20)
    start_time = models.TimeField(_("開始時刻"))
    end_time = models.TimeField(_("終了時刻"))

    class Meta:
        verbose_name = _("表示区分")
        verbose_name_plural = _("表示区分")
        ordering = ["facility_id", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="display_block_ends_after_start",
                violation_error_message=_("終了時刻は開始時刻より後にしてください。"),
            ),
            models.UniqueConstraint(
                fields=["facility", "name"], name="display_block_name_unique_per_facility"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start_time:%H:%M}〜{self.end_time:%H:%M}"


@track
class Equipment(models.Model):
    """Lendable equipment (貸出備品: スクリーン, プロジェクター, パソコン) with a stock count."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("施設")
    )
    name = models.CharField(_("備品名"), max_length=50)
    stock = models.PositiveSmallIntegerField(_("保有数"))
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("貸出可能"), default=True)

    class Meta:
        verbose_name = _("貸出備品")
        verbose_name_plural = _("貸出備品")
        ordering = ["facility_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "name"], name="equipment_name_unique_per_facility"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    ACTIVE = "active", _("予約中")
    CANCELLED = "cancelled", _("取消")


class BookingStage(models.TextChoices):
    """An online request holds its slot at once as 仮予約 until the counter confirms (確定) it;
    a counter booking is confirmed when it is made."""

    REQUESTED = "requested", _("仮予約")
    CONFIRMED = "confirmed", _("確定")
    # A lottery win holds its slot until the group confirms it by the round's deadline.
    WON = "won", _("当選（未確定）")


class BookingChannel(models.TextChoices):
    COUNTER = "counter", _("窓口")
    ONLINE = "online", _("オンライン")
    LOTTERY = "lottery", _("抽選")


class CancelKind(models.TextChoices):
    BY_GROUP = "group", _("団体による取消")
    BY_CENTRE = "centre", _("センターによる取消")
    REFUSED = "refused", _("お断り")
    EXPIRED = "expired", _("確定期限切れ")


class BookingOwner(models.TextChoices):
    """Who may change or cancel a booking. Counter bookings belong to the counter; a booking
    made by another subject (an event's venue) is changed only through that subject, so the
    two never drift apart (an event stays 予定 while its room is given to someone else)."""

    COUNTER = "counter", _("窓口")
    EVENT = "event", _("講座・イベント")


class SeriesKind(models.TextChoices):
    WEEKLY = "weekly", _("毎週")
    MONTHLY_NTH = "monthly_nth", _("毎月第n曜日")


WEEKDAY_NAMES = ("月", "火", "水", "木", "金", "土", "日")
WEEKDAY_CHOICES = [(number, f"{name}曜日") for number, name in enumerate(WEEKDAY_NAMES)]
NTH_CHOICES = [(n, f"第{n}") for n in range(1, 6)]


@track
class BookingSeries(models.Model):
    """定期利用: one pattern (every Monday, every 2nd Tuesday …) booked as linked bookings.

    The bookings are ordinary ones (``Booking.series``), each under every booking rule; the
    series keeps the pattern, who asked, and which dates could not be booked when it was made.
    """

    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="booking_series", verbose_name=_("部屋")
    )
    kind = models.CharField(_("繰り返し"), max_length=20, choices=SeriesKind.choices)
    weekday = models.PositiveSmallIntegerField(_("曜日"), choices=WEEKDAY_CHOICES)
    nth = models.PositiveSmallIntegerField(_("第何週"), choices=NTH_CHOICES, null=True, blank=True)
    first_day = models.DateField(_("開始日"))
    last_day = models.DateField(_("終了日"))
    start_time = models.TimeField(_("開始時刻"))
    end_time = models.TimeField(_("終了時刻"))
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="booking_series",
        verbose_name=_("登録団体"),
    )
    booker_name = models.CharField(_("利用者名（団体名・氏名）"), max_length=100, blank=True)
    booker_contact = models.CharField(_("連絡先"), max_length=100, blank=True)
    purpose = models.CharField(_("利用目的"), max_length=200)
    attendees = models.PositiveSmallIntegerField(_("利用人数"))
    notes = models.TextField(_("備考"), blank=True)
    # [{"date": "2026-12-29", "reason": "…休館日…"}]: what the clerk was told was not booked.
    not_booked = models.JSONField(_("予約できなかった日"), default=list, blank=True)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受付者"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取消受付者"),
    )
    cancel_reason = models.CharField(_("取消理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("定期利用")
        verbose_name_plural = _("定期利用")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="booking_series_last_day_not_before_first",
                violation_error_message=_("終了日は開始日以降にしてください。"),
            ),
            models.CheckConstraint(
                condition=(Q(kind="weekly") & Q(nth__isnull=True))
                | (Q(kind="monthly_nth") & Q(nth__gte=1) & Q(nth__lte=5)),
                name="booking_series_nth_for_monthly_only",
                violation_error_message=_("毎月の場合は第1〜第5を選んでください。"),
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="booking_series_weekday_0_to_6"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="booking_series_ends_after_start",
                violation_error_message=_("終了時刻は開始時刻より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1), name="booking_series_attendees_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=False) | ~Q(booker_name=""),
                name="booking_series_has_a_booker",
                violation_error_message=_("登録団体を選ぶか、利用者名を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="booking_series_cancellation_has_reason",
                violation_error_message=_("取消理由を入力してください。"),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.pattern_label} {self.start_time:%H:%M}〜{self.end_time:%H:%M} "
            f"{self.room.name if self.room_id else ''}"
        ).strip()

    @property
    def pattern_label(self) -> str:
        """毎週火曜日 / 毎月第2火曜日."""
        weekday = f"{WEEKDAY_NAMES[self.weekday]}曜日"
        if self.kind == SeriesKind.MONTHLY_NTH:
            return f"毎月第{self.nth}{weekday}"
        return f"毎週{weekday}"

    @property
    def booker_display(self) -> str:
        return self.group.name if self.group_id else self.booker_name

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


# The booking's local day and its start and end as seconds from that day's midnight, kept by
# PostgreSQL (stored generated columns): the month view sums the booked seconds of each block
# from these and one index, with no time-zone arithmetic at read time (selectors.block_states).
# A booking belongs to the day it starts on, as on the day view.
LOCAL_START = f"(lower(period) AT TIME ZONE '{settings.TIME_ZONE}')"
BOOKING_LOCAL_DAY = RawSQL(f"{LOCAL_START}::date", [])
BOOKING_START_SECOND = RawSQL(f"extract(epoch FROM {LOCAL_START}::time)::integer", [])
BOOKING_END_SECOND = RawSQL(
    f"(extract(epoch FROM {LOCAL_START}::time)"
    " + extract(epoch FROM upper(period) - lower(period)))::integer",
    [],
)


# The generated columns are derived from the period, so the history leaves them out.
@track(exclude=("local_day", "start_second", "end_second"))
class Booking(models.Model):
    """A room booking over the half-open period [start, end).

    Two active bookings of one room never overlap: PostgreSQL enforces it with an exclusion
    constraint (btree_gist), whatever code path writes the row.
    """

    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("部屋")
    )
    period = DateTimeRangeField(_("利用時間"))
    status = models.CharField(
        _("状態"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.ACTIVE
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("登録団体"),
    )
    booker_name = models.CharField(_("利用者名（団体名・氏名）"), max_length=100, blank=True)
    booker_contact = models.CharField(_("連絡先"), max_length=100, blank=True)
    purpose = models.CharField(_("利用目的"), max_length=200)
    attendees = models.PositiveSmallIntegerField(_("利用人数"))
    notes = models.TextField(_("備考"), blank=True)
    registered_priority = models.BooleanField(
        _("登録団体として予約"),
        default=False,
        help_text=_("予約日に団体登録が有効で、登録団体の受付期間で受け付けた予約です。"),
    )
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受付者"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取消受付者"),
    )
    cancel_reason = models.CharField(_("取消理由"), max_length=200, blank=True)
    cancel_kind = models.CharField(
        _("取消の種類"), max_length=10, choices=CancelKind.choices, blank=True
    )
    stage = models.CharField(
        _("予約の段階"), max_length=10, choices=BookingStage.choices, default=BookingStage.CONFIRMED
    )
    channel = models.CharField(
        _("受付経路"), max_length=10, choices=BookingChannel.choices, default=BookingChannel.COUNTER
    )
    # The group account that asked online (created_by is the clerk for counter bookings).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申込者（団体アカウント）"),
    )
    confirmed_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確定した職員"),
    )
    # The day-before reminder is sent once (facilities.tasks).
    reminded_at = models.DateTimeField(_("前日のお知らせ送信日時"), null=True, blank=True)
    # 利用承認書の番号: 2026-予-00123, sequential per fiscal year of the booking's creation.
    approval_number = models.CharField(
        _("承認番号"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    owner = models.CharField(
        _("管理元"),
        max_length=20,
        choices=BookingOwner.choices,
        default=BookingOwner.COUNTER,
        editable=False,
        help_text=_(
            "窓口以外が管理する予約は、その画面（講座・イベントなど）からだけ変更・取消できます。"
        ),
    )
    # 定期利用: the series this booking was made in (a series is never deleted, only cancelled).
    series = models.ForeignKey(
        BookingSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="bookings",
        verbose_name=_("定期利用"),
    )
    local_day = models.GeneratedField(
        expression=BOOKING_LOCAL_DAY,
        output_field=models.DateField(),
        db_persist=True,
        verbose_name=_("利用日"),
    )
    start_second = models.GeneratedField(
        expression=BOOKING_START_SECOND,
        output_field=models.IntegerField(),
        db_persist=True,
        verbose_name=_("開始（0時からの秒）"),
    )
    end_second = models.GeneratedField(
        expression=BOOKING_END_SECOND,
        output_field=models.IntegerField(),
        db_persist=True,
        verbose_name=_("終了（開始日の0時からの秒）"),
    )

    class Meta:
        verbose_name = _("予約")
        verbose_name_plural = _("予約")
        ordering = ["period"]
        constraints = [
            ExclusionConstraint(
                name="booking_no_overlap_per_room",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(status="active"),
                violation_error_message=_("同じ部屋・同じ時間帯に別の予約があります。"),
            ),
            models.CheckConstraint(
                condition=Q(period__isempty=False)
                & Q(period__lower_inf=False)
                & Q(period__upper_inf=False),
                name="booking_period_ends_after_start",
                violation_error_message=_("終了時刻は開始時刻より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1),
                name="booking_attendees_at_least_one",
                violation_error_message=_("利用人数は1人以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=False) | ~Q(booker_name=""),
                name="booking_has_a_booker",
                violation_error_message=_("登録団体を選ぶか、利用者名を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(cancel_reason=""),
                name="booking_cancellation_has_reason",
                violation_error_message=_("取消理由を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(status="active", cancel_kind="")
                | (Q(status="cancelled") & ~Q(cancel_kind="")),
                name="booking_cancel_kind_when_cancelled",
            ),
            # A request still waiting for the counter is an online (or lottery) one.
            models.CheckConstraint(
                condition=Q(stage="confirmed") | ~Q(channel="counter"),
                name="booking_counter_bookings_confirmed",
            ),
        ]
        indexes = [
            GistIndex(fields=["period"], name="booking_period_gist"),
            # The counter's list of open online requests.
            models.Index(
                fields=["created_at"],
                condition=Q(status="active", stage="requested"),
                name="booking_open_requests",
            ),
            # The month view's cells (selectors.block_states): an index-only scan per room.
            models.Index(
                fields=["room", "local_day"],
                include=["start_second", "end_second"],
                condition=Q(status="active"),
                name="booking_active_room_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {jdatetime(self.period.lower)}"

    @property
    def start(self) -> dt.datetime:
        return self.period.lower

    @property
    def end(self) -> dt.datetime:
        return self.period.upper

    @property
    def booker_display(self) -> str:
        return self.group.name if self.group_id else self.booker_name

    @property
    def is_active(self) -> bool:
        return self.status == BookingStatus.ACTIVE

    @property
    def is_request(self) -> bool:
        """An online 仮予約 that the counter has not confirmed yet (it holds the slot)."""
        return self.status == BookingStatus.ACTIVE and self.stage == BookingStage.REQUESTED

    @property
    def state_label(self) -> str:
        """仮予約 / 確定 / 取消 / お断り, as a group or clerk reads it."""
        if self.status == BookingStatus.CANCELLED:
            return (
                self.get_cancel_kind_display() if self.cancel_kind == CancelKind.REFUSED else "取消"
            )
        return self.get_stage_display()


@track
class EquipmentLoan(models.Model):
    """Units of one equipment item lent with a booking, for the booking's whole period."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="loans", verbose_name=_("予約")
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="loans", verbose_name=_("備品")
    )
    quantity = models.PositiveSmallIntegerField(_("数量"))

    class Meta:
        verbose_name = _("備品貸出")
        verbose_name_plural = _("備品貸出")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "equipment"], name="equipment_once_per_booking"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="equipment_loan_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment} ×{self.quantity}"


@track
class WaitingEntry(models.Model):
    """キャンセル待ち: a registered group waits for a booked period of a room. When the period
    becomes free every waiter is told at once; the first to request gets it (a notice, not an
    automatic booking). An entry lapses when its day has passed."""

    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="waiting_entries", verbose_name=_("部屋")
    )
    period = DateTimeRangeField(_("希望する時間"))
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        related_name="waiting_entries",
        verbose_name=_("登録団体"),
    )
    attendees = models.PositiveSmallIntegerField(_("利用人数"))
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登録した人"),
    )
    notified_at = models.DateTimeField(_("空きのお知らせ日時"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("取りやめ日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("キャンセル待ち")
        verbose_name_plural = _("キャンセル待ち")
        ordering = ["created_at", "pk"]
        constraints = [
            # One open entry per group for any moment of a room.
            ExclusionConstraint(
                name="waiting_once_per_group_and_period",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    ("group", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(withdrawn_at__isnull=True),
                violation_error_message=_("この時間は既にキャンセル待ちに登録しています。"),
            ),
            models.CheckConstraint(
                condition=Q(period__isempty=False)
                & Q(period__lower_inf=False)
                & Q(period__upper_inf=False),
                name="waiting_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1), name="waiting_attendees_at_least_one"
            ),
        ]
        indexes = [GistIndex(fields=["room", "period"], name="waiting_room_period_gist")]

    def __str__(self) -> str:
        return f"{self.room} {jdatetime(self.period.lower)}"

    @property
    def start(self) -> dt.datetime:
        return self.period.lower

    @property
    def end(self) -> dt.datetime:
        return self.period.upper


# --- 抽選 (lottery) -----------------------------------------------------------------------------
class LotteryPhase(models.TextChoices):
    SCHEDULED = "scheduled", _("受付前")
    OPEN = "open", _("抽選受付中")
    CLOSED = "closed", _("抽選待ち")
    DRAWN = "drawn", _("当選確定期間")
    FINISHED = "finished", _("先着受付")


@track(exclude=("seed",))
class LotteryRound(models.Model):
    """One lottery (抽選) for one facility and target month.

    Registered groups apply for blocks (room, day, 午前/午後/夜間) from ``applications_open_on``
    through ``applications_close_on``; the worker draws at ``draw_at``; winners confirm through
    ``confirm_by``; the next day the blocks open first-come. Until then no other booking takes
    a block of the target month (except on ``excluded_days``, kept for the centre's own events).

    ``seed`` is secret until the draw (left out of the history); ``commitment`` (its SHA-256)
    is public from the start, so anyone can check afterwards that the seed was not changed.
    """

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="lottery_rounds", verbose_name=_("施設")
    )
    target_month = models.DateField(_("対象月"), help_text=_("対象月の1日"))
    applications_open_on = models.DateField(_("申込開始日"))
    applications_close_on = models.DateField(_("申込締切日"), help_text=_("この日の24時まで"))
    draw_at = models.DateTimeField(_("抽選日時"))
    confirm_by = models.DateField(_("当選の確定期限"), help_text=_("この日の24時まで"))
    seed = models.CharField(_("乱数シード"), max_length=64, editable=False)
    commitment = models.CharField(_("シードのハッシュ値（SHA-256）"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("抽選")
        verbose_name_plural = _("抽選")
        ordering = ["-target_month", "facility_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "target_month"],
                name="lottery_round_once_per_facility_month",
                violation_error_message=_("この施設のこの月の抽選は既にあります。"),
            ),
            models.CheckConstraint(
                condition=Q(target_month__day=1), name="lottery_round_target_is_a_month"
            ),
            models.CheckConstraint(
                condition=Q(applications_close_on__gte=models.F("applications_open_on"))
                & Q(confirm_by__gt=models.F("applications_close_on"))
                & Q(target_month__gt=models.F("confirm_by")),
                name="lottery_round_dates_in_order",
                violation_error_message=_(
                    "日程は 申込開始日 ≦ 申込締切日 ＜ 確定期限 ＜ 対象月 の順にしてください。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_month.year}年{self.target_month.month}月分の抽選"

    @property
    def target_label(self) -> str:
        return f"{self.target_month.year}年{self.target_month.month}月"

    def phase(self, now: dt.datetime, *, drawn: bool) -> str:
        """Where the round stands at ``now`` (``drawn``: its LotteryDraw exists)."""
        from django.utils import timezone

        today = timezone.localdate(now)
        if today > self.confirm_by:
            return LotteryPhase.FINISHED
        if drawn:
            return LotteryPhase.DRAWN
        if today < self.applications_open_on:
            return LotteryPhase.SCHEDULED
        if today <= self.applications_close_on:
            return LotteryPhase.OPEN
        return LotteryPhase.CLOSED


@track
class LotteryExcludedDay(models.Model):
    """A day of the target month left out of the lottery (e.g. the centre's own event)."""

    round = models.ForeignKey(
        LotteryRound,
        on_delete=models.CASCADE,
        related_name="excluded_days",
        verbose_name=_("抽選"),
    )
    day = models.DateField(_("対象外の日"))
    note = models.CharField(_("理由"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("抽選の対象外日")
        verbose_name_plural = _("抽選の対象外日")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "day"],
                name="lottery_excluded_day_once",
                violation_error_message=_("この日は既に対象外です。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


class LotteryResult(models.TextChoices):
    WON = "won", _("当選")
    LOST = "lost", _("落選")


class ApplicationChannel(models.TextChoices):
    ONLINE = "online", _("オンライン")
    COUNTER = "counter", _("窓口")


# The draw's results are recorded by the draw itself (LotteryDraw, with who and when, and the
# digest of every result), not row by row: 10,000 history rows would double the draw's time.
@track(exclude=("result", "result_note", "booking", "result_notified_at"))
class LotteryApplication(models.Model):
    """A registered group's application for one block of a lottery; its number (申込番号) is
    its id, published with the draw's result (without the group's name)."""

    round = models.ForeignKey(
        LotteryRound, on_delete=models.PROTECT, related_name="applications", verbose_name=_("抽選")
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        related_name="lottery_applications",
        verbose_name=_("登録団体"),
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="lottery_applications", verbose_name=_("部屋")
    )
    block_name = models.CharField(_("区分"), max_length=20)
    period = DateTimeRangeField(_("利用時間"))
    purpose = models.CharField(_("利用目的"), max_length=200)
    attendees = models.PositiveSmallIntegerField(_("利用人数"))
    channel = models.CharField(
        _("受付経路"),
        max_length=10,
        choices=ApplicationChannel.choices,
        default=ApplicationChannel.ONLINE,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申込者（団体アカウント・窓口職員）"),
    )
    created_at = models.DateTimeField(_("申込日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("取下げ日時"), null=True, blank=True)
    result = models.CharField(_("結果"), max_length=10, choices=LotteryResult.choices, blank=True)
    result_note = models.CharField(_("結果の補足"), max_length=200, blank=True)
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lottery_application",
        verbose_name=_("当選した予約"),
    )
    result_notified_at = models.DateTimeField(_("結果通知日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽選の申込み")
        verbose_name_plural = _("抽選の申込み")
        ordering = ["round_id", "pk"]
        constraints = [
            # One application per group and block (room, period) of a round.
            models.UniqueConstraint(
                fields=["round", "group", "room", "period"],
                condition=Q(withdrawn_at__isnull=True),
                name="lottery_application_once_per_block",
                violation_error_message=_("この区分には既に申し込んでいます。"),
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1), name="lottery_application_attendees_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(period__isempty=False)
                & Q(period__lower_inf=False)
                & Q(period__upper_inf=False),
                name="lottery_application_period_bounded",
            ),
            # Only a won application has a booking, and a withdrawn one has no result.
            models.CheckConstraint(
                condition=Q(booking__isnull=True) | Q(result="won"),
                name="lottery_application_booking_only_when_won",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(result=""),
                name="lottery_application_withdrawn_not_drawn",
            ),
        ]
        indexes = [
            models.Index(
                fields=["round", "group"],
                condition=Q(withdrawn_at__isnull=True),
                name="lottery_application_active",
            )
        ]

    def __str__(self) -> str:
        return f"申込番号{self.pk}"

    @property
    def start(self) -> dt.datetime:
        return self.period.lower

    @property
    def end(self) -> dt.datetime:
        return self.period.upper

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@track
class LotteryDraw(models.Model):
    """The draw of a round: exactly one per round (the one-to-one key is the database's
    guarantee), written in the same transaction as every result and booking it made."""

    round = models.OneToOneField(
        LotteryRound, on_delete=models.PROTECT, related_name="draw", verbose_name=_("抽選")
    )
    seed = models.CharField(_("乱数シード"), max_length=64)
    algorithm = models.CharField(_("抽選方式"), max_length=20)
    drawn_at = models.DateTimeField(_("抽選実施日時"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("実施者（空欄は自動実行）"),
    )
    applications_count = models.PositiveIntegerField(_("申込数"))
    blocks_count = models.PositiveIntegerField(_("抽選した区分数"))
    winners_count = models.PositiveIntegerField(_("当選数"))
    # SHA-256 of the published result (services/lottery.py: published_result), so a copy of
    # it can be checked against what the centre recorded at the draw.
    result_digest = models.CharField(_("結果のハッシュ値"), max_length=64)
    duration_ms = models.PositiveIntegerField(_("処理時間（ミリ秒）"), default=0)

    class Meta:
        verbose_name = _("抽選の実施記録")
        verbose_name_plural = _("抽選の実施記録")
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.round}（{jdatetime(self.drawn_at)}実施）"
