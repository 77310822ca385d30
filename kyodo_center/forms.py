"""Form helpers shared by every app: Japanese input habits.

Counter clerks and residents type full-width digits (１２：００, ２０２６／１２／０５, ２０人); the
numeric, date and time fields of a form using ``JapaneseInputMixin`` accept them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Model

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


class LoadedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over objects already in memory (a facility's rooms kept per process,
    facilities.selectors.facility_setup_for_request): it lists and resolves them without the
    two queries a queryset would cost (the options, then the chosen one)."""

    def __init__(self, model: type[Model], **kwargs: Any) -> None:
        super().__init__(queryset=model._default_manager.none(), **kwargs)
        self.loaded: dict[str, Model] = {}

    def set_objects(self, objects: Iterable[Model]) -> None:
        self.loaded = {str(obj.pk): obj for obj in objects}
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = empty + [
            (pk, self.label_from_instance(obj)) for pk, obj in self.loaded.items()
        ]

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        found = self.loaded.get(str(getattr(value, "pk", value)))
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found
