"""The application form (入力) used online and at the counter."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any

from django import forms
from django.core.validators import MinValueValidator, RegexValidator

from groups import services
from groups.models import (
    CRITERIA,
    CRITERION_KEYS,
    PROFILE_ACTIVITY_MAX,
    PROFILE_FIELDS,
    ActivityField,
    Group,
    GroupProfileRevision,
    PublicBodyCategory,
)
from groups.selectors import to_katakana
from kyodo_center.forms import JapaneseInputMixin

PHONE_RE = re.compile(r"^0\d{1,4}-?\d{1,4}-?\d{3,4}$")


class WidthNormalisedCharField(forms.CharField):
    """Phone numbers and postcodes typed with full-width digits (０３－…) are accepted."""

    normalize_width = True


class ApplicationForm(JapaneseInputMixin, forms.ModelForm):
    bylaws = forms.FileField(
        label="規約・会則（定款・会則等）のファイル",
        required=False,
        help_text="PDFまたは画像（JPEG・PNG）、10MBまで。",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    upload_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Group
        fields = services.APPLICATION_FIELDS
        labels = {"member_count": "構成員数（人）"}
        # Set on the class: JapaneseInputMixin normalises before our __init__ body runs.
        field_classes = {"phone": WidthNormalisedCharField, "postcode": WidthNormalisedCharField}
        widgets = {
            "kind": forms.RadioSelect,
            "public_body_category": forms.RadioSelect,
            "activity": forms.Textarea(attrs={"rows": 4}),
            # A text box, not type=number: browsers refuse full-width digits typed with an IME.
            "member_count": forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
        }
        help_texts = {
            "name_kana": "カタカナで入力してください（ひらがなも可）。",
            "activity_area": "例: 練馬区内全域、光が丘地域 など（予定を含みます）",
            "postcode": "例: 176-0012",
            "phone": "例: 03-1234-5678（全角数字も入力できます）",
            "publish": "掲載するのは団体名・登録番号と、下で選んだ項目だけです。",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required = (
            "name",
            "name_kana",
            "activity",
            "activity_area",
            "member_count",
            "representative_name",
            "contact_name",
            "address",
            "phone",
            "email",
        )
        for name in required:
            self.fields[name].required = True
        self.fields["member_count"].validators.append(MinValueValidator(1))
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["postcode"].widget.attrs.update(autocomplete="postal-code", inputmode="numeric")
        self.fields["postcode"].validators.append(
            RegexValidator(r"^\d{3}-?\d{4}$", "郵便番号は「176-0012」の形で入力してください。")
        )
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0]]
        self.fields["public_body_category"].choices = [
            ("", "該当しない（6つの登録要件で申請する）"),
            *PublicBodyCategory.choices,
        ]
        self.fields["public_body_category"].label = "公共的団体の区分（⑵ 公共的団体の場合のみ）"
        for key, label in CRITERIA:
            self.fields[f"declares_{key}"].label = label

    # --- Field cleaning ---------------------------------------------------------------------
    def clean_name_kana(self) -> str:
        kana = to_katakana(unicodedata.normalize("NFKC", self.cleaned_data["name_kana"])).strip()
        if kana and not re.fullmatch(r"[ァ-ヶー・ 　A-Za-z0-9]+", kana):
            raise forms.ValidationError("フリガナはカタカナで入力してください。")
        return kana

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].replace(" ", "")
        if not PHONE_RE.match(phone) or not 10 <= len(phone.replace("-", "")) <= 11:
            raise forms.ValidationError("電話番号は「03-1234-5678」のように入力してください。")
        return phone

    def clean_postcode(self) -> str:
        code = self.cleaned_data["postcode"].replace("-", "")
        return f"{code[:3]}-{code[3:]}" if code else ""

    def clean_bylaws(self) -> Any:
        file = self.cleaned_data.get("bylaws")
        if file:
            problem = services.bylaws_file_problem(file)
            if problem:
                raise forms.ValidationError(problem)
        return file

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        problems = services.application_problems(
            member_count=cleaned.get("member_count"),
            declarations={key: bool(cleaned.get(f"declares_{key}")) for key in CRITERION_KEYS},
            public_body_category=cleaned.get("public_body_category") or "",
        )
        for field, message in problems.items():
            if field == "declarations":
                self.add_error(None, message)
            elif field not in self.errors:
                self.add_error(field, message)
        token = cleaned.get("upload_token")
        has_file = cleaned.get("bylaws") or "bylaws" in self.errors
        if not has_file and (token is None or not services.upload_token_usable(token)):
            self.add_error("bylaws", "規約・会則のファイル（PDFまたは画像）を選んでください。")
        return cleaned

    # --- Helpers for the 確認 page ------------------------------------------------------------
    def uploaded_name(self) -> str:
        token = self.data.get(self.add_prefix("upload_token"))
        if not token:
            return ""
        try:
            upload = services.pending_upload_get(uuid.UUID(str(token)))
        except ValueError:
            return ""
        return upload.original_name if upload else ""

    def confirmation_rows(self) -> list[tuple[str, str]]:
        """(label, what the applicant entered) for every field, as the 確認 page shows them."""
        rows = []
        for name in services.APPLICATION_FIELDS:
            value = self.cleaned_data.get(name)
            field = self.fields[name]
            if isinstance(field, forms.BooleanField):
                shown = "はい" if value else "いいえ"
            elif getattr(field, "choices", None) is not None and not isinstance(
                field, forms.ModelChoiceField
            ):
                shown = str(dict(field.choices).get(value, value or ""))
            else:
                shown = "" if value is None else str(value)
            rows.append((str(field.label), shown))
        return rows

    def hidden_values(self, upload_token: uuid.UUID) -> list[tuple[str, str]]:
        """The validated data again, for the 確認 page to post back without JavaScript."""
        values = []
        for name in services.APPLICATION_FIELDS:
            value = self.cleaned_data.get(name)
            if isinstance(self.fields[name], forms.BooleanField):
                value = "on" if value else ""
            values.append((self.add_prefix(name), "" if value is None else str(value)))
        values.append((self.add_prefix("upload_token"), str(upload_token)))
        return values


class ProfileForm(forms.ModelForm):
    """団体紹介 on マイページ: what the directory shows of the group, sent for the counter's
    review. Never saved by itself: services.profile_revision_submit takes its cleaned data."""

    class Meta:
        model = GroupProfileRevision
        fields = PROFILE_FIELDS
        labels = {
            "publish": "登録団体一覧に掲載する",
            "activity": "活動内容（団体の紹介文）",
            "recruiting": "会員を募集している（一覧に「会員募集中」と表示します）",
            "public_contact": "掲載する連絡先",
        }
        widgets = {
            "activity": forms.Textarea(attrs={"rows": 5, "maxlength": PROFILE_ACTIVITY_MAX}),
            "activity_area": forms.TextInput(attrs={"maxlength": 200}),
            "meeting_place": forms.TextInput(attrs={"maxlength": 200}),
            "meeting_schedule": forms.TextInput(attrs={"maxlength": 200}),
            "public_contact": forms.TextInput(attrs={"maxlength": 200}),
        }
        help_texts = {
            "publish": "外すと、センターの確認を待たずに一覧から外れます。",
            "activity_field": "一覧の「活動分野」で絞り込むときに使います。",
            "activity": f"{PROFILE_ACTIVITY_MAX}文字まで。どんな活動を、どんな人たちがしているか。",
            "activity_area": "例: 練馬区内全域、光が丘地域 など",
            "meeting_place": "例: 区民協働交流センター 多目的室、石神井公園 など",
            "meeting_schedule": "例: 毎週木曜日 19時〜21時、毎月第2日曜日の午前",
            "public_contact": (
                "団体のホームページ、団体用のメールアドレスなど、一覧に載せてよい連絡先。"
                "空欄なら連絡先は掲載しません。団体登録の代表者・連絡担当者の連絡先は、"
                "ここに書かない限り掲載しません。"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity_field"].choices = [("", "選ばない"), *ActivityField.choices]
        self.fields["activity_field"].error_messages["invalid_choice"] = (
            "活動分野は一覧から選んでください。"
        )
