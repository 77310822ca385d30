"""Full-width digits are accepted where numbers, dates and times are typed."""

from __future__ import annotations

import datetime as dt

from django import forms

from kyodo_center.forms import JapaneseInputMixin, half_width


class SampleForm(JapaneseInputMixin, forms.Form):
    day = forms.DateField()
    start = forms.TimeField()
    people = forms.IntegerField(min_value=1)
    phone = forms.CharField()
    name = forms.CharField()


class PhoneForm(JapaneseInputMixin, forms.Form):
    phone = forms.CharField()

    def __init__(self, *args, **kwargs):
        self.base_fields["phone"].normalize_width = True
        super().__init__(*args, **kwargs)


def test_full_width_date_time_and_count_are_understood():
    form = SampleForm(
        data={
            "day": "２０２６－１２－０５",
            "start": "１４：００",
            "people": "１２",
            "phone": "０３",
            "name": "ＮＰＯ法人",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2026, 12, 5)
    assert form.cleaned_data["start"] == dt.time(14, 0)
    assert form.cleaned_data["people"] == 12
    # Free text is left as typed unless the field asks for normalisation.
    assert form.cleaned_data["name"] == "ＮＰＯ法人"


def test_marked_fields_are_normalised_too():
    form = PhoneForm(data={"phone": "０３ー１２３４ー５６７８"})
    assert form.is_valid()
    assert form.cleaned_data["phone"] == "03-1234-5678"


def test_half_width_helper():
    assert half_width(" ２０２６／１２／０５ ") == "2026/12/05"
