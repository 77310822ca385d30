"""Forms of the news pages: they check the shape of input; the rules are in news.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from kyodo_center.dates import jdate
from kyodo_center.forms import JapaneseInputMixin
from news import services
from news.models import NewsCategory
from news.services import NewsData, NewsletterData

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y/%m/%dT%H:%M"]
DATETIME_ERROR = "日時は 2026-11-23 10:00 のように入力してください。"
DATE_ERROR = "日付は 2026-11-23 のように正しい日付で入力してください。"


def datetime_field(label: str, *, required: bool, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_INPUT_FORMATS,
        help_text=help_text,
        error_messages={"invalid": DATETIME_ERROR, "required": f"{label}を入力してください。"},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class NewsItemForm(JapaneseInputMixin, forms.Form):
    title = forms.CharField(
        label="件名",
        max_length=services.TITLE_MAX,
        error_messages={"required": "件名を入力してください。"},
    )
    category = forms.ChoiceField(
        label="分類",
        choices=NewsCategory.choices,
        error_messages={"invalid_choice": "分類を一覧から選んでください。"},
    )
    body = forms.CharField(
        label="本文",
        max_length=services.BODY_MAX,
        help_text=(
            "Markdown で書けます: 空行で段落、**太字**、- 箇条書き、1. 番号付き、## 見出し、"
            "> 引用、[リンクの文字](https://…)。HTML は使えません（文字のまま表示されます）。"
        ),
        error_messages={"required": "本文を入力してください。"},
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    publish_from = datetime_field(
        "掲載開始日時", required=True, help_text="この日時から公開ページに載ります。"
    )
    publish_until = datetime_field(
        "掲載終了日時（任意）", required=False, help_text="空欄のときは掲載を続けます。"
    )
    attachment = forms.FileField(
        label="添付ファイル（任意）",
        required=False,
        help_text=(
            f"PDFまたは画像（JPEG・PNG）、{services.ATTACHMENT_MAX_BYTES // 1024 // 1024}MBまで。"
            "選ぶと今の添付ファイルと置き換えます。"
        ),
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    remove_attachment = forms.BooleanField(label="添付ファイルを削除する", required=False)
    closures = forms.TypedMultipleChoiceField(
        label="このお知らせを案内する休館日（任意）",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="選んだ休館日の空き状況の表示に、このお知らせへのリンクが付きます（公開中のみ）。",
        error_messages={"invalid_choice": "休館日を一覧から選んでください。"},
    )
    events = forms.TypedMultipleChoiceField(
        label="このお知らせを案内する講座・イベント（任意）",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="選んだ講座・イベントのページに、このお知らせへのリンクが付きます（公開中のみ）。",
        error_messages={"invalid_choice": "講座・イベントを一覧から選んでください。"},
    )

    def __init__(
        self,
        *args: Any,
        closures: list | None = None,
        events: list | None = None,
        has_attachment: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closures"].choices = [
            (
                c.pk,
                f"{jdate(c.date)} {c.get_kind_display()}{'（' + c.note + '）' if c.note else ''}",
            )
            for c in closures or []
        ]
        self.fields["events"].choices = [
            (e.pk, f"{jdate(timezone.localtime(e.starts_at))} {e.title}") for e in events or []
        ]
        if not self.fields["closures"].choices:
            del self.fields["closures"]
        if not self.fields["events"].choices:
            del self.fields["events"]
        if not has_attachment:
            del self.fields["remove_attachment"]

    def clean_attachment(self) -> UploadedFile | None:
        file = self.cleaned_data.get("attachment")
        if file:
            problem = services.attachment_problem(file)
            if problem:
                raise forms.ValidationError(problem)
        return file or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("publish_from"), cleaned.get("publish_until")
        if start and end and end <= start:
            self.add_error("publish_until", "掲載終了日時は掲載開始日時より後にしてください。")
        return cleaned

    def news_data(self) -> NewsData:
        data = self.cleaned_data
        return NewsData(
            title=data["title"],
            body=data["body"],
            category=data["category"],
            publish_from=data["publish_from"],
            publish_until=data.get("publish_until"),
        )


class NewsletterForm(JapaneseInputMixin, forms.Form):
    issue_date = forms.DateField(
        label="発行日",
        help_text="年度（4月〜翌3月）は発行日から決まります。",
        error_messages={"invalid": DATE_ERROR, "required": "発行日を入力してください。"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    issue_number = forms.IntegerField(
        label="号",
        min_value=1,
        max_value=999,
        help_text="その年度の何号か（例: 8）",
        error_messages={
            "invalid": "号は数字で入力してください。",
            "min_value": "号は1以上にしてください。",
            "max_value": "号は999までです。",
            "required": "号を入力してください。",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    title = forms.CharField(
        label="題名", max_length=200, error_messages={"required": "題名を入力してください。"}
    )
    pdf = forms.FileField(
        label="PDF",
        required=False,
        help_text=f"{services.ATTACHMENT_MAX_BYTES // 1024 // 1024}MBまで。",
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
    contents = forms.CharField(
        label="内容（テキスト版）",
        help_text=(
            "PDFの記事を Markdown で入力します（## 見出し、段落、- 箇条書き）。"
            "PDFだけでは読み上げソフトで読めないため、ウェブページではこのテキスト版を表示します。"
        ),
        error_messages={"required": "内容（テキスト版）を入力してください。"},
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    is_public = forms.BooleanField(
        label="公開する（発行日から情報紙の一覧に載せる）", required=False, initial=True
    )

    def __init__(self, *args: Any, pdf_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pdf_required = pdf_required
        if not pdf_required:
            self.fields["pdf"].help_text = (
                "差し替えるときだけ選びます。" + self.fields["pdf"].help_text
            )

    def clean_pdf(self) -> UploadedFile | None:
        file = self.cleaned_data.get("pdf")
        if not file:
            if self.pdf_required:
                raise forms.ValidationError("情報紙のPDFを選んでください。")
            return None
        problem = services.newsletter_pdf_problem(file)
        if problem:
            raise forms.ValidationError(problem)
        return file

    def newsletter_data(self) -> NewsletterData:
        data = self.cleaned_data
        return NewsletterData(
            issue_number=data["issue_number"],
            title=data["title"],
            issue_date=data["issue_date"],
            contents=data["contents"],
            is_public=data.get("is_public", False),
        )


def default_publish_from() -> dt.datetime:
    """Now, to the minute (the form's initial value)."""
    return timezone.localtime().replace(second=0, microsecond=0)
