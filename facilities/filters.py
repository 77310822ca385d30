"""Filters of the counter's booking list (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from facilities.models import Booking, BookingStatus, Room
from kyodo_center.forms import JapaneseInputMixin


class BookingFilterForm(JapaneseInputMixin, forms.Form):
    pass


class BookingFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        label="利用日（から）",
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label="利用日（まで）",
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
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

    class Meta:
        model = Booking
        fields: list[str] = []
        form = BookingFilterForm

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
