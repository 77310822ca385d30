"""Forms of 抽選 (lottery) applications: a group's own (マイページ) and the counter's entry for a
group that phoned or visited. They shape input; the rules are in facilities.services.lottery."""

from __future__ import annotations

import calendar
from typing import Any

from django import forms
from django.utils import timezone

from facilities import selectors
from facilities.forms import GroupPickerMixin
from facilities.models import LotteryApplication, LotteryRound, Room
from groups.models import Group
from kyodo_center.dates import hhmm, jdate
from kyodo_center.forms import JapaneseInputMixin, half_width


def round_label(lottery_round: LotteryRound, *, with_facility: bool) -> str:
    label = f"{lottery_round}（申込みは{jdate(lottery_round.applications_close_on)}まで）"
    return f"{lottery_round.facility.name} {label}" if with_facility else label


class LotteryApplicationForm(JapaneseInputMixin, forms.Form):
    """One block (部屋・利用日・区分) of an open round. With one open round the round is not
    asked; with several (more than one facility) the group chooses it first."""

    lottery_round = forms.TypedChoiceField(label="抽選", coerce=int)
    room = forms.ModelChoiceField(label="部屋", queryset=Room.objects.none(), empty_label=None)
    date = forms.DateField(
        label="利用日",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="例 2027-02-09（全角数字も使えます）",
    )
    block = forms.ChoiceField(label="区分")
    attendees = forms.IntegerField(label="利用人数", min_value=1, max_value=999)
    purpose = forms.CharField(label="利用目的", max_length=200)

    def __init__(self, *args: Any, rounds: list[LotteryRound], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rounds = {r.pk: r for r in rounds}
        facilities = {r.facility_id: r.facility for r in rounds}
        several_facilities = len(facilities) > 1
        if len(rounds) == 1:
            # Nothing to choose: the round is the only open one (or the one being changed).
            del self.fields["lottery_round"]
            target = rounds[0].target_month
            last = calendar.monthrange(target.year, target.month)[1]
            self.fields["date"].widget.attrs.update(
                min=target.isoformat(), max=target.replace(day=last).isoformat()
            )
            self.fields[
                "date"
            ].help_text = (
                f"{rounds[0].target_label}の日（例 {target.isoformat()}、全角数字も使えます）"
            )
        else:
            self.fields["lottery_round"].choices = [
                (r.pk, round_label(r, with_facility=several_facilities)) for r in rounds
            ]
        self.fields["room"].queryset = Room.objects.filter(
            facility_id__in=list(facilities), is_active=True
        ).order_by("facility_id", "sort_order", "pk")
        if several_facilities:
            self.fields["room"].label_from_instance = lambda room: (
                f"{facilities[room.facility_id].name} {room.name}"
            )
        blocks: dict[str, str] = {}
        for facility in facilities.values():
            for block in selectors.facility_blocks(facility):
                blocks.setdefault(
                    block.name, f"{block.name}（{hhmm(block.start_time)}〜{hhmm(block.end_time)}）"
                )
        self.fields["block"].choices = list(blocks.items())

    @staticmethod
    def initial_from_query(query: Any) -> dict[str, Any]:
        """Links from the calendar and マイページ prefill ?round=&room=&day=&block=."""
        initial: dict[str, Any] = {}
        for key, param in (
            ("lottery_round", "round"),
            ("room", "room"),
            ("date", "day"),
            ("block", "block"),
        ):
            value = query.get(param)
            if value:
                initial[key] = half_width(str(value))[:40]
        return initial

    @staticmethod
    def initial_for(application: LotteryApplication) -> dict[str, Any]:
        return {
            "room": application.room_id,
            "date": timezone.localdate(application.start),
            "block": application.block_name,
            "attendees": application.attendees,
            "purpose": application.purpose,
        }

    def chosen_round(self) -> LotteryRound | None:
        if len(self.rounds) == 1:
            return next(iter(self.rounds.values()))
        return self.rounds.get(self.cleaned_data.get("lottery_round"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        lottery_round = self.chosen_round()
        day = cleaned.get("date")
        # The round's month is what the page offers; the service checks the rest.
        if lottery_round and day and day.replace(day=1) != lottery_round.target_month:
            self.add_error(
                "date", f"{lottery_round}で申し込めるのは{lottery_round.target_label}の日だけです。"
            )
        return cleaned

    def application_fields(self) -> dict[str, Any]:
        """What the services take (lottery_application_create / _update)."""
        data = self.cleaned_data
        return {
            "room": data["room"],
            "day": data["date"],
            "block_name": data["block"],
            "purpose": data["purpose"],
            "attendees": data["attendees"],
        }

    def summary_rows(self) -> list[tuple[str, str]]:
        """The 確認 page's table, as the group reads it."""
        data = self.cleaned_data
        lottery_round = self.chosen_round()
        block = dict(self.fields["block"].choices).get(data["block"], data["block"])
        rows = [
            ("抽選", round_label(lottery_round, with_facility=False) if lottery_round else ""),
            ("部屋", data["room"].name),
            ("利用日", jdate(data["date"])),
            ("区分", str(block)),
            ("利用人数", f"{data['attendees']}人"),
            ("利用目的", data["purpose"]),
        ]
        return rows


class CounterLotteryApplicationForm(GroupPickerMixin, LotteryApplicationForm):
    """The counter enters an application for a registered group that phoned or visited; the
    group picker works like the booking form's (検索 without JavaScript)."""

    group_query = forms.CharField(
        label="登録団体を検索",
        required=False,
        help_text="団体名・フリガナ・登録番号の一部を入力してください（全角・ひらがなも可）。",
        widget=forms.TextInput(attrs={"data-group-picker-query": "", "autocomplete": "off"}),
    )
    group = forms.ModelChoiceField(
        label="登録団体",
        queryset=Group.objects.none(),
        empty_label="（検索して選んでください）",
        widget=forms.Select(attrs={"data-group-picker-select": ""}),
    )

    field_order = ["group_query", "group", "lottery_round", "room", "date", "block"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_group_choices()
