"""Forms of 定期利用 (recurring bookings): they shape input; the rules are in
facilities.services.series (and the booking rules it reuses)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django import forms

from facilities.forms import BookingForm, slot_choices
from facilities.models import (
    NTH_CHOICES,
    WEEKDAY_CHOICES,
    BookingSeries,
    Equipment,
    Facility,
    Room,
    SeriesKind,
)
from facilities.services.series import SeriesChange, SeriesPattern
from kyodo_center.dates import parse_date
from kyodo_center.forms import JapaneseInputMixin, half_width


class SeriesForm(JapaneseInputMixin, forms.Form):
    room = forms.ModelChoiceField(label="部屋", queryset=Room.objects.none(), empty_label=None)
    kind = forms.ChoiceField(
        label="繰り返し",
        choices=SeriesKind.choices,
        initial=SeriesKind.WEEKLY,
        widget=forms.RadioSelect,
    )
    nth = forms.TypedChoiceField(
        label="第何週（毎月の場合）",
        choices=[("", "—"), *NTH_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    weekday = forms.TypedChoiceField(label="曜日", choices=WEEKDAY_CHOICES, coerce=int)
    first_day = forms.DateField(
        label="開始日",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="例 2026-12-01（全角数字も使えます）",
    )
    last_day = forms.DateField(
        label="終了日",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="受付期間より先の日は、確認の一覧に×（受付開始前）と表示されます。",
    )
    start_time = forms.TimeField(label="開始時刻", widget=forms.Select())
    end_time = forms.TimeField(label="終了時刻", widget=forms.Select())
    # The booker fields and the group picker are the booking form's own (same search, same
    # registered-only choices, same progressive enhancement by static/js/group_picker.js).
    group_query = BookingForm.base_fields["group_query"]
    group = BookingForm.base_fields["group"]
    booker_name = BookingForm.base_fields["booker_name"]
    booker_contact = BookingForm.base_fields["booker_contact"]
    purpose = forms.CharField(label="利用目的", max_length=200)
    attendees = forms.IntegerField(label="利用人数", min_value=1, max_value=999)
    notes = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    _value = BookingForm._value
    _limit_group_choices = BookingForm._limit_group_choices
    current_group_id: int | None = None

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        for name in ("booker_contact", "nth", "weekday"):
            self.base_fields[name].normalize_width = True
        super().__init__(*args, **kwargs)
        self.facility = facility
        self.fields["room"].queryset = Room.objects.filter(facility=facility, is_active=True)
        self.fields["start_time"].widget.choices = slot_choices(facility, for_end=False)
        self.fields["end_time"].widget.choices = slot_choices(facility, for_end=True)
        self._limit_group_choices()
        self.equipment_fields: list[tuple[str, Equipment]] = []
        for item in Equipment.objects.filter(facility=facility, is_active=True):
            name = f"equipment_{item.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{item.name}（保有 {item.stock}台）",
                min_value=0,
                max_value=item.stock,
                initial=0,
                required=False,
            )
            self.equipment_fields.append((name, item))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == SeriesKind.MONTHLY_NTH and not data.get("nth"):
            self.add_error("nth", "毎月の場合は第1〜第5のいずれかを選んでください。")
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "終了日は開始日以降にしてください。")
        return data

    def pattern(self) -> SeriesPattern:
        data = self.cleaned_data
        return SeriesPattern(
            room=data["room"],
            kind=data["kind"],
            weekday=data["weekday"],
            nth=data.get("nth") if data["kind"] == SeriesKind.MONTHLY_NTH else None,
            first_day=data["first_day"],
            last_day=data["last_day"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            attendees=data["attendees"],
            purpose=data["purpose"],
            group=data.get("group"),
            booker_name=data.get("booker_name", ""),
            booker_contact=data.get("booker_contact", ""),
            notes=data.get("notes", ""),
            equipment={item: data.get(name) or 0 for name, item in self.equipment_fields},
        )

    def fingerprint(self) -> str:
        """Names what the clerk previewed: saving a pattern changed after its preview is
        refused until the new dates have been seen."""
        data = self.cleaned_data
        parts = [
            f"{name}={getattr(data.get(name), 'pk', data.get(name))}"
            for name in sorted(self.fields)
            if name != "group_query"
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]

    @staticmethod
    def initial_from_query(query: Any, facility: Facility) -> dict[str, Any]:
        """A link from the grid or a booking (room, date, start time): the date's weekday, two
        hours by default, as on the single booking form."""
        initial: dict[str, Any] = {}
        for key in ("room", "start_time", "end_time"):
            if query.get(key):
                initial[key] = half_width(query[key])
        day = parse_date(query.get("date", ""))
        if day is not None:
            initial["first_day"] = day
            initial["weekday"] = day.weekday()
        if "start_time" in initial and "end_time" not in initial:
            try:
                start = dt.time.fromisoformat(initial["start_time"])
            except ValueError:
                return initial
            end = (dt.datetime.combine(dt.date.min, start) + dt.timedelta(hours=2)).time()
            initial["end_time"] = min(end, facility.closes_at).strftime("%H:%M")
        return initial


class SeriesChangeForm(JapaneseInputMixin, forms.Form):
    """The remaining dates' time, attendees and purpose (each keeps its room and booker)."""

    start_time = forms.TimeField(label="開始時刻", widget=forms.Select())
    end_time = forms.TimeField(label="終了時刻", widget=forms.Select())
    attendees = forms.IntegerField(label="利用人数", min_value=1, max_value=999)
    purpose = forms.CharField(label="利用目的", max_length=200)

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_time"].widget.choices = slot_choices(facility, for_end=False)
        self.fields["end_time"].widget.choices = slot_choices(facility, for_end=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "終了時刻は開始時刻より後にしてください。")
        return data

    @staticmethod
    def initial_for(series: BookingSeries) -> dict[str, Any]:
        return {
            "start_time": series.start_time.strftime("%H:%M"),
            "end_time": series.end_time.strftime("%H:%M"),
            "attendees": series.attendees,
            "purpose": series.purpose,
        }

    def change(self) -> SeriesChange:
        data = self.cleaned_data
        return SeriesChange(
            start_time=data["start_time"],
            end_time=data["end_time"],
            attendees=data["attendees"],
            purpose=data["purpose"],
        )
