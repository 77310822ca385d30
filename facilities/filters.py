"""Filters of the counter's booking list (django-filter)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from facilities.models import Booking, BookingStatus, Room
from kyodo_center.forms import JapaneseInputMixin


class BookingFilterForm(JapaneseInputMixin, forms.Form):
    pass


# A date far outside any booking (9999-12-31) has no next day to bound it: refused with a
# message instead.
SEARCHABLE_DAYS = [
    MinValueValidator(dt.date(2000, 1, 1), message="2000年1月1日以降の日付を入力してください。"),
    MaxValueValidator(
        dt.date(2099, 12, 31), message="2099年12月31日までの日付を入力してください。"
    ),
]


class BookingFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        label="利用日（から）",
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=SEARCHABLE_DAYS,
    )
    date_to = django_filters.DateFilter(
        label="利用日（まで）",
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=SEARCHABLE_DAYS,
    )
    room = django_filters.ModelChoiceFilter(
        label="部屋", queryset=Room.objects.all(), empty_label="すべて"
    )
    group = django_filters.CharFilter(
        label="登録団体（名称・フリガナ・番号）", method="filter_group"
    )
    booker = django_filters.CharFilter(label="利用者名", method="filter_booker")
    status = django_filters.ChoiceFilter(
        label="状態", choices=BookingStatus.choices, empty_label="すべて"
    )
    # Without it (and without dates) the list is what the counter plans: from now on.
    include_past = django_filters.BooleanFilter(
        label="過去の予約も表示",
        method="filter_nothing",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Booking
        fields: list[str] = []
        form = BookingFilterForm

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Upcoming bookings first, the soonest at the top; past ones (on request, or when a
        date is asked for) after them, the latest first."""
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        now = timezone.now()
        if not (data.get("include_past") or data.get("date_from") or data.get("date_to")):
            queryset = queryset.filter(period__endswith__gt=now)
        upcoming = Q(period__endswith__gt=now)
        return queryset.order_by(
            Case(When(upcoming, then=Value(0)), default=Value(1), output_field=IntegerField()),
            Case(When(upcoming, then=F("period__startswith"))).asc(nulls_last=True),
            F("period__startswith").desc(),
            "room__sort_order",
            "pk",
        )

    def filter_nothing(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        return queryset  # include_past is read in filter_queryset

    def filter_date_from(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        from kyodo_center.dates import day_bounds

        start, _ = day_bounds(value)  # type: ignore[arg-type]
        return queryset.filter(period__endswith__gt=start)

    def filter_date_to(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        from kyodo_center.dates import day_bounds

        _, end = day_bounds(value)  # type: ignore[arg-type]
        return queryset.filter(period__startswith__lt=end)

    def filter_group(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(group__name__icontains=value)
            | Q(group__name_kana__icontains=value)
            | Q(group__registration_number__icontains=value)
        )

    def filter_booker(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(booker_name__icontains=value) | Q(group__name__icontains=value))
