"""The counter's group picker (issue 15): a staff-only JSON search over name, フリガナ and
registration number, full-width input normalised, at most 10 answers in one query, each with
its registration status and the person the centre calls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from groups.models import ApplicationStatus, Group
from groups.selectors import GROUP_PICKER_LIMIT, group_picker_search
from kyodo_center.models import PersonalDataAccess
from tests.conftest import sign_in
from tests.facilities.conftest import approved

pytestmark = pytest.mark.django_db

URL = "/groups/counter/search.json"


def registered(name: str, kana: str, number: str, **extra) -> Group:
    return Group.objects.create(
        **approved(
            name=name,
            name_kana=kana,
            registration_number=number,
            valid_from=dt.date(2026, 4, 1),
            valid_until=dt.date.today() + dt.timedelta(days=400),
            **extra,
        )
    )


@pytest.fixture
def groups(db):
    return {
        "nerima": registered(
            "ねりま子育てネットワーク",
            "ネリマコソダテネットワーク",
            "2026-0001",
            contact_name="山田 花子",
            phone="03-1111-2222",
        ),
        "midori": registered(
            "みどりの会", "ミドリノカイ", "2026-0002", representative_name="緑川 一郎"
        ),
        "lapsed": Group.objects.create(
            **approved(
                name="ねりま旧登録の会",
                name_kana="ネリマキュウトウロクノカイ",
                registration_number="2024-0007",
                valid_from=dt.date(2024, 4, 1),
                valid_until=dt.date(2025, 3, 31),
                contact_name="古川 次郎",
                phone="03-3333-4444",
            )
        ),
        "pending": Group.objects.create(
            name="ねりま申請中の会", name_kana="ネリマシンセイチュウノカイ", phone="03-5555-6666"
        ),
        "rejected": Group.objects.create(
            name="ねりま却下の会",
            name_kana="ネリマキャッカノカイ",
            status=ApplicationStatus.REJECTED,
            decided_at=timezone.now(),
            rejection_reason="要件を満たさない",
        ),
    }


@pytest.fixture
def clerk(client, counter_user):
    sign_in(client, counter_user)
    return client


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


def test_the_search_is_for_centre_staff_only(client, groups, operator_user):
    anonymous = client.get(URL, {"q": "ねりま"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    sign_in(client, operator_user)
    assert client.get(URL, {"q": "ねりま"}).status_code == 403


def test_name_kana_and_full_width_number_find_the_group_with_status_and_contact(clerk, groups):
    by_name = clerk.get(URL, {"q": "子育て"})
    assert by_name.status_code == 200
    assert by_name["Cache-Control"] == "private, no-store"
    [row] = by_name.json()["results"]
    assert row == {
        "id": groups["nerima"].pk,
        "name": "ねりま子育てネットワーク",
        "kana": "ネリマコソダテネットワーク",
        "number": "2026-0001",
        "status": "registered",
        "status_label": "登録中",
        "selectable": True,
        "contact": "山田 花子",
        "phone": "03-1111-2222",
        "valid_until": row["valid_until"],
    }
    # フリガナ typed in hiragana, the number typed with a Japanese IME (full width).
    assert names(clerk.get(URL, {"q": "こそだて"})) == ["ねりま子育てネットワーク"]
    assert names(clerk.get(URL, {"q": "２０２６－０００１"})) == ["ねりま子育てネットワーク"]
    # Two words: both must match.
    assert names(clerk.get(URL, {"q": "ねりま　ネットワーク"})) == ["ねりま子育てネットワーク"]
    # No contact person: the representative is the one to call.
    [midori] = clerk.get(URL, {"q": "みどり"}).json()["results"]
    assert midori["contact"] == "緑川 一郎"


def test_registered_groups_come_first_and_others_show_why_they_cannot_be_picked(clerk, groups):
    rows = clerk.get(URL, {"q": "ねりま"}).json()["results"]
    assert [(row["name"], row["status_label"], row["selectable"]) for row in rows] == [
        ("ねりま子育てネットワーク", "登録中", True),
        ("ねりま旧登録の会", "失効", False),
        ("ねりま申請中の会", "申請中", False),
    ]  # a rejected application is never offered


def test_at_most_ten_answers_in_one_query(clerk, db, django_assert_num_queries):
    for n in range(GROUP_PICKER_LIMIT + 3):
        registered(f"練馬の会{n:02d}", f"ネリマノカイ{n:02d}", f"2026-{n + 100:04d}")
    with django_assert_num_queries(1):
        matches, more = group_picker_search(query="練馬", today=timezone.localdate())
    assert len(matches) == GROUP_PICKER_LIMIT and more
    answer = clerk.get(URL, {"q": "練馬"}).json()
    assert len(answer["results"]) == GROUP_PICKER_LIMIT and answer["more"] is True


def test_an_empty_query_answers_nothing_and_logs_nothing(clerk, groups):
    assert clerk.get(URL, {"q": "　 "}).json() == {"query": "", "results": [], "more": False}
    assert not PersonalDataAccess.objects.exists()


def test_each_search_is_written_to_the_personal_data_log(clerk, groups, counter_user):
    clerk.get(URL, {"q": "ねりま"})
    line = PersonalDataAccess.objects.get()
    assert line.username == counter_user.username
    assert line.record == "団体検索（窓口）（検索: ねりま）"


def test_the_chosen_group_is_read_back_by_id(clerk, groups):
    lapsed = clerk.get(URL, {"id": str(groups["lapsed"].pk)}).json()["results"]
    assert [(row["name"], row["status_label"]) for row in lapsed] == [("ねりま旧登録の会", "失効")]
    bad = clerk.get(URL, {"id": "1 OR 1=1"})
    assert bad.status_code == 400 and bad.json() == {"error": "団体の指定が正しくありません。"}
    missing = clerk.get(URL, {"id": "999999"})
    assert missing.status_code == 404 and missing.json() == {"error": "その団体は見つかりません。"}
    assert clerk.get(URL, {"id": str(groups["rejected"].pk)}).status_code == 404
