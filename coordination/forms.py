"""Forms of the coordination pages: they check the shape of the input; the rules are in
``coordination.services`` (which the forms' data is handed to as PostData)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from coordination.models import GROUP_KINDS, OutcomeKind, Post, PostKind
from coordination.services import MAX_MESSAGE_LENGTH, PostData, contact_problem
from groups.models import ActivityField, Group
from groups.services import registered_on_q
from kyodo_center.forms import JapaneseInputMixin

DATE_ERROR = "日付は 2026-12-01 のように正しい日付で入力してください。"
# A new post is listed for two months unless the poster says otherwise.
DEFAULT_LISTING_DAYS = 60


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={"invalid": DATE_ERROR, "required": f"{label}を入力してください。"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def text_field(
    label: str, *, max_length: int, rows: int = 0, widget: Any = None, **extra: Any
) -> forms.CharField:
    if widget is None:
        widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=widget,
        error_messages={
            "required": f"{label}を入力してください。",
            "max_length": f"{label}は{max_length}文字以内で入力してください。",
        },
        **extra,
    )


class PostForm(JapaneseInputMixin, forms.Form):
    """What every post says (the group's form; staff get the poster's fields too)."""

    kind = forms.ChoiceField(
        label="種類",
        choices=[(kind.value, kind.label) for kind in GROUP_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "種類を選んでください。",
            "invalid_choice": "種類を選んでください。",
        },
    )
    title = text_field("タイトル", max_length=100, help_text="例: 子ども食堂の配膳ボランティア募集")
    description = text_field("内容", max_length=4000, rows=5)
    activity_field = forms.ChoiceField(
        label="活動分野",
        choices=[("", "（選んでください）"), *ActivityField.choices],
        error_messages={
            "required": "活動分野を選んでください。",
            "invalid_choice": "活動分野を一覧から選んでください。",
        },
    )
    area = text_field(
        "活動地域", max_length=100, required=False, help_text="例: 練馬区全域、石神井町"
    )
    period_from = date_field("活動期間（から）", help_text="決まっていなければ空欄")
    period_until = date_field("活動期間（まで）")
    needs = text_field(
        "求めること・提供できること",
        max_length=2000,
        rows=3,
        help_text="例: 土曜午前に2時間ほど手伝える方を5名、会場の提供、チラシのデザイン",
    )
    how_to_respond = text_field(
        "応答の方法",
        max_length=1000,
        rows=2,
        help_text="例: このページの応答フォームからご連絡ください。見学も歓迎します。",
    )
    expires_on = date_field(
        "掲載期限",
        required=True,
        help_text="この日まで掲示板に載ります（1年以内）。過ぎると終了になります。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "expires_on" not in self.initial:
            self.initial["expires_on"] = timezone.localdate() + dt.timedelta(
                days=DEFAULT_LISTING_DAYS
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_until")
        if start and end and end < start:
            self.add_error("period_until", "活動期間の終わりは始まり以降の日付にしてください。")
        return data

    def post_data(self, **extra: Any) -> PostData:
        data = self.cleaned_data
        return PostData(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            activity_field=data["activity_field"],
            area=data.get("area", ""),
            needs=data["needs"],
            how_to_respond=data["how_to_respond"],
            expires_on=data["expires_on"],
            period_from=data.get("period_from"),
            period_until=data.get("period_until"),
            **extra,
        )

    @classmethod
    def initial_for(cls, post: Post) -> dict[str, Any]:
        return {
            name: getattr(post, name)
            for name in (
                "kind",
                "title",
                "description",
                "activity_field",
                "area",
                "period_from",
                "period_until",
                "needs",
                "how_to_respond",
                "expires_on",
                "group",
                "organisation_name",
                "notice_email",
            )
        }


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return f"{obj.name}（登録番号 {obj.registration_number}）"


class StaffPostForm(PostForm):
    """Staff enter any kind: for a group (募集・提供 taken at the counter), or in the name of a
    ward department (協働提案の募集) or a company (企業のCSR)."""

    kind = forms.ChoiceField(
        label="種類",
        choices=PostKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "種類を選んでください。",
            "invalid_choice": "種類を選んでください。",
        },
    )
    group = GroupChoiceField(
        label="投稿する団体（募集・提供のとき）",
        queryset=Group.objects.none(),
        required=False,
        empty_label="（選んでください）",
        error_messages={"invalid_choice": "団体を一覧から選んでください。"},
    )
    organisation_name = text_field(
        "区の所管課・企業の名称（協働提案の募集・企業のCSRのとき）",
        max_length=100,
        required=False,
        help_text="例: 地域文化部協働推進課、株式会社○○",
    )
    notice_email = forms.EmailField(
        label="応答の通知先メールアドレス（協働提案の募集・企業のCSRのとき）",
        required=False,
        help_text="応答があったとき、このアドレスにお知らせします（公開しません）。",
        error_messages={"invalid": "メールアドレスを正しく入力してください。"},
    )

    field_order = [
        "kind",
        "group",
        "organisation_name",
        "notice_email",
        "title",
        "description",
        "activity_field",
        "area",
        "period_from",
        "period_until",
        "needs",
        "how_to_respond",
        "expires_on",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["group"].queryset = Group.objects.filter(registered_on_q(today)).order_by(
            "name_kana", "name"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind in GROUP_KINDS and not data.get("group"):
            self.add_error("group", "募集・提供は、投稿する団体を選んでください。")
        if kind and kind not in GROUP_KINDS:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", "区の所管課・企業の名称を入力してください。")
            if not data.get("notice_email") and "notice_email" not in self.errors:
                self.add_error("notice_email", "応答の通知先メールアドレスを入力してください。")
        return data

    def post_data(self, **extra: Any) -> PostData:
        data = self.cleaned_data
        return super().post_data(
            group=data.get("group"),
            organisation_name=data.get("organisation_name", ""),
            notice_email=data.get("notice_email", ""),
            **extra,
        )


def width_normalised(field: forms.Field) -> forms.Field:
    """Full-width digits → half-width (phone numbers) via JapaneseInputMixin."""
    field.normalize_width = True
    return field


class ResponseForm(JapaneseInputMixin, forms.Form):
    """The board's response form: a resident, or a group account (its name prefilled)."""

    name = text_field(
        "お名前（団体名）",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact = width_normalised(
        text_field(
            "連絡先（メールアドレスまたは電話番号）",
            max_length=200,
            help_text="投稿者からの連絡に使います。掲示板には表示しません。",
        )
    )
    message = text_field(
        "メッセージ",
        max_length=MAX_MESSAGE_LENGTH,
        rows=5,
        help_text="できること、都合のよい日時、聞きたいことなどをお書きください。",
    )

    def clean_contact(self) -> str:
        contact = self.cleaned_data["contact"]
        problem = contact_problem(contact)
        if problem:
            raise forms.ValidationError(problem)
        return contact


class RejectForm(forms.Form):
    reason = text_field(
        "非公開にする理由",
        max_length=1000,
        rows=3,
        help_text="団体の投稿のときは、この理由を団体にメールでお知らせします。",
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="調整の結果",
        choices=OutcomeKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "調整の結果を選んでください。",
            "invalid_choice": "調整の結果を一覧から選んでください。",
        },
    )
    note = text_field(
        "メモ",
        max_length=2000,
        rows=3,
        required=False,
        help_text="例: ○○の会と△△株式会社を引き合わせ、12月の清掃活動で協力することになった。",
    )
