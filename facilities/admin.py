"""Ward staff manage facilities, rooms, blocks, equipment and closures here.

Bookings are read-only in the admin: they are written at the counter through
facilities.services, which checks every rule. Rooms, equipment and closures are saved through
the same services (room_save, equipment_save, closure_save), so the admin cannot lower a
capacity or a stock below what future bookings use, nor add a closure that a booking being
written at the same moment slips past.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html_join

from facilities import selectors
from facilities.models import (
    Booking,
    Closure,
    DisplayBlock,
    Equipment,
    EquipmentLoan,
    Facility,
    LotteryDraw,
    LotteryExcludedDay,
    LotteryPhase,
    LotteryRound,
    Room,
    WaitingEntry,
)
from facilities.services.closures import closure_ensure_year_end, closure_save
from facilities.services.common import FacilityError
from facilities.services.equipment import equipment_save, equipment_stock_problem
from facilities.services.lottery import (
    LotteryAlreadyDrawn,
    check_round_dates,
    lottery_draw,
    lottery_round_save,
)
from facilities.services.rooms import room_capacity_problem, room_save
from kyodo_center.admin import ReadOnlyAdminMixin
from kyodo_center.audit import PersonalDataChangelistMixin
from kyodo_center.dates import hhmm, jdate, jdatetime
from kyodo_center.history import HistoryAdminMixin


class ServiceRulesAdminMixin:
    """Saves go through facilities.services; a rule broken between the form check and the
    locked save (someone booked meanwhile) is shown as a message, and nothing is saved."""

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        except FacilityError as error:
            self.message_user(request, str(error), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if isinstance(obj, Room):
                room_save(room=obj)
            elif isinstance(obj, Equipment):
                equipment_save(item=obj)
            else:
                obj.save()
        formset.save_m2m()


class RoomAdminForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["facility", "name", "capacity", "notes", "sort_order", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("capacity"):
            probe = copy.copy(self.instance)
            probe.capacity = cleaned["capacity"]
            problem = room_capacity_problem(probe)
            if problem:
                self.add_error("capacity", problem)
        return cleaned


class EquipmentAdminForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = ["facility", "name", "stock", "sort_order", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("stock") is not None:
            probe = copy.copy(self.instance)
            probe.stock = cleaned["stock"]
            probe.is_active = cleaned.get("is_active", probe.is_active)
            problem = equipment_stock_problem(probe)
            if problem:
                self.add_error("stock", problem)
        return cleaned


class RoomInline(admin.TabularInline):
    model = Room
    form = RoomAdminForm
    extra = 0
    fields = ["name", "capacity", "notes", "sort_order", "is_active"]


class DisplayBlockInline(admin.TabularInline):
    model = DisplayBlock
    extra = 0
    fields = ["name", "start_time", "end_time"]
    verbose_name_plural = "表示区分（空のときは 午前9–12・午後13–17・夜間18–22）"


class EquipmentInline(admin.TabularInline):
    model = Equipment
    form = EquipmentAdminForm
    extra = 0
    fields = ["name", "stock", "sort_order", "is_active"]


@admin.register(Facility)
class FacilityAdmin(HistoryAdminMixin, ServiceRulesAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "opens_at",
        "closes_at",
        "registered_booking_months",
        "general_booking_months",
    ]
    fieldsets = [
        (None, {"fields": ["name", "address", "phone", "opens_at", "closes_at"]}),
        (
            "予約の受付期間（登録団体は優先利用 ◎）",
            {"fields": ["registered_booking_months", "general_booking_months"]},
        ),
        (
            "抽選の日程（毎月）",
            {
                "fields": [
                    "lottery_enabled",
                    "lottery_opens_day",
                    "lottery_closes_day",
                    "lottery_draw_day",
                    "lottery_draw_time",
                    "lottery_confirm_day",
                ],
                "description": (
                    "毎月この日程で、登録団体の予約受付が新しく始まる月の抽選を作ります。"
                    "個別の回の日程は「抽選」で変更できます。"
                ),
            },
        ),
    ]
    inlines = [RoomInline, DisplayBlockInline, EquipmentInline]

    def save_model(self, request: Any, obj: Facility, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        closure_ensure_year_end(facility=obj, today=timezone.localdate())


@admin.register(Room)
class RoomAdmin(HistoryAdminMixin, ServiceRulesAdminMixin, admin.ModelAdmin):
    form = RoomAdminForm
    list_display = ["name", "facility", "capacity", "is_active", "sort_order"]
    list_filter = ["facility", "is_active"]
    list_select_related = ["facility"]

    def save_model(self, request: Any, obj: Room, form: Any, change: bool) -> None:
        room_save(room=obj)


@admin.register(Equipment)
class EquipmentAdmin(HistoryAdminMixin, ServiceRulesAdminMixin, admin.ModelAdmin):
    form = EquipmentAdminForm
    list_display = ["name", "facility", "stock", "is_active"]
    list_filter = ["facility", "is_active"]
    list_select_related = ["facility"]

    def save_model(self, request: Any, obj: Equipment, form: Any, change: bool) -> None:
        equipment_save(item=obj)


@admin.register(Closure)
class ClosureAdmin(HistoryAdminMixin, ServiceRulesAdminMixin, admin.ModelAdmin):
    list_display = ["date", "start_time", "end_time", "kind", "note", "facility"]
    list_filter = ["kind", "facility"]
    date_hierarchy = "date"
    list_select_related = ["facility"]

    def save_model(self, request: Any, obj: Closure, form: Any, change: bool) -> None:
        hit = closure_save(closure=obj)
        if hit:
            # Nothing is cancelled silently: staff contact each booker, then cancel or move.
            lines = format_html_join(
                "",
                "<li>{} {}〜{} {} {}（連絡先 {}）</li>",
                (
                    (
                        jdate(timezone.localdate(b.start)),
                        hhmm(b.start),
                        hhmm(b.end),
                        b.room.name,
                        b.booker_display,
                        b.booker_contact or "未登録",
                    )
                    for b in hit
                ),
            )
            messages.warning(
                request,
                format_html_join(
                    "",
                    "{}<ul>{}</ul>",
                    [
                        (
                            f"この休館日に重なる予約が{len(hit)}件あります。"
                            "予約は取り消されていません。利用者に連絡し、窓口で取消・変更してください。",
                            lines,
                        )
                    ],
                ),
            )


@admin.register(Booking)
class BookingAdmin(
    ReadOnlyAdminMixin, PersonalDataChangelistMixin, HistoryAdminMixin, admin.ModelAdmin
):
    history_related = [EquipmentLoan]
    list_display = ["pk", "room", "period", "booker", "attendees", "status", "stage", "channel"]
    list_filter = ["status", "stage", "channel", "room"]
    search_fields = [
        "booker_name",
        "group__name",
        "group__registration_number",
        "purpose",
        "approval_number",
    ]
    list_select_related = ["room", "group"]

    @admin.display(description="利用者")
    def booker(self, obj: Booking) -> str:
        return obj.booker_display


@admin.register(WaitingEntry)
class WaitingEntryAdmin(ReadOnlyAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    """キャンセル待ち are the groups' own (マイページ); staff only look."""

    list_display = ["pk", "room", "period", "group", "attendees", "notified_at", "withdrawn_at"]
    list_filter = ["room"]
    search_fields = ["group__name", "group__registration_number"]
    list_select_related = ["room", "group"]


# --- 抽選 (lottery) -----------------------------------------------------------------------------
ROUND_FIELDS = [
    "facility",
    "target_month",
    "applications_open_on",
    "applications_close_on",
    "draw_at",
    "confirm_by",
]


def is_drawn(lottery_round: LotteryRound | None) -> bool:
    if lottery_round is None or lottery_round.pk is None:
        return False
    try:
        return lottery_round.draw is not None  # cached on the instance, found or not
    except LotteryDraw.DoesNotExist:
        return False


class LotteryRoundAdminForm(forms.ModelForm):
    class Meta:
        model = LotteryRound
        fields = ROUND_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if all(cleaned.get(name) is not None for name in ROUND_FIELDS):
            # The rules the database cannot state, checked as the service checks them, so a
            # mistake comes back as a message on the form with everything typed kept.
            probe = copy.copy(self.instance)
            for name in ROUND_FIELDS:
                setattr(probe, name, cleaned[name])
            try:
                check_round_dates(probe)
            except FacilityError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


class ExcludedDayFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        target = getattr(self.instance, "target_month", None)
        if target is None:
            return
        for form in self.forms:
            day = form.cleaned_data.get("day") if hasattr(form, "cleaned_data") else None
            if day and not form.cleaned_data.get("DELETE") and day.replace(day=1) != target:
                form.add_error(
                    "day",
                    f"対象外の日は対象月（{target.year}年{target.month}月）の日にしてください。",
                )


class LotteryExcludedDayInline(admin.TabularInline):
    model = LotteryExcludedDay
    formset = ExcludedDayFormSet
    extra = 0
    fields = ["day", "note"]
    verbose_name_plural = "抽選の対象外日（センターの行事等。抽選後に先着順で受け付けます）"

    # A drawn round is the record of what was drawn: its days no longer change.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_drawn(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_drawn(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_drawn(obj) and super().has_delete_permission(request, obj)


@admin.register(LotteryRound)
class LotteryRoundAdmin(HistoryAdminMixin, ServiceRulesAdminMixin, admin.ModelAdmin):
    """Rounds are made every month from the facility's calendar (the daily job); ward staff
    shift one here, leave days out, or draw it now. Saves go through lottery_round_save; the
    seed stays secret until the draw (only its hash, the commitment, is shown before)."""

    form = LotteryRoundAdminForm
    history_related = [LotteryExcludedDay]
    inlines = [LotteryExcludedDayInline]
    list_display = [
        "target_label",
        "facility",
        "application_period",
        "draw_time",
        "confirm_deadline",
        "phase",
        "applications_count",
    ]
    list_filter = ["facility"]
    actions = ["draw_selected"]
    readonly_fields = ["commitment", "seed_after_draw", "draw_record"]
    fieldsets = [
        (None, {"fields": ["facility", "target_month"]}),
        (
            "日程",
            {
                "fields": [
                    "applications_open_on",
                    "applications_close_on",
                    "draw_at",
                    "confirm_by",
                ]
            },
        ),
        (
            "公正さの確認（公開）",
            {
                "fields": ["commitment", "seed_after_draw", "draw_record"],
                "description": (
                    "乱数シードは抽選まで秘密にし、そのハッシュ値だけを先に公開します。"
                    "抽選後にシードを公開すると、だれでも結果を再現して確かめられます。"
                ),
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("facility", "draw")
            .annotate(
                active_applications=Count(
                    "applications", filter=Q(applications__withdrawn_at__isnull=True)
                )
            )
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if is_drawn(obj):
            return [*ROUND_FIELDS, *self.readonly_fields]
        return list(self.readonly_fields)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A drawn round is the record of its draw: shown, never changed (the service refuses
        # too); the changelist and its 抽選を実行 action stay available.
        return not is_drawn(obj) and super().has_change_permission(request, obj)

    def save_model(self, request: Any, obj: LotteryRound, form: Any, change: bool) -> None:
        lottery_round_save(lottery_round=obj, saved_by=request.user)

    @admin.display(description="対象月", ordering="target_month")
    def target_label(self, obj: LotteryRound) -> str:
        return obj.target_label

    @admin.display(description="申込期間", ordering="applications_open_on")
    def application_period(self, obj: LotteryRound) -> str:
        return f"{jdate(obj.applications_open_on)}〜{jdate(obj.applications_close_on)}"

    @admin.display(description="抽選日時", ordering="draw_at")
    def draw_time(self, obj: LotteryRound) -> str:
        return jdatetime(obj.draw_at)

    @admin.display(description="確定期限", ordering="confirm_by")
    def confirm_deadline(self, obj: LotteryRound) -> str:
        return jdate(obj.confirm_by)

    @admin.display(description="状態")
    def phase(self, obj: LotteryRound) -> str:
        return LotteryPhase(selectors.lottery_round_phase(obj, timezone.now())).label

    @admin.display(description="申込数")
    def applications_count(self, obj: LotteryRound) -> str:
        count = getattr(obj, "active_applications", None)
        if count is None:
            count = obj.applications.filter(withdrawn_at__isnull=True).count()
        return f"{count}件"

    @admin.display(description="乱数シード")
    def seed_after_draw(self, obj: LotteryRound) -> str:
        if not is_drawn(obj):
            return "抽選の後に公開します（いまはハッシュ値だけを公開しています）。"
        return obj.draw.seed

    @admin.display(description="抽選の実施記録")
    def draw_record(self, obj: LotteryRound) -> str:
        if not is_drawn(obj):
            return "未実施"
        draw = obj.draw
        who = "自動実行" if draw.drawn_by is None else draw.drawn_by.get_username()
        return (
            f"{jdatetime(draw.drawn_at)}（{who}）申込{draw.applications_count}件・"
            f"抽選した区分{draw.blocks_count}・当選{draw.winners_count}件"
        )

    @admin.action(description="選択した抽選を実行する（抽選を実行）", permissions=["change"])
    def draw_selected(self, request: HttpRequest, queryset: QuerySet[LotteryRound]) -> None:
        for lottery_round in queryset.order_by("target_month", "facility_id"):
            try:
                record = lottery_draw(lottery_round=lottery_round, drawn_by=request.user)
            except LotteryAlreadyDrawn as error:
                self.message_user(request, str(error), messages.ERROR)
            except FacilityError as error:
                self.message_user(request, f"{lottery_round}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{lottery_round}を実施しました（申込{record.applications_count}件・"
                    f"当選{record.winners_count}件）。結果は団体にメールでお知らせします。",
                    messages.SUCCESS,
                )


@admin.register(LotteryDraw)
class LotteryDrawAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit record of each draw: shown, never changed (one per round)."""

    list_display = [
        "round",
        "drawn_time",
        "drawn_by",
        "applications_count",
        "blocks_count",
        "winners_count",
        "duration_ms",
    ]
    list_select_related = ["round", "drawn_by"]
    fields = [
        "round",
        "drawn_time",
        "drawn_by",
        "algorithm",
        "seed",
        "applications_count",
        "blocks_count",
        "winners_count",
        "result_digest",
        "duration_ms",
    ]
    readonly_fields = fields

    @admin.display(description="抽選実施日時", ordering="drawn_at")
    def drawn_time(self, obj: LotteryDraw) -> str:
        return jdatetime(obj.drawn_at)
