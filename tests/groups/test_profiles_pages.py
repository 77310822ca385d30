"""団体紹介 pages: マイページ's form, the counter's queue with the diff, the directory's filters
and detail page, their cache and their query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups import services
from groups.models import ActivityField, Group, GroupProfileRevision, ProfileRevisionStatus
from tests.conftest import sign_in
from tests.facilities.conftest import approved, frozen_now  # noqa: F401  (the fixed clock)
from tests.groups.test_profiles import PROFILE, account, registered, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

FORM = {
    **{key: value for key, value in PROFILE.items() if not isinstance(value, bool)},
    **{key: "on" for key, value in PROFILE.items() if value is True},
}


@pytest.fixture
def river(db) -> Group:
    return registered("しゃくじい川の会", "2026-0101", publish=True)


@pytest.fixture
def member(river):
    return account(river, "kawa@example.jp")


def body(response) -> str:
    return response.content.decode()


# --- マイページ ---------------------------------------------------------------------------------
def test_the_form_starts_from_the_live_profile_without_the_registration_contact(
    client, river, member
):
    sign_in(client, member)
    page = client.get("/mypage/profile/")
    assert page.status_code == 200
    html = body(page)
    assert "団体紹介の編集" in html and "登録時の活動内容" in html
    # The registration's personal contacts are never offered as the public contact.
    assert "kojin@example.jp" not in html and "03-1111-2222" not in html
    assert 'name="public_contact" value=""' in html or 'name="public_contact"' in html
    for label in ("主な活動分野", "活動場所", "活動日時", "会員を募集している", "掲載する連絡先"):
        assert label in html
    # マイページ links to it.
    assert "/mypage/profile/" in body(client.get("/mypage/"))


def test_sending_shows_waiting_and_the_directory_is_unchanged(client, river, member):
    sign_in(client, member)
    response = client.post("/mypage/profile/", FORM, follow=True)
    html = body(response)
    assert "団体紹介の変更を受け付けました" in html and "確認待ち" in html
    # The form now holds what waits for the counter.
    assert "石神井公園駅 南口に集合" in html
    assert GroupProfileRevision.objects.get().status == ProfileRevisionStatus.PENDING
    assert "確認待ち" in body(client.get("/mypage/"))
    client.logout()
    directory = body(client.get("/groups/"))
    assert "しゃくじい川の会" in directory and "石神井公園駅" not in directory
    assert "会員募集中</span>" not in directory


def test_a_second_sending_replaces_the_waiting_one(client, river, member):
    sign_in(client, member)
    client.post("/mypage/profile/", FORM)
    response = client.post(
        "/mypage/profile/", {**FORM, "meeting_schedule": "毎週日曜日"}, follow=True
    )
    assert "置き換えました" in body(response)
    assert GroupProfileRevision.objects.filter(status=ProfileRevisionStatus.PENDING).count() == 1


def test_bad_input_on_the_form_is_a_400_with_the_reason(client, river, member):
    sign_in(client, member)
    response = client.post("/mypage/profile/", {**FORM, "activity_field": "x<script>"})
    assert response.status_code == 400
    assert "活動分野は一覧から選んでください" in body(response)
    assert "x<script>" not in body(response)
    response = client.post("/mypage/profile/", {**FORM, "activity": "あ" * 1001})
    assert response.status_code == 400 and "1000" in body(response)
    unchanged = dict(FORM)
    client.post("/mypage/profile/", unchanged)
    client.post("/mypage/profile/", unchanged)  # the same again replaces; still one waiting
    assert GroupProfileRevision.objects.filter(status=ProfileRevisionStatus.PENDING).count() == 1


def test_a_lapsed_group_sees_why_and_cannot_send(client, db):
    lapsed = Group.objects.create(
        **approved(
            name="失効した会",
            registration_number="2025-0001",
            valid_from=dt.date(2025, 4, 1),
            valid_until=dt.date(2026, 3, 31),
        )
    )
    user = account(lapsed, "shikko@example.jp")
    sign_in(client, user)
    page = client.get("/mypage/profile/")
    assert page.status_code == 200 and "団体登録が有効な間だけ" in body(page)
    assert client.post("/mypage/profile/", FORM).status_code == 403
    assert not GroupProfileRevision.objects.exists()


def test_only_group_accounts_have_the_page(client, river, counter_user, plain_user):
    assert client.get("/mypage/profile/").status_code == 302
    for user in (counter_user, plain_user):
        sign_in(client, user)
        assert client.get("/mypage/profile/").status_code == 404
        assert client.post("/mypage/profile/", FORM).status_code == 404
    assert not GroupProfileRevision.objects.exists()


def test_an_account_only_ever_changes_its_own_group(client, river, member):
    other = registered("別の会", "2026-0102", publish=True)
    outsider = account(other, "betsu@example.jp")
    sign_in(client, outsider)
    client.post("/mypage/profile/", FORM)
    assert GroupProfileRevision.objects.get().group == other
    # A group account is no reviewer: the counter's pages refuse it.
    revision = GroupProfileRevision.objects.get()
    assert client.get("/groups/counter/profiles/").status_code == 403
    assert client.get(f"/groups/counter/profiles/{revision.pk}/").status_code == 403
    response = client.post(f"/groups/counter/profiles/{revision.pk}/", {"decision": "approve"})
    assert response.status_code == 403
    revision.refresh_from_db()
    assert revision.status == ProfileRevisionStatus.PENDING


# --- The counter -------------------------------------------------------------------------------
def test_the_queue_shows_the_diff_escaped_and_marked(client, river, member, counter_user):
    services.profile_revision_approve(revision=submit(river, member), by=counter_user)
    submit(
        river,
        member,
        activity="石神井川の清掃と、<b>親子</b>の観察会。",
        meeting_place="区民協働交流センター",
        public_contact="kojin@example.jp",
    )
    sign_in(client, counter_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/groups/counter/profiles/")
    assert page.status_code == 200
    html = body(page)
    assert "団体紹介の確認（確認待ち 1件）" in html
    assert "しゃくじい川の会" in html and "kawa@example.jp" in html
    # Escaped, with the removed and added characters marked in words too.
    assert "<b>" not in html and "&lt;b&gt;" in html and "&lt;/b&gt;" in html
    assert "［削除: " in html and "［追加: " in html and "<del" in html and "<ins" in html
    assert html.count('text-bg-warning">変更あり') == 3  # activity, meeting place, contact
    assert "石神井公園駅 南口に集合" in html and "区民協働交流センター" in html
    # The proposed contact is the registration's e-mail: the clerk is warned.
    assert "団体登録の連絡先" in html
    assert len(queries) <= 12


def test_the_queue_keeps_its_query_count_with_many_waiting(client, counter_user):
    def queue_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/groups/counter/profiles/").status_code == 200
        return len(queries)

    first = registered("一つ目の会", "2026-0201")
    submit(first, account(first, "one@example.jp"))
    sign_in(client, counter_user)
    few = queue_queries()
    for number in range(2, 22):
        group = registered(f"会{number}", f"2026-02{number:02d}")
        submit(group, account(group, f"m{number}@example.jp"))
    assert queue_queries() == few


def test_the_counter_approves_and_the_directory_shows_it(client, river, member, counter_user):
    revision = submit(river, member)
    # A resident's cached directory page before the approval.
    assert "石神井公園駅" not in body(client.get("/groups/"))
    sign_in(client, counter_user)
    dashboard = body(client.get("/counter/"))
    assert "団体紹介の確認待ち: <strong>1件</strong>" in dashboard
    response = client.post(f"/groups/counter/profiles/{revision.pk}/", {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == "/groups/counter/profiles/"
    assert "公開しました" in body(client.get(response["Location"]))
    client.logout()
    # Cookie-less visitors get cached pages: the approval moved their version.
    directory = body(client.get("/groups/"))
    assert "石神井公園駅 南口に集合" in directory and "会員募集中</span>" in directory
    assert "毎月第2日曜日 9時〜12時" in directory and "環境" in directory
    detail = client.get(f"/groups/{river.pk}/")
    assert detail.status_code == 200
    html = body(detail)
    assert "石神井川の清掃と、親子の生きもの観察会。" in html and "https://kawa.example.jp/" in html
    assert "紹介の更新日: 2026年11月23日(月)" in html
    for private in ("kojin@example.jp", "03-1111-2222", "代表"):
        assert private not in html


def test_sending_back_needs_a_reason_and_the_group_reads_it(client, river, member, counter_user):
    revision = submit(river, member)
    sign_in(client, counter_user)
    path = f"/groups/counter/profiles/{revision.pk}/"
    response = client.post(path, {"decision": "return", "reason": " "})
    assert response.status_code == 400 and "理由を入力してください" in body(response)
    response = client.post(path, {"decision": "nonsense"})
    assert response.status_code == 400
    response = client.post(
        path, {"decision": "return", "reason": "活動場所を<具体的に>書いてください。"}
    )
    assert response.status_code == 302
    assert "差戻し" in body(client.get(path))
    sign_in(client, member)
    html = body(client.get("/mypage/profile/"))
    assert "差戻し" in html and "活動場所を&lt;具体的に&gt;書いてください。" in html
    river.refresh_from_db()
    assert river.meeting_place == ""


def test_a_stale_approval_is_refused_with_a_message(client, river, member, counter_user):
    first = submit(river, member)
    submit(river, member, meeting_schedule="毎週日曜日")
    sign_in(client, counter_user)
    response = client.post(f"/groups/counter/profiles/{first.pk}/", {"decision": "approve"})
    assert response.status_code == 400 and "送り直しています" in body(response)
    river.refresh_from_db()
    assert river.meeting_schedule == ""


def test_a_missing_revision_is_404_for_staff(client, counter_user):
    sign_in(client, counter_user)
    assert client.get("/groups/counter/profiles/999999/").status_code == 404
    assert (
        client.post("/groups/counter/profiles/999999/", {"decision": "approve"}).status_code == 404
    )


# --- The directory -----------------------------------------------------------------------------
def publish_profile(group: Group, reviewer, **changes) -> None:
    user = account(group, f"p{group.pk}@example.jp")
    services.profile_revision_approve(revision=submit(group, user, **changes), by=reviewer)


def test_filters_for_recruiting_and_activity_field(client, counter_user):
    recruiting = registered("募集中の会", "2026-0301", publish=True)
    publish_profile(recruiting, counter_user, recruiting=True)
    quiet = registered("募集していない会", "2026-0302", publish=True)
    publish_profile(quiet, counter_user, recruiting=False, activity_field=ActivityField.CHILDREN)
    registered("紹介のない会", "2026-0303", publish=True)

    html = body(client.get("/groups/", {"recruiting": "on"}))
    assert "募集中の会" in html and "募集していない会" not in html and "紹介のない会" not in html
    assert "1団体" in html
    html = body(client.get("/groups/", {"field": ActivityField.CHILDREN}))
    assert "募集していない会" in html and "募集中の会" not in html
    html = body(client.get("/groups/", {"field": ActivityField.ENVIRONMENT, "recruiting": "on"}))
    assert "募集中の会" in html and "募集していない会" not in html
    # The pages keep the conditions.
    assert 'value="environment" selected' in html and "checked" in html
    every = body(client.get("/groups/"))
    assert all(name in every for name in ("募集中の会", "募集していない会", "紹介のない会"))


def test_a_bad_filter_value_is_a_400_with_the_reason(client, river):
    response = client.get("/groups/", {"field": "<script>alert(1)</script>"})
    assert response.status_code == 400
    assert "活動分野は一覧から選んでください" in body(response)
    assert "<script>alert(1)</script>" not in body(response)
    # The other conditions still apply; the listing is still shown.
    assert "しゃくじい川の会" in body(response)


def test_the_detail_page_is_only_for_listed_groups(client, river):
    hidden = registered("掲載しない会", "2026-0401", publish=False)
    assert client.get(f"/groups/{river.pk}/").status_code == 200
    assert client.get(f"/groups/{hidden.pk}/").status_code == 404
    assert client.get("/groups/999999/").status_code == 404


def bulk_groups(count: int) -> None:
    groups = [
        Group(
            **approved(
                name=f"会{number:04d}",
                name_kana=f"カイ{number:04d}",
                registration_number=f"2026-9{number:04d}",
                valid_from=dt.date(2026, 4, 1),
                valid_until=max(dt.date(2027, 3, 31), dt.date.today() + dt.timedelta(days=400)),
                publish=True,
                publish_activity=True,
                activity="地域の清掃",
                recruiting=number % 2 == 0,
                activity_field=ActivityField.ENVIRONMENT,
                meeting_place="区民協働交流センター",
                meeting_schedule="毎週木曜日",
                public_contact="https://example.jp/",
            )
        )
        for number in range(count)
    ]
    Group.objects.bulk_create(groups, batch_size=500)


@pytest.mark.parametrize(
    "query", [{}, {"recruiting": "on"}, {"field": "environment", "q": "会", "page": "2"}]
)
def test_directory_queries_stay_flat_from_1_to_1000_groups(client, query):
    # A session cookie passes the public page cache: the page itself is measured.
    client.cookies[settings.SESSION_COOKIE_NAME] = "none"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/groups/", query).status_code == 200
        return len(queries)

    bulk_groups(1)
    one = count()
    Group.objects.all().delete()
    bulk_groups(1000)
    assert count() == one
    assert one <= 3


def test_the_detail_page_is_one_query_and_cached(client, river, counter_user, member):
    client.cookies[settings.SESSION_COOKIE_NAME] = "none"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/groups/{river.pk}/").status_code == 200
    assert len(queries) <= 2
    client.cookies.clear()
    first = body(client.get(f"/groups/{river.pk}/"))
    assert "石神井公園駅" not in first
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/groups/{river.pk}/")
    assert len(queries) == 1  # the content version only: the page came from the cache
    services.profile_revision_approve(revision=submit(river, member), by=counter_user)
    assert "石神井公園駅 南口に集合" in body(client.get(f"/groups/{river.pk}/"))
