"""Poster board and pamphlet stand (ポスター掲示・パンフレットスタンド): anyone may ask (○ / ○);
staff record the item and its display period, within the places ward staff set for each kind.

Locking: the place row when an item takes a place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from facilities.services.common import FacilityError
from kyodo_center.dates import jdate
from kyodo_center.history import records_actor
from resources.models import (
    DisplayItem,
    DisplayPlace,
)
from resources.services.common import actor_or_none


def display_peak(place: DisplayPlace, start: dt.date, end: dt.date) -> tuple[int, dt.date | None]:
    """The most items on ``place`` on any one day of [start, end], and the first such day."""
    items = DisplayItem.objects.filter(
        place=place, taken_down_on__isnull=True, start_date__lte=end, end_date__gte=start
    ).values_list("start_date", "end_date")
    events: list[tuple[dt.date, int]] = []
    for item_start, item_end in items:
        events.append((max(item_start, start), 1))
        events.append((min(item_end, end) + dt.timedelta(days=1), -1))
    current = peak = 0
    peak_day = None
    for day, change in sorted(events, key=lambda event: (event[0], event[1])):
        current += change
        if current > peak:
            peak, peak_day = current, day
    return peak, peak_day


@records_actor("by")
def display_item_create(
    *,
    place: DisplayPlace,
    title: str,
    requester_name: str,
    start_date: dt.date,
    end_date: dt.date,
    requester_contact: str = "",
    notes: str = "",
    today: dt.date | None = None,
    by: Any = None,
) -> DisplayItem:
    """Anyone (○) may ask to display a poster or pamphlet; never more items than places."""
    today = today or timezone.localdate()
    title, requester_name = title.strip(), requester_name.strip()
    if not title:
        raise FacilityError("掲示物の名称を入力してください。")
    if not requester_name:
        raise FacilityError("依頼者（団体名・氏名）を入力してください。")
    if end_date < start_date:
        raise FacilityError("掲示終了日は掲示開始日以降にしてください。")
    if end_date < today:
        raise FacilityError("掲示終了日が過ぎています。今日以降の日付を入力してください。")
    with transaction.atomic():
        locked = DisplayPlace.objects.select_for_update(no_key=True).get(pk=place.pk)
        peak, peak_day = display_peak(locked, start_date, end_date)
        if peak >= locked.capacity:
            raise FacilityError(
                f"{locked.get_kind_display()}は{jdate(peak_day)}に空きがありません"
                f"（{locked.capacity}枠すべて使用中）。期間を変えるか、撤去を待ってください。"
            )
        item = DisplayItem.objects.create(
            place=locked,
            title=title,
            requester_name=requester_name,
            requester_contact=requester_contact.strip(),
            start_date=start_date,
            end_date=end_date,
            notes=notes.strip(),
            created_by=actor_or_none(by),
        )
    return item


@records_actor("by")
def display_item_take_down(
    *, item: DisplayItem, today: dt.date | None = None, by: Any = None
) -> DisplayItem:
    """撤去済み: the item is off the board, and its place is free again."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = DisplayItem.objects.select_for_update(no_key=True).get(pk=item.pk)
        if locked.taken_down_on is not None:
            raise FacilityError(f"「{locked.title}」は既に撤去済みです。")
        locked.taken_down_on = today
        locked.taken_down_by = actor_or_none(by)
        locked.save(update_fields=["taken_down_on", "taken_down_by"])
    return locked
