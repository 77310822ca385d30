"""Forms of the programs pages: they validate the shape of input; rules are in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from facilities.models import Room
from groups.models import Group
from groups.services import registered_on_q
from kyodo_center.forms import JapaneseInputMixin
from programs.models import MAX_PARTY_SIZE, Event, EventKind
from programs.services.events import EventData

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y/%m/%dT%H:%M"]
DATE_ERROR = "日付は 2026-11-23 のように正しい日付で入力してください。"
CONTACT_REQUIRED = "連絡先（電話番号またはメールアドレス）を入力してください。"
TIME_ERROR = "時刻は 14:00 のように入力してください。"


def width_normalised(field: forms.Field) -> forms.Field:
    """Full-width digits → half-width (phone numbers) via JapaneseInputMixin."""
    field.normalize_width = True
    return field


def party_size_field(label: str = "人数") -> forms.IntegerField:
    message = f"人数は1人から{MAX_PARTY_SIZE}人までの数字で入力してください。"
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=MAX_PARTY_SIZE,
        initial=1,
        help_text=f"ご本人を含めて1〜{MAX_PARTY_SIZE}人",
        error_messages={
            "invalid": message,
            "min_value": message,
            "max_value": message,
            "required": "人数を入力してください。",
        },
        # A text box (not type=number) so that full-width digits typed with an IME are accepted.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class RegistrationForm(JapaneseInputMixin, forms.Form):
    """A resident's online application (no account needed)."""

    name = forms.CharField(
        label="氏名",
        max_length=100,
        error_messages={"required": "氏名を入力してください。"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact = width_normalised(
        forms.CharField(
            label="連絡先（電話番号またはメールアドレス）",
            max_length=200,
            help_text="中止や繰り上げのご連絡に使います。",
            error_messages={
                "required": "連絡先（電話番号またはメールアドレス）を入力してください。"
            },
        )
    )
    party_size = party_size_field()


class CounterRegistrationForm(RegistrationForm):
    """A clerk registers a caller or a visitor."""

    join_waiting_list = forms.BooleanField(
        label="満席のときはキャンセル待ちとして受け付ける", required=False, initial=True
    )
    note = forms.CharField(label="備考（任意）", max_length=200, required=False)


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Room) -> str:
        return f"{obj.name}（定員{obj.capacity}人）"


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return f"{obj.name}（登録番号 {obj.registration_number}）"


class EventForm(JapaneseInputMixin, forms.Form):
    kind = forms.ChoiceField(label="種類", choices=EventKind.choices)
    title = forms.CharField(label="名称", max_length=150)
    description = forms.CharField(
        label="内容", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    organiser_group = GroupChoiceField(
        label="主催",
        queryset=Group.objects.none(),
        required=False,
        empty_label="区民協働交流センター",
        help_text="登録団体との共催・団体主催のときは団体を選びます。",
    )
    day = forms.DateField(
        label="開催日",
        error_messages={"invalid": DATE_ERROR, "required": "開催日を入力してください。"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label="開始時刻",
        error_messages={"invalid": TIME_ERROR, "required": "開始時刻を入力してください。"},
        widget=forms.TimeInput(attrs={"type": "time", "step": 1800}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label="終了時刻",
        error_messages={"invalid": TIME_ERROR, "required": "終了時刻を入力してください。"},
        widget=forms.TimeInput(attrs={"type": "time", "step": 1800}, format="%H:%M"),
    )
    room = RoomChoiceField(
        label="会場（センターの部屋）",
        queryset=Room.objects.none(),
        required=False,
        empty_label="（センター外の会場）",
        help_text="部屋を選ぶと、その時間の部屋を予約します（予約・休館日と重なる場合は作成できません）。",
    )
    venue_text = forms.CharField(
        label="センター外の会場",
        max_length=200,
        required=False,
        help_text="部屋を使わないときに、会場名と所在地を入力します。",
    )
    end_day = forms.DateField(
        label="終了日（センター外の会場で複数日のとき）",
        required=False,
        error_messages={"invalid": DATE_ERROR},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    capacity = forms.IntegerField(
        label="定員",
        min_value=1,
        max_value=1000,
        error_messages={
            "invalid": "定員は数字で入力してください。",
            "min_value": "定員は1人以上にしてください。",
            "max_value": "定員は1000人までです。",
            "required": "定員を入力してください。",
        },
    )
    registration_opens_at = forms.DateTimeField(
        label="申込受付開始（任意）",
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        help_text="空欄のときは作成後すぐに受け付けます。",
        error_messages={"invalid": "日時は 2026-11-23 10:00 のように入力してください。"},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    registration_closes_at = forms.DateTimeField(
        label="申込締切（任意）",
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        help_text="空欄のときは開始時刻まで受け付けます。",
        error_messages={"invalid": "日時は 2026-11-23 10:00 のように入力してください。"},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    fee_note = forms.CharField(label="参加費", max_length=200, required=False, initial="無料")
    is_public = forms.BooleanField(
        label="公開する（講座・イベント一覧、iCalendar に載せ、ウェブ申込を受け付ける）",
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["room"].queryset = Room.objects.filter(is_active=True).select_related(
            "facility"
        )
        self.fields["organiser_group"].queryset = Group.objects.filter(
            registered_on_q(today)
        ).order_by("name_kana", "pk")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("room") and (data.get("venue_text") or "").strip():
            self.add_error(
                "venue_text", "部屋を選んだときは、センター外の会場は空欄にしてください。"
            )
        if not data.get("room") and not (data.get("venue_text") or "").strip():
            self.add_error("room", "部屋を選ぶか、センター外の会場を入力してください。")
        return data

    def event_data(self) -> EventData:
        data = self.cleaned_data
        return EventData(
            kind=data["kind"],
            title=data["title"],
            description=data.get("description", ""),
            organiser_group=data.get("organiser_group"),
            day=data["day"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            room=data.get("room"),
            venue_text=data.get("venue_text", ""),
            end_day=data.get("end_day"),
            capacity=data["capacity"],
            registration_opens_at=data.get("registration_opens_at"),
            registration_closes_at=data.get("registration_closes_at"),
            fee_note=data.get("fee_note", ""),
            is_public=data.get("is_public", False),
        )

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, Any]:
        starts = timezone.localtime(event.starts_at)
        ends = timezone.localtime(event.ends_at)
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "organiser_group": event.organiser_group_id,
            "day": starts.date(),
            "start_time": starts.time(),
            "end_time": ends.time(),
            "room": event.room_id,
            "venue_text": event.venue_text,
            "end_day": ends.date() if ends.date() != starts.date() else None,
            "capacity": event.capacity,
            "registration_opens_at": event.registration_opens_at
            and timezone.localtime(event.registration_opens_at),
            "registration_closes_at": event.registration_closes_at
            and timezone.localtime(event.registration_closes_at),
            "fee_note": event.fee_note,
            "is_public": event.is_public,
        }


class SeriesForm(EventForm):
    """A series (e.g. 全4回): the first session's date, how many sessions, how often."""

    sessions = forms.IntegerField(
        label="回数",
        min_value=2,
        max_value=52,
        initial=4,
        error_messages={
            "invalid": "回数は数字で入力してください。",
            "min_value": "連続講座は2回以上です。",
            "max_value": "連続講座は52回までです。",
            "required": "回数を入力してください。",
        },
    )
    interval_weeks = forms.TypedChoiceField(
        label="間隔",
        coerce=int,
        choices=[(1, "毎週"), (2, "隔週"), (4, "4週ごと")],
        initial=1,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].label = "第1回の開催日"
        self.fields["end_day"].widget = forms.HiddenInput()

    def days(self) -> list[dt.date]:
        first = self.cleaned_data["day"]
        step = dt.timedelta(weeks=self.cleaned_data["interval_weeks"])
        return [first + step * number for number in range(self.cleaned_data["sessions"])]


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label="中止理由",
        max_length=200,
        error_messages={"required": "中止理由を入力してください。"},
        help_text="申込者への連絡と部屋の予約の取消理由に使います。",
    )


class EventFilterForm(forms.Form):
    """Filters of the public list (GET)."""

    kind = forms.ChoiceField(
        label="種類", required=False, choices=[("", "すべて"), *EventKind.choices]
    )
    month = forms.ChoiceField(label="開催月", required=False)

    def __init__(self, *args: Any, months: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "すべて"), *months]
