"""Form helpers shared by every app: Japanese input habits.

Counter clerks and residents type full-width digits (１２：００, ２０２６／１２／０５, ２０人); the
numeric, date and time fields of a form using ``JapaneseInputMixin`` accept them.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms

WIDTH_NORMALISED_FIELDS = (
    forms.IntegerField,
    forms.DecimalField,
    forms.FloatField,
    forms.DateField,
    forms.TimeField,
    forms.DateTimeField,
)
# Dashes people type in numbers that NFKC leaves alone.
DASHES = str.maketrans({"ー": "-", "−": "-", "‐": "-", "―": "-", "〜": "~"})


def half_width(value: str) -> str:
    """１２：３０ → 12:30, ２０２６／１２／０５ → 2026/12/05 (NFKC, then stray dashes)."""
    return unicodedata.normalize("NFKC", value).translate(DASHES).strip()


class JapaneseInputMixin:
    """Normalise full-width input of numeric/date/time fields, and of fields marked with
    ``field.normalize_width = True`` (phone numbers, postcodes), before validation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        data = self.data.copy()
        for name, field in self.fields.items():
            if not (
                isinstance(field, WIDTH_NORMALISED_FIELDS)
                or getattr(field, "normalize_width", False)
            ):
                continue
            key = self.add_prefix(name)
            if hasattr(data, "getlist"):
                if key in data:
                    data.setlist(key, [half_width(v) for v in data.getlist(key)])
            elif isinstance(data.get(key), str):
                data[key] = half_width(data[key])
        self.data = data
