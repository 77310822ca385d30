"""Poster board and pamphlet stand: anyone may ask (○), never more items than places."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from facilities.services.common import FacilityError
from resources.models import DisplayItem
from resources.selectors import display_items_to_take_down, display_places
from resources.services.displays import display_item_create, display_item_take_down
from tests.resources.conftest import TODAY

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def post(place, title, start, end, **extra):
    return display_item_create(
        place=place,
        title=title,
        requester_name=extra.pop("requester_name", "山田太郎"),
        start_date=start,
        end_date=end,
        today=TODAY,
        **extra,
    )


def test_anyone_may_ask_to_display_a_poster(poster_board):
    item = post(poster_board, "子ども食堂のお知らせ", TODAY, TODAY + 14 * DAY)
    assert DisplayItem.objects.get(pk=item.pk).requester_name == "山田太郎"


def test_a_display_period_ending_before_it_starts_is_refused(poster_board):
    with pytest.raises(FacilityError, match="掲示終了日は掲示開始日以降"):
        post(poster_board, "逆順", TODAY + 5 * DAY, TODAY + 2 * DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        DisplayItem.objects.create(
            place=poster_board,
            title="直接",
            requester_name="x",
            start_date=TODAY,
            end_date=TODAY - DAY,
        )


def test_a_display_that_already_ended_is_refused(poster_board):
    with pytest.raises(FacilityError, match="掲示終了日が過ぎています"):
        post(poster_board, "過去", TODAY - 9 * DAY, TODAY - 2 * DAY)


def test_more_posters_than_places_are_refused_but_other_periods_and_places_are_free(
    poster_board, pamphlet_stand
):
    post(poster_board, "1枚目", TODAY, TODAY + 10 * DAY)
    post(poster_board, "2枚目", TODAY + 5 * DAY, TODAY + 20 * DAY)
    with pytest.raises(
        FacilityError, match=r"ポスター掲示板は.*に空きがありません（2枠すべて使用中）"
    ):
        post(poster_board, "3枚目", TODAY + 8 * DAY, TODAY + 9 * DAY)
    assert DisplayItem.objects.filter(place=poster_board).count() == 2
    # Days where only one poster is up still have a place.
    post(poster_board, "3枚目", TODAY + 11 * DAY, TODAY + 12 * DAY)
    post(pamphlet_stand, "パンフレット", TODAY + 8 * DAY, TODAY + 9 * DAY)


def test_a_poster_taken_down_frees_its_place(poster_board):
    first = post(poster_board, "1枚目", TODAY, TODAY + 10 * DAY)
    post(poster_board, "2枚目", TODAY, TODAY + 10 * DAY)
    display_item_take_down(item=first, today=TODAY)
    post(poster_board, "3枚目", TODAY, TODAY + 10 * DAY)
    [poster_state] = display_places(facility=poster_board.facility, today=TODAY)
    assert poster_state.in_use_today == 2


def test_expired_items_are_on_the_take_down_list_until_taken_down(poster_board, pamphlet_stand):
    ends_today = post(poster_board, "今日まで", TODAY, TODAY)
    ends_tomorrow = post(pamphlet_stand, "明日まで", TODAY, TODAY + DAY)
    assert display_items_to_take_down(today=TODAY) == []
    assert display_items_to_take_down(today=TODAY + DAY) == [ends_today]
    assert display_items_to_take_down(today=TODAY + 2 * DAY) == [ends_today, ends_tomorrow]
    display_item_take_down(item=ends_today, today=TODAY + 2 * DAY)
    assert display_items_to_take_down(today=TODAY + 2 * DAY) == [ends_tomorrow]
    with pytest.raises(FacilityError, match="既に撤去済み"):
        display_item_take_down(item=ends_today, today=TODAY + 2 * DAY)
