"""The forms of the second step and of enrolment: codes as people type them."""

from __future__ import annotations

import re
import unicodedata

from django import forms

# Full-width digits and letters become ASCII (NFKC); spaces and dashes people put between
# groups of digits (or copy from the printed recovery codes) are dropped.
SEPARATORS = re.compile(r"[\s\-‐‑–—―−ー－]+")
CODE_MAX = 40


def normalise_code(value: str) -> str:
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).lower()


def is_app_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


class SecondStepForm(forms.Form):
    otp_token = forms.CharField(
        label="確認コード",
        max_length=CODE_MAX,
        help_text="認証アプリに表示されている6桁の数字、またはリカバリーコード（8文字）を入力します。",
        error_messages={"required": "確認コードを入力してください。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def clean_otp_token(self) -> str:
        code = normalise_code(self.cleaned_data["otp_token"])
        if not code or not code.isascii() or not code.isalnum():
            raise forms.ValidationError(
                "確認コードは、6桁の数字か、リカバリーコード（英数字8文字）で入力してください。"
            )
        return code


class AppCodeForm(forms.Form):
    otp_token = forms.CharField(
        label="確認コード（6桁の数字）",
        max_length=CODE_MAX,
        help_text="アプリに表示されている6桁の数字を入力します（30秒ごとに変わります）。",
        error_messages={"required": "確認コードを入力してください。"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_otp_token(self) -> str:
        code = normalise_code(self.cleaned_data["otp_token"])
        if not is_app_code(code):
            raise forms.ValidationError("確認コードは6桁の数字で入力してください。")
        return code
