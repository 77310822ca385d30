"""Filters of the public board /kyodo/ (django-filter, like the counter's booking list)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from coordination.models import Post, PostKind, PostStatus
from groups.models import ActivityField
from kyodo_center.forms import JapaneseInputMixin


class BoardFilterForm(JapaneseInputMixin, forms.Form):
    pass


class BoardFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label="種類",
        choices=PostKind.choices,
        empty_label="すべて",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    field = django_filters.ChoiceFilter(
        label="活動分野",
        field_name="activity_field",
        choices=ActivityField.choices,
        empty_label="すべて",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    area = django_filters.CharFilter(
        label="活動地域（町名など）",
        method="filter_area",
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "例: 石神井"}),
    )
    # 受付中のみ: leave out the posts whose poster ended them early (受付終了).
    open = django_filters.BooleanFilter(
        label="受付中のものだけ表示",
        method="filter_open",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Post
        fields: list[str] = []
        form = BoardFilterForm

    def filter_area(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = " ".join(value.split())
        return queryset.filter(area__icontains=value) if value else queryset

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset.filter(status=PostStatus.PUBLISHED) if value else queryset
