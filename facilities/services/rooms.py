"""Rooms (admin): a room's capacity never falls below what its future bookings use."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from facilities.models import Room
from facilities.services.common import (
    FacilityError,
    booking_lines,
    full_clean_or_refuse,
    future_active_bookings,
    lock_rooms,
)


def room_capacity_problem(room: Room, *, now: dt.datetime | None = None) -> str | None:
    """Why ``room`` cannot take its (new) capacity: future bookings with more attendees."""
    if room.pk is None:
        return None
    too_many = list(
        future_active_bookings(now or timezone.now())
        .filter(room_id=room.pk, attendees__gt=room.capacity)
        .select_related("group")
        .order_by("period")[:20]
    )
    if not too_many:
        return None
    return (
        f"{room.name}の定員を{room.capacity}人にすると、次の予約の利用人数が定員を超えます。"
        f"先に予約を変更してください：{booking_lines(too_many)}"
    )


def room_save(*, room: Room, now: dt.datetime | None = None) -> Room:
    """Save a room (admin); its capacity never falls below what future bookings use."""
    with transaction.atomic():
        if room.pk is not None:
            lock_rooms([room.pk])  # a booking of this room waits, then sees the new capacity
        problem = room_capacity_problem(room, now=now)
        if problem:
            raise FacilityError(problem)
        full_clean_or_refuse(room)
        room.save()
    return room
