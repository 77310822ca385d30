"""The public directory's search and filters (django-filter): words, 会員募集中, 活動分野."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from groups.models import ActivityField, Group
from groups.selectors import directory_search_q, normalise_query


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="団体名・フリガナ・活動内容・活動地域で検索",
        method="filter_words",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    field = django_filters.ChoiceFilter(
        label="活動分野",
        field_name="activity_field",
        choices=ActivityField.choices,
        empty_label="すべての分野",
    )
    recruiting = django_filters.BooleanFilter(
        label="会員募集中の団体だけ",
        method="filter_recruiting",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Group
        fields: list[str] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.form.fields["field"].error_messages["invalid_choice"] = (
            "活動分野は一覧から選んでください。"
        )

    def filter_words(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(directory_search_q(value)) if normalise_query(value) else queryset

    def filter_recruiting(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        # Unticked means "every group", not "groups that are not recruiting".
        return queryset.filter(recruiting=True) if value else queryset

    def is_filtered(self) -> bool:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return bool(
            normalise_query(data.get("q") or "") or data.get("field") or data.get("recruiting")
        )
