"""The public directory (/groups/) and the staff-only bylaws file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.conftest import sign_in
from tests.groups.factories import PDF_BYTES, GroupFactory, RegisteredGroupFactory

pytestmark = pytest.mark.django_db


def current_validity() -> dict[str, dt.date]:
    today = timezone.localdate()
    start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return {"valid_from": start, "valid_until": dt.date(start.year + 1, 3, 31)}


def test_directory_lists_only_valid_published_approved_groups(client):
    RegisteredGroupFactory(name="掲載される会", **current_validity())
    RegisteredGroupFactory(name="掲載しない会", publish=False, **current_validity())
    RegisteredGroupFactory(
        name="失効した会", valid_from=dt.date(2020, 4, 1), valid_until=dt.date(2021, 3, 31)
    )
    GroupFactory(name="審査中の会")
    body = client.get("/groups/").content.decode()
    assert "掲載される会" in body
    for hidden in ("掲載しない会", "失効した会", "審査中の会"):
        assert hidden not in body
    assert "1団体" in body


def test_directory_never_shows_personal_data(client):
    group = RegisteredGroupFactory(
        publish_area=False,
        activity_area="秘密の地域",
        public_contact="https://group.example.jp/",
        **current_validity(),
    )
    body = client.get("/groups/").content.decode()
    assert group.name in body and group.registration_number in body
    assert "https://group.example.jp/" in body
    for private in (
        group.representative_name,
        group.contact_name,
        group.address,
        group.phone,
        group.email,
        group.postcode,
        "秘密の地域",
    ):
        assert private not in body


def test_directory_searches_name_kana_activity_and_area(client):
    RegisteredGroupFactory(
        name="大泉子育て広場",
        name_kana="オオイズミコソダテヒロバ",
        activity="親子の居場所づくり",
        activity_area="大泉学園",
        **current_validity(),
    )
    RegisteredGroupFactory(name="別の会", activity="防災訓練", **current_validity())
    for query in ("子育て", "おおいずみ", "ｵｵｲｽﾞﾐ", "居場所", "大泉学園"):
        body = client.get("/groups/", {"q": query}).content.decode()
        assert "大泉子育て広場" in body, query
        assert "別の会" not in body, query


def test_search_does_not_match_unpublished_activity(client):
    RegisteredGroupFactory(
        name="非公開の会", publish_activity=False, activity="秘密の活動", **current_validity()
    )
    assert "非公開の会" not in client.get("/groups/", {"q": "秘密"}).content.decode()


def test_directory_is_paginated_with_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    for number in range(55):
        RegisteredGroupFactory(
            name=f"団体{number:02d}", name_kana=f"ダンタイ{number:02d}", **current_validity()
        )
    # A session cookie bypasses the public page cache: this measures the page itself.
    client.cookies[settings.SESSION_COOKIE_NAME] = "none"
    with django_assert_max_num_queries(2):
        first = client.get("/groups/")
    body = first.content.decode()
    assert "55団体" in body and "1 / 3ページ" in body
    assert "団体00" in body and "団体20" not in body
    with django_assert_max_num_queries(2):
        last = client.get("/groups/", {"page": "3"}).content.decode()
    assert "団体54" in last
    # A page number that is not one shows the last or first page instead of an error.
    assert client.get("/groups/", {"page": "999"}).status_code == 200
    assert client.get("/groups/", {"page": "abc"}).status_code == 200


# --- Bylaws ------------------------------------------------------------------------------------
@pytest.fixture
def group_with_bylaws():
    group = GroupFactory(bylaws_name="会則.pdf")
    group.bylaws.save("kaisoku.pdf", ContentFile(PDF_BYTES))
    return group


def test_bylaws_are_not_served_to_anonymous_users(client, group_with_bylaws):
    response = client.get(f"/groups/bylaws/{group_with_bylaws.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_bylaws_are_refused_to_users_without_a_staff_role(client, plain_user, group_with_bylaws):
    sign_in(client, plain_user)
    assert client.get(f"/groups/bylaws/{group_with_bylaws.pk}/").status_code == 403


def test_ward_staff_open_the_bylaws(client, ward_user, group_with_bylaws):
    sign_in(client, ward_user)
    response = client.get(f"/groups/bylaws/{group_with_bylaws.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_bylaws_are_stored_outside_any_public_url(group_with_bylaws, private_media):
    path = group_with_bylaws.bylaws.path
    assert path.startswith(str(private_media / "private"))
    with pytest.raises(ValueError):
        group_with_bylaws.bylaws.url  # noqa: B018


def test_missing_bylaws_give_404_not_500(client, ward_user):
    sign_in(client, ward_user)
    assert client.get(f"/groups/bylaws/{GroupFactory().pk}/").status_code == 404
    assert client.get("/groups/bylaws/999999/").status_code == 404
