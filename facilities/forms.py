"""Forms of the facilities app: they shape input; the rules are in facilities.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from facilities.models import Booking, Equipment, Facility, Room
from facilities.selectors import FacilitySetup
from facilities.services.bookings import BookingRequest
from facilities.services.common import SLOT_MINUTES
from groups.models import Group
from groups.selectors import group_search_q
from groups.services import registered_on_q
from kyodo_center.dates import hhmm, jdate
from kyodo_center.forms import JapaneseInputMixin, LoadedModelChoiceField

GROUP_SEARCH_LIMIT = 30


def slot_choices(facility: Facility | None, *, for_end: bool) -> list[tuple[str, str]]:
    opens = facility.opens_at if facility else dt.time(9, 0)
    closes = facility.closes_at if facility else dt.time(22, 0)
    cursor = dt.datetime.combine(dt.date.min, opens)
    closing = dt.datetime.combine(dt.date.min, closes)
    step = dt.timedelta(minutes=SLOT_MINUTES)
    if for_end:
        cursor += step
        closing += step
    choices = []
    while cursor < closing:
        value = cursor.time()
        choices.append((value.strftime("%H:%M"), f"{value.hour}:{value.minute:02d}"))
        cursor += step
    return choices


def room_of_facility(room: Room, facility: Facility) -> Room:
    """The chosen room (offered from ``facility``'s rooms only) with its facility already
    known: the booking's checks read it without loading the facility again."""
    room.facility = facility
    return room


class GroupPickerMixin:
    """The counter forms' registered-group picker: ``group_query`` (検索) narrows ``group`` to
    the matching registered groups, so the select never lists every group."""

    current_group_id: int | None = None

    def _value(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(self.add_prefix(name), "") or "")
        value = self.initial.get(name, "")
        return str(getattr(value, "pk", value) or "")

    def _limit_group_choices(self) -> None:
        """Offer currently registered groups matching the search (and the one already chosen),
        not all of them; a booking being changed keeps its group even if it has since lapsed."""
        registered = Group.objects.filter(registered_on_q(timezone.localdate()))
        query = self._value("group_query").strip()
        selected = self._value("group")
        ids: list[Any] = []
        if query:
            ids = list(
                registered.filter(group_search_q(query))
                .order_by("name_kana", "name")
                .values_list("pk", flat=True)[:GROUP_SEARCH_LIMIT]
            )
        if selected.isascii() and selected.isdigit():
            ids.append(int(selected))
        allowed = registered.filter(pk__in=ids)
        if self.current_group_id is not None:
            allowed = allowed | Group.objects.filter(pk=self.current_group_id)
        self.fields["group"].queryset = allowed.order_by("name_kana", "name")
        self.fields["group"].label_from_instance = lambda group: (
            f"{group.name}（{group.registration_number}）"
        )


class BookingForm(GroupPickerMixin, JapaneseInputMixin, forms.Form):
    room = LoadedModelChoiceField(Room, label="部屋", empty_label=None)
    date = forms.DateField(label="利用日", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="開始時刻", widget=forms.Select())
    end_time = forms.TimeField(label="終了時刻", widget=forms.Select())
    # The picker: without JavaScript 検索 reloads the form with the matches in ``group``; with
    # it (static/js/group_picker.js) matches appear as the clerk types and fill ``group``.
    group_query = forms.CharField(
        label="登録団体を検索",
        required=False,
        help_text="団体名・フリガナ・登録番号の一部を入力してください（全角・ひらがなも可）。",
        widget=forms.TextInput(attrs={"data-group-picker-query": "", "autocomplete": "off"}),
    )
    group = forms.ModelChoiceField(
        label="登録団体",
        queryset=Group.objects.none(),
        required=False,
        empty_label="（登録団体以外の方）",
        widget=forms.Select(attrs={"data-group-picker-select": ""}),
    )
    booker_name = forms.CharField(
        label="利用者名（団体名・氏名）",
        max_length=100,
        required=False,
        help_text="登録団体以外の方の場合に入力します。",
    )
    booker_contact = forms.CharField(label="連絡先（電話・メール）", max_length=100, required=False)
    purpose = forms.CharField(label="利用目的", max_length=200)
    attendees = forms.IntegerField(label="利用人数", min_value=1)
    notes = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args: Any,
        setup: FacilitySetup,
        equipment_free: list[tuple[Equipment, int]],
        current_group_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.current_group_id = current_group_id
        self.base_fields["booker_contact"].normalize_width = True
        super().__init__(*args, **kwargs)
        self.facility = facility = setup.facility
        self.fields["room"].set_objects(setup.rooms)
        self.fields["start_time"].widget.choices = slot_choices(facility, for_end=False)
        self.fields["end_time"].widget.choices = slot_choices(facility, for_end=True)
        self._limit_group_choices()
        self.equipment_fields: list[tuple[str, Equipment]] = []
        for item, free in equipment_free:
            name = f"equipment_{item.pk}"
            self.fields[name] = forms.IntegerField(
                label=self.equipment_label(item, free),
                min_value=0,
                max_value=item.stock,
                initial=0,
                required=False,
            )
            self.equipment_fields.append((name, item))

    @staticmethod
    def equipment_label(item: Equipment, free: int) -> str:
        return f"{item.name}（この時間帯の空き {free}台／保有 {item.stock}台）"

    def show_equipment_free(self, equipment_free: list[tuple[Equipment, int]]) -> None:
        """Label each item with the units free over the period (for a form shown again)."""
        for item, free in equipment_free:
            field = self.fields.get(f"equipment_{item.pk}")
            if field is not None:
                field.label = self.equipment_label(item, free)

    def clean_room(self) -> Room:
        return room_of_facility(self.cleaned_data["room"], self.facility)

    def booking_request(self) -> BookingRequest:
        data = self.cleaned_data
        equipment = {item: data.get(name) or 0 for name, item in self.equipment_fields}
        return BookingRequest(
            room=data["room"],
            day=data["date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            attendees=data["attendees"],
            purpose=data["purpose"],
            group=data.get("group"),
            booker_name=data.get("booker_name", ""),
            booker_contact=data.get("booker_contact", ""),
            notes=data.get("notes", ""),
            equipment=equipment,
        )

    @staticmethod
    def initial_for_booking(booking: Booking) -> dict[str, Any]:
        start = timezone.localtime(booking.start)
        end = timezone.localtime(booking.end)
        initial: dict[str, Any] = {
            "room": booking.room_id,
            "date": start.date(),
            "start_time": start.strftime("%H:%M"),
            "end_time": end.strftime("%H:%M"),
            "group": booking.group_id or "",
            "booker_name": booking.booker_name,
            "booker_contact": booking.booker_contact,
            "purpose": booking.purpose,
            "attendees": booking.attendees,
            "notes": booking.notes,
        }
        for loan in booking.loans.all():
            initial[f"equipment_{loan.equipment_id}"] = loan.quantity
        return initial


class BookingCancelForm(forms.Form):
    reason = forms.CharField(
        label="取消理由", max_length=200, help_text="例：利用者からの電話で取消、雨天のため中止"
    )


class OnlineRequestForm(JapaneseInputMixin, forms.Form):
    """A registered group's online request (入力): the group is the signed-in account's own."""

    room = LoadedModelChoiceField(Room, label="部屋", empty_label=None)
    date = forms.DateField(
        label="利用日",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="例 2026-12-05（全角数字も使えます）",
    )
    start_time = forms.TimeField(label="開始時刻", widget=forms.Select())
    end_time = forms.TimeField(label="終了時刻", widget=forms.Select())
    attendees = forms.IntegerField(label="利用人数", min_value=1, max_value=999)
    purpose = forms.CharField(label="利用目的", max_length=200)
    notes = forms.CharField(
        label="センターへの連絡事項", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, setup: FacilitySetup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facility = facility = setup.facility
        self.fields["room"].set_objects(setup.rooms)
        self.fields["start_time"].widget.choices = slot_choices(facility, for_end=False)
        self.fields["end_time"].widget.choices = slot_choices(facility, for_end=True)
        self.equipment_fields: list[tuple[str, Equipment]] = []
        for item in setup.equipment:
            name = f"equipment_{item.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{item.name}（保有 {item.stock}台）",
                min_value=0,
                max_value=item.stock,
                initial=0,
                required=False,
            )
            self.equipment_fields.append((name, item))

    def clean_room(self) -> Room:
        return room_of_facility(self.cleaned_data["room"], self.facility)

    def booking_request(self, group: Group) -> BookingRequest:
        data = self.cleaned_data
        return BookingRequest(
            room=data["room"],
            day=data["date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            attendees=data["attendees"],
            purpose=data["purpose"],
            group=group,
            notes=data.get("notes", ""),
            equipment={item: data.get(name) or 0 for name, item in self.equipment_fields},
        )

    def summary_rows(self) -> list[tuple[str, str]]:
        """The 確認 page's table: what the group asked for, as it reads it."""
        data = self.cleaned_data
        rows = [
            ("部屋", data["room"].name),
            ("利用日", jdate(data["date"])),
            ("時間", f"{hhmm(data['start_time'])}〜{hhmm(data['end_time'])}"),
            ("利用人数", f"{data['attendees']}人"),
            ("利用目的", data["purpose"]),
        ]
        lent = [
            f"{item.name} {data.get(name)}台"
            for name, item in self.equipment_fields
            if data.get(name)
        ]
        rows.append(("備品", "、".join(lent) or "なし"))
        if data.get("notes"):
            rows.append(("センターへの連絡事項", data["notes"]))
        return rows


class WaitingEntryForm(JapaneseInputMixin, forms.Form):
    room = LoadedModelChoiceField(Room, label="部屋", empty_label=None)
    date = forms.DateField(label="利用日", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="開始時刻", widget=forms.Select())
    end_time = forms.TimeField(label="終了時刻", widget=forms.Select())
    attendees = forms.IntegerField(label="利用人数", min_value=1, max_value=999)

    def __init__(self, *args: Any, setup: FacilitySetup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facility = setup.facility
        self.fields["room"].set_objects(setup.rooms)
        self.fields["start_time"].widget.choices = slot_choices(facility, for_end=False)
        self.fields["end_time"].widget.choices = slot_choices(facility, for_end=True)


class RefusalForm(JapaneseInputMixin, forms.Form):
    reason = forms.CharField(
        label="お断りの理由（団体にメールで伝わります）", max_length=200, strip=True
    )
