"""Issue 15 on the resource pages: the office-machine forms carry the booking form's group
picker (same script, same endpoint); the poster board's button says what it does (撤去した);
故障中にする is not a red button on every row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from resources.models import MachineUse
from resources.services.displays import display_item_create
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

BASE = "/counter/resources"


@pytest.fixture
def clerk(client, counter_user):
    sign_in(client, counter_user)
    return client


def test_the_machine_forms_use_the_booking_forms_group_picker(clerk, copier):
    body = clerk.get(f"{BASE}/machines/").content.decode()
    assert 'src="/static/js/group_picker.js" defer' in body
    assert body.count('data-group-picker="/groups/counter/search.json"') == 2  # use and queue
    # Without JavaScript: the full list of groups, and the search box stays hidden.
    assert re.search(r'<select name="group"[^>]*data-group-picker-select', body)
    assert re.search(r'<select name="queue-group"[^>]*data-group-picker-select', body)
    assert re.search(r'<div class="mb-3" data-group-picker-js hidden>\s*<label', body)
    assert '<label class="form-label" for="use-group-query">登録団体を検索</label>' in body
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []


def test_a_group_picked_by_the_search_is_recorded(clerk, copier, registered_group):
    """The picker posts the group's id under the select's name: the form takes it as before."""
    response = clerk.post(
        f"{BASE}/machines/uses/new/",
        {"machine": copier.pk, "group": registered_group.pk, "sheets": "１０", "in_progress": ""},
    )
    assert response.status_code == 302
    use = MachineUse.objects.get()
    assert use.group == registered_group and use.registered_priority


def test_out_of_order_is_a_disclosed_secondary_action_not_a_red_button(clerk, copier, printer):
    body = clerk.get(f"{BASE}/machines/").content.decode()
    assert "btn-danger" not in body and "btn-outline-danger" not in body
    assert body.count('<details class="out-of-order">') == 2
    assert '<summary class="small">故障を登録する<span class="visually-hidden">（コピー機）' in body
    assert re.search(
        r'<button class="btn btn-sm btn-outline-secondary" type="submit" '
        r'aria-label="コピー機を故障中にする">故障中にする</button>',
        body,
    )


def test_the_take_down_button_says_what_it_does(clerk, poster_board):
    today = timezone.localdate()
    display_item_create(
        place=poster_board,
        title="先週のお知らせ",
        requester_name="山田",
        start_date=today - dt.timedelta(days=7),
        end_date=today - dt.timedelta(days=1),
        today=today - dt.timedelta(days=7),
    )
    display_item_create(
        place=poster_board,
        title="今月の講座",
        requester_name="佐藤",
        start_date=today,
        end_date=today + dt.timedelta(days=7),
        today=today,
    )
    body = clerk.get(f"{BASE}/displays/").content.decode()
    assert ">撤去済み</button>" not in body
    assert 'aria-label="「先週のお知らせ」を撤去した">撤去した</button>' in body
    assert 'aria-label="「今月の講座」を撤去した">撤去した</button>' in body
