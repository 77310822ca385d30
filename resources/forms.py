"""Forms of the resource pages: they shape input; the rules are in resources.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from facilities.models import Facility
from groups.models import Group
from kyodo_center.forms import JapaneseInputMixin
from resources.models import DisplayPlace, Mailbox, OfficeMachine, PaperSize


class GroupChoiceField(forms.ModelChoiceField):
    """Groups with a registration number, by kana; the service decides whether it is valid today."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "queryset",
            Group.objects.filter(registration_number__isnull=False).order_by("name_kana", "name"),
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Group) -> str:
        return f"{obj.name}（{obj.registration_number}）"


class WhoFieldsMixin(forms.Form):
    # With JavaScript the template's search box (static/js/group_picker.js, the booking form's
    # picker) fills this field; without it the clerk picks from the full list.
    group = GroupChoiceField(
        label="登録団体",
        required=False,
        empty_label="（登録団体以外の方）",
        help_text="登録団体は優先利用（◎）です。",
        widget=forms.Select(attrs={"data-group-picker-select": ""}),
    )
    user_name = forms.CharField(
        label="利用者名（個人・団体）",
        max_length=100,
        required=False,
        help_text="登録団体以外の方の場合に入力します。",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("group") and not (data.get("user_name") or "").strip():
            self.add_error("user_name", "登録団体を選ぶか、利用者名を入力してください。")
        return data


SHEETS_ERRORS = {
    "min_value": "枚数・部数は0以上で入力してください。",
    "invalid": "枚数・部数は数字で入力してください（全角数字も使えます）。",
}
# A text box, not type=number: browsers refuse full-width digits typed with a Japanese IME.
COUNT_WIDGET = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})


class MachineUseForm(JapaneseInputMixin, WhoFieldsMixin):
    machine = forms.ModelChoiceField(
        label="機器", queryset=OfficeMachine.objects.none(), empty_label=None
    )
    started_time = forms.TimeField(
        label="開始時刻",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="空欄のときは今の時刻です。",
    )
    sheets = forms.IntegerField(
        label="枚数・部数",
        min_value=0,
        initial=0,
        error_messages=SHEETS_ERRORS,
        widget=COUNT_WIDGET,
    )
    paper_size = forms.ChoiceField(
        label="用紙サイズ", choices=[("", "（なし）"), *PaperSize.choices], required=False
    )
    notes = forms.CharField(label="備考", max_length=200, required=False)
    in_progress = forms.BooleanField(
        label="利用中として記録する（終わったら「終了」を押します）", required=False, initial=True
    )
    field_order = [
        "machine",
        "group",
        "user_name",
        "started_time",
        "sheets",
        "paper_size",
        "notes",
        "in_progress",
    ]

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["machine"].queryset = OfficeMachine.objects.filter(
            facility=facility, is_active=True
        )

    def started_at(self, now: dt.datetime) -> dt.datetime:
        started = self.cleaned_data.get("started_time")
        if started is None:
            return now
        return timezone.make_aware(dt.datetime.combine(timezone.localdate(now), started))


class MachineQueueForm(WhoFieldsMixin):
    machine = forms.ModelChoiceField(
        label="機器", queryset=OfficeMachine.objects.none(), empty_label=None
    )
    field_order = ["machine", "group", "user_name"]

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["machine"].queryset = OfficeMachine.objects.filter(
            facility=facility, is_active=True
        )


class MachineFinishForm(JapaneseInputMixin, forms.Form):
    sheets = forms.IntegerField(
        label="枚数・部数（訂正する場合）",
        min_value=0,
        required=False,
        error_messages=SHEETS_ERRORS,
        widget=COUNT_WIDGET,
    )


class OutOfOrderForm(forms.Form):
    note = forms.CharField(label="故障の内容", max_length=200, required=False)


class MailboxApplyForm(JapaneseInputMixin, forms.Form):
    group = GroupChoiceField(label="登録団体", empty_label="（団体を選んでください）")
    mailbox = forms.ModelChoiceField(
        label="ボックス番号",
        queryset=Mailbox.objects.none(),
        required=False,
        empty_label="（空いている最小の番号）",
    )

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].queryset = Mailbox.objects.filter(facility=facility, is_active=True)


class DisplayItemForm(JapaneseInputMixin, forms.Form):
    place = forms.ModelChoiceField(
        label="掲示場所", queryset=DisplayPlace.objects.none(), empty_label=None
    )
    title = forms.CharField(label="掲示物の名称", max_length=200)
    requester_name = forms.CharField(label="依頼者（団体名・氏名）", max_length=100)
    requester_contact = forms.CharField(
        label="依頼者の連絡先（電話・メール）", max_length=100, required=False
    )
    start_date = forms.DateField(
        label="掲示開始日", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label="掲示終了日", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(label="備考", max_length=200, required=False)

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        self.base_fields["requester_contact"].normalize_width = True
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = DisplayPlace.objects.filter(facility=facility)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "掲示終了日は掲示開始日以降にしてください。")
        return data
