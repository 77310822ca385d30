"""Forms of the consultations pages: they validate the shape of input; rules are in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from consultations.models import (
    AskerKind,
    Channel,
    ExpertSession,
    OperatorOrganisation,
    ReferralStatus,
    Route,
    Topic,
)
from consultations.selectors import expert_sessions_bookable
from consultations.services.referrals import referral_answer_problem, referral_next_statuses
from groups.models import Group
from groups.services import registered_on_q
from kyodo_center.forms import JapaneseInputMixin

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y/%m/%dT%H:%M"]


def width_normalised(field: forms.Field) -> forms.Field:
    """Mark a field for JapaneseInputMixin (full-width digits → half-width, e.g. phone numbers).
    Set on the declared field, because the mixin normalises while the form is constructed."""
    field.normalize_width = True
    return field


class RegisteredGroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return f"{obj.name}（登録番号 {obj.registration_number}）"


class ExpertSessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ExpertSession) -> str:
        booked = getattr(obj, "booked", None)
        free = f" 残り{obj.capacity - booked}枠" if booked is not None else ""
        return f"{obj}{free}"


class ConsultationIntakeForm(JapaneseInputMixin, forms.Form):
    """One form for the whole intake; the route is suggested by the rules and confirmed here."""

    received_at = forms.DateTimeField(
        label="受付日時",
        input_formats=DATETIME_INPUT_FORMATS,
        error_messages={
            "invalid": "受付日時は 2026/11/23 10:00 のように正しい日時で入力してください。"
        },
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.ChoiceField(
        label="受付方法", choices=Channel.choices, widget=forms.RadioSelect, initial=Channel.COUNTER
    )
    asker_kind = forms.ChoiceField(
        label="相談者の区分", choices=AskerKind.choices, widget=forms.RadioSelect
    )
    group = RegisteredGroupChoiceField(
        label="登録団体（任意）",
        queryset=Group.objects.none(),
        required=False,
        empty_label="（登録団体ではない／選ばない）",
    )
    asker_name = forms.CharField(label="相談者名・団体名（任意）", max_length=100, required=False)
    contact = width_normalised(
        forms.CharField(
            label="連絡先（電話・メール、任意）",
            max_length=200,
            required=False,
            help_text="運営団体・区職員から連絡するときに使います。",
        )
    )
    topic = forms.ModelChoiceField(
        label="相談分類", queryset=Topic.objects.none(), empty_label="選んでください"
    )
    summary = forms.CharField(
        label="相談内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    handling = forms.CharField(
        label="対応内容（任意）",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    route = forms.ChoiceField(
        label="対応経路",
        choices=Route.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="「経路を確認」を押すと、規則による提案が選ばれます。変更もできます。",
    )
    operator = forms.ModelChoiceField(
        label="取次先の運営団体（運営団体へ取次のとき）",
        queryset=OperatorOrganisation.objects.none(),
        required=False,
        empty_label="選んでください",
    )
    expert_session = ExpertSessionChoiceField(
        label="専門相談の日程（専門相談を予約のとき）",
        queryset=ExpertSession.objects.none(),
        required=False,
        empty_label="選んでください",
    )

    def __init__(self, *args: Any, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        if not self.is_bound:
            self.fields["received_at"].initial = timezone.localtime(now).replace(
                second=0, microsecond=0
            )
        self.fields["group"].queryset = Group.objects.filter(
            registered_on_q(timezone.localdate(now))
        )
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True)
        self.fields["operator"].queryset = OperatorOrganisation.objects.filter(is_active=True)
        self.fields["expert_session"].queryset = expert_sessions_bookable(now=now)

    def clean_received_at(self) -> dt.datetime:
        value = self.cleaned_data["received_at"]
        if value > self.now + dt.timedelta(minutes=10):
            raise forms.ValidationError("受付日時が未来になっています。日時を確認してください。")
        if value.year < 2000:
            raise forms.ValidationError("受付日時が古すぎます。日時を確認してください。")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        route = data.get("route")
        if route == Route.OPERATOR and not data.get("operator"):
            self.add_error("operator", "取次先の運営団体を選んでください。")
        if route == Route.EXPERT and not data.get("expert_session"):
            self.add_error(
                "expert_session",
                "専門相談の日程を選んでください（空きのある日程がないときは、"
                "区職員が管理画面で日程を登録します）。",
            )
        return data


class HandlingForm(JapaneseInputMixin, forms.Form):
    handling = forms.CharField(
        label="対応内容", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReferralUpdateForm(JapaneseInputMixin, forms.Form):
    """The operator's status and answer, 対応中 and 完了 both offered from the first save (an
    operator who can answer at once completes in one save). Every status is accepted as input
    so that a tampered or stale value (完了 → 取次済) reaches the service and its clear message."""

    status = forms.ChoiceField(
        label="状況", choices=ReferralStatus.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label="回答",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="完了にするには回答が必要です。",
    )

    def __init__(self, *args: Any, current_status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 取次済 is where a referral starts, not a choice the operator makes.
        offered = [
            status
            for status in referral_next_statuses(current_status)
            if status != ReferralStatus.REFERRED
        ]
        self.fields["status"].widget.choices = [
            (value, label) for value, label in ReferralStatus.choices if value in offered
        ]
        if not self.is_bound and offered:
            # Completing is final: the safe default is 対応中, 完了 is one click away.
            self.fields["status"].initial = offered[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problem = referral_answer_problem(
            status=data.get("status") or "", answer=data.get("answer") or ""
        )
        if problem:
            self.add_error("answer", problem)
        return data
