"""The world the resource tests need: machines, boxes, places and groups."""

from __future__ import annotations

import datetime as dt

import pytest

from facilities.models import Facility
from groups.models import Group
from resources.models import DisplayPlace, DisplayPlaceKind, Mailbox, OfficeMachine
from tests.facilities.conftest import (  # noqa: F401
    NOW,
    TODAY,
    approved,
    lapsed_group,
    registered_group,
)


def make_group(
    name: str,
    number: str,
    *,
    valid_from: dt.date = dt.date(2026, 4, 1),
    valid_until: dt.date = dt.date(2027, 3, 31),
) -> Group:
    return Group.objects.create(
        **approved(
            name=name,
            name_kana=name,
            registration_number=number,
            valid_from=valid_from,
            valid_until=valid_until,
        )
    )


@pytest.fixture
def copier(facility: Facility) -> OfficeMachine:
    return OfficeMachine.objects.create(facility=facility, name="コピー機", sort_order=1)


@pytest.fixture
def printer(facility: Facility) -> OfficeMachine:
    return OfficeMachine.objects.create(facility=facility, name="印刷機", sort_order=2)


@pytest.fixture
def unregistered_group(db: None) -> Group:
    return Group.objects.create(name="申請中の会", name_kana="シンセイチュウノカイ")


@pytest.fixture
def boxes(facility: Facility) -> list[Mailbox]:
    return [Mailbox.objects.create(facility=facility, number=n) for n in (1, 2)]


@pytest.fixture
def poster_board(facility: Facility) -> DisplayPlace:
    return DisplayPlace.objects.create(facility=facility, kind=DisplayPlaceKind.POSTER, capacity=2)


@pytest.fixture
def pamphlet_stand(facility: Facility) -> DisplayPlace:
    return DisplayPlace.objects.create(
        facility=facility, kind=DisplayPlaceKind.PAMPHLET, capacity=3
    )
