"""The coordination pages as their users see them: the public board and a post's response
form, a group's own posts from マイページ, and the counter's review, responses, outcomes and
statistics. Visibility: nothing unreviewed or expired is public, responses never are, and a
group never reaches another group's post. Personal data views are logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from coordination.models import Post, PostStatus, Response
from coordination.services import outcome_record, post_close, post_reject
from kyodo_center.models import PersonalDataAccess
from notices.models import Notice
from tests.conftest import sign_in
from tests.coordination.conftest import (
    bulk_posts,
    csr_post,
    group_post,
    member_of,
    published,
    respond,
)

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def live_post(midori, counter_user) -> Post:
    return published(group_post(midori, title="石神井川クリーン作戦の参加者募集"), counter_user)


# --- The public board ---------------------------------------------------------------------------
def test_the_board_shows_approved_posts_only(client, midori, musubi, counter_user, live_post):
    group_post(midori, submit=False, title="下書きの募集")
    group_post(musubi, title="確認待ちの提供", kind="offer")
    rejected = group_post(musubi, title="却下された募集")
    post_reject(post=rejected, by=counter_user, reason="営利目的のため")
    ended = published(group_post(musubi, title="受付終了した募集"), counter_user)
    post_close(post=ended, by=counter_user)
    page = body(client.get("/kyodo/"))
    assert "石神井川クリーン作戦の参加者募集" in page
    assert "受付終了した募集" in page and "受付終了" in page
    for hidden in ("下書きの募集", "確認待ちの提供", "却下された募集"):
        assert hidden not in page
    # 受付中のみ leaves out the ended one.
    page = body(client.get("/kyodo/?open=on"))
    assert "石神井川クリーン作戦の参加者募集" in page and "受付終了した募集" not in page


def test_the_board_filters_by_kind_field_and_area(client, midori, counter_user, live_post):
    company = published(
        csr_post(counter_user, area="光が丘", activity_field="community"), counter_user
    )
    assert company.title in body(client.get("/kyodo/?kind=csr"))
    assert live_post.title not in body(client.get("/kyodo/?kind=csr"))
    assert live_post.title in body(client.get("/kyodo/?field=environment"))
    assert company.title not in body(client.get("/kyodo/?field=environment"))
    assert company.title in body(client.get("/kyodo/?area=光が丘"))
    assert live_post.title not in body(client.get("/kyodo/?area=光が丘"))


@pytest.mark.parametrize(
    "query", ["kind=company", "field=../../etc", "area=" + "あ" * 51, "area=a%00b", "open=maybe"]
)
def test_a_bad_filter_is_a_clear_400(client, query):
    response = client.get(f"/kyodo/?{query}")
    if "open=" in query:  # a checkbox reads anything but "on"/"true" as unchecked
        assert response.status_code == 200
        return
    assert response.status_code == 400
    if "%00" not in query:  # NUL bytes are refused before the page (kyodo_center.middleware)
        assert "絞り込みの指定が正しくありません" in body(response)


def test_unpublished_and_expired_posts_are_404_publicly(client, midori, counter_user, monkeypatch):
    draft = group_post(midori, submit=False)
    waiting = group_post(midori)
    rejected = group_post(midori)
    post_reject(post=rejected, by=counter_user, reason="内容が不明確です")
    for post in (draft, waiting, rejected):
        assert client.get(f"/kyodo/{post.pk}/").status_code == 404
    post = published(group_post(midori), counter_user)
    assert client.get(f"/kyodo/{post.pk}/").status_code == 200
    after = timezone.now() + dt.timedelta(days=31)
    monkeypatch.setattr(timezone, "now", lambda: after)
    response = client.get(f"/kyodo/{post.pk}/")
    assert response.status_code == 404
    assert post.title not in body(client.get("/kyodo/"))
    assert client.post(f"/kyodo/{post.pk}/", {"name": "x"}).status_code == 404


def test_a_resident_responds_and_sees_the_thank_you_page(client, live_post):
    response = client.post(
        f"/kyodo/{live_post.pk}/",
        {"name": "北川 由香", "contact": "kitagawa@example.jp", "message": "参加したいです。"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/kyodo/{live_post.pk}/thanks/"
    saved = Response.objects.get()
    assert (saved.name, saved.contact, saved.responding_group) == (
        "北川 由香",
        "kitagawa@example.jp",
        None,
    )
    assert saved.submitted_from == "127.0.0.1"
    page = body(client.get(response["Location"]))
    assert "応答を受け付けました" in page
    assert Notice.objects.filter(kind="coordination_response").count() == 1
    # The response is nowhere on the public pages.
    for path in ("/kyodo/", f"/kyodo/{live_post.pk}/"):
        page = body(client.get(path))
        assert "北川 由香" not in page and "kitagawa@example.jp" not in page


def test_the_thank_you_page_is_only_for_who_just_responded(client, live_post):
    response = client.get(f"/kyodo/{live_post.pk}/thanks/")
    assert response.status_code == 302 and response["Location"] == f"/kyodo/{live_post.pk}/"


def test_a_bad_response_keeps_the_input_and_says_what_is_wrong(client, live_post):
    response = client.post(
        f"/kyodo/{live_post.pk}/", {"name": "北川", "contact": "あとで", "message": "参加したい"}
    )
    assert response.status_code == 400
    page = body(response)
    assert "メールアドレスか電話番号" in page
    assert "参加したい" in page
    assert not Response.objects.exists()


def test_a_group_account_responds_as_its_group(client, musubi, live_post):
    sign_in(client, member_of(musubi))
    page = body(client.get(f"/kyodo/{live_post.pk}/"))
    assert "登録団体「ねりま子育てひろば・むすび」として応答します" in page
    assert 'value="ねりま子育てひろば・むすび"' in page
    client.post(
        f"/kyodo/{live_post.pk}/",
        {"name": "むすび 森", "contact": "musubi@example.jp", "message": "会員3名で伺えます。"},
    )
    assert Response.objects.get().responding_group == musubi


def test_a_group_does_not_respond_to_its_own_post(client, midori, live_post):
    sign_in(client, member_of(midori))
    page = body(client.get(f"/kyodo/{live_post.pk}/"))
    assert "あなたの団体の投稿です" in page
    response = client.post(
        f"/kyodo/{live_post.pk}/", {"name": "自分", "contact": "03-0000-0000", "message": "x"}
    )
    assert response.status_code == 409
    assert not Response.objects.exists()


def test_the_board_is_cached_and_a_new_post_shows_at_once(
    client, midori, counter_user, live_post, django_assert_num_queries
):
    assert live_post.title in body(client.get("/kyodo/"))
    with django_assert_num_queries(1):  # only the content versions are read
        assert live_post.title in body(client.get("/kyodo/"))
    later = published(group_post(midori, title="新しく公開した募集"), counter_user)
    assert later.title in body(client.get("/kyodo/"))


def test_the_board_uses_the_same_queries_with_1_and_1000_posts(
    client, midori, counter_user, django_assert_max_num_queries
):
    today = timezone.localdate()
    bulk_posts(midori, counter_user, 1, today=today)
    # A session cookie (an invalid one: no session is read) bypasses the public page cache:
    # this measures the page itself.
    client.cookies["sessionid"] = "none"
    with django_assert_max_num_queries(2) as one:  # the count and the page of posts
        assert client.get("/kyodo/").status_code == 200
    bulk_posts(midori, counter_user, 999, today=today)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/kyodo/?kind=recruit&field=environment&area=練馬&open=on")
    assert response.status_code == 200
    assert body(response).count('class="border rounded p-3 mb-2 coordination-post"') == 20
    assert "1000件" in body(response)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/kyodo/?page=50").status_code == 200


# --- A group's own posts ------------------------------------------------------------------------
POST_FORM = {
    "kind": "recruit",
    "title": "子育てサロンの読み聞かせボランティア",
    "description": "絵本の読み聞かせをしてくださる方を探しています。",
    "activity_field": "children",
    "area": "練馬",
    "period_from": "",
    "period_until": "",
    "needs": "火曜日の10時に来られる方",
    "how_to_respond": "応答フォームから",
    "expires_on": "",
}


def form(**changes) -> dict[str, str]:
    data = dict(POST_FORM, expires_on=(timezone.localdate() + dt.timedelta(days=30)).isoformat())
    data.update(changes)
    return data


def test_a_group_posts_from_mypage_and_waits_for_review(client, musubi):
    sign_in(client, member_of(musubi))
    page = body(client.get("/mypage/"))
    assert "協働マッチングに投稿する" in page
    response = client.post("/kyodo/group/new/", form(action="submit"))
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kyodo/group/{post.pk}/"
    assert post.status == PostStatus.PENDING and post.group == musubi
    page = body(client.get(response["Location"]))
    assert "センターが内容を確認しています" in page
    assert post.title in body(client.get("/mypage/"))
    assert client.get(f"/kyodo/{post.pk}/").status_code == 404


def test_a_draft_is_saved_and_sent_for_review_later(client, musubi):
    sign_in(client, member_of(musubi))
    client.post("/kyodo/group/new/", form(action="draft"))
    post = Post.objects.get()
    assert post.status == PostStatus.DRAFT
    client.post(f"/kyodo/group/{post.pk}/submit/")
    assert Post.objects.get().status == PostStatus.PENDING


def test_full_width_dates_and_bad_dates_in_the_group_form(client, musubi):
    sign_in(client, member_of(musubi))
    response = client.post("/kyodo/group/new/", form(expires_on="２０２６－１３－０１"))
    assert response.status_code == 400
    assert "正しい日付で入力してください" in body(response)
    expires = timezone.localdate() + dt.timedelta(days=20)
    full_width = expires.isoformat().translate(
        str.maketrans("0123456789-", "０１２３４５６７８９－")
    )
    client.post("/kyodo/group/new/", form(expires_on=full_width))
    assert Post.objects.get().expires_on == expires


def test_another_groups_post_and_its_responses_are_404(client, midori, musubi, live_post):
    respond(live_post)
    sign_in(client, member_of(musubi))
    for path in ("", "edit/"):
        assert client.get(f"/kyodo/group/{live_post.pk}/{path}").status_code == 404
    for path in ("submit/", "close/"):
        assert client.post(f"/kyodo/group/{live_post.pk}/{path}").status_code == 404
    assert Post.objects.get(pk=live_post.pk).status == PostStatus.PUBLISHED
    assert not PersonalDataAccess.objects.exists()


def test_the_poster_reads_its_responses_and_the_view_is_logged(client, midori, live_post):
    respond(live_post, message="子どもと参加したいです。")
    sign_in(client, member_of(midori))
    page = body(client.get(f"/kyodo/group/{live_post.pk}/"))
    assert "北川 由香" in page and "kitagawa@example.jp" in page
    assert "子どもと参加したいです。" in page
    line = PersonalDataAccess.objects.get()
    assert line.username == "midori@example.jp"
    assert line.record.startswith(f"協働マッチングの応答（投稿 #{live_post.pk}")
    assert line.path == f"/kyodo/group/{live_post.pk}/"
    # マイページ shows counts only: no personal data, no log line.
    page = body(client.get("/mypage/"))
    assert "1件" in page and "北川 由香" not in page
    assert PersonalDataAccess.objects.count() == 1


def test_a_group_ends_its_post(client, midori, live_post):
    sign_in(client, member_of(midori))
    client.post(f"/kyodo/group/{live_post.pk}/close/")
    assert Post.objects.get(pk=live_post.pk).status == PostStatus.CLOSED
    assert "受付終了" in body(client.get(f"/kyodo/{live_post.pk}/"))


def test_group_pages_are_for_group_accounts_only(client, counter_user, live_post):
    assert client.get("/kyodo/group/new/").status_code == 302
    sign_in(client, counter_user)
    assert client.get("/kyodo/group/new/").status_code == 404


# --- The counter --------------------------------------------------------------------------------
def test_staff_review_and_approve_from_the_counter(client, counter_user, midori):
    post = group_post(midori, title="確認待ちの募集")
    sign_in(client, counter_user)
    dashboard = body(client.get("/counter/"))
    assert "確認待ちの投稿（1件）" in dashboard and "確認待ちの募集" in dashboard
    assert "確認待ちの募集" in body(client.get("/counter/kyodo/"))
    page = body(client.get(f"/counter/kyodo/{post.pk}/"))
    assert "公開する" in page and "履歴" in page
    client.post(f"/counter/kyodo/{post.pk}/approve/")
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED
    assert client.get(f"/kyodo/{post.pk}/").status_code == 200


def test_a_rejection_without_a_reason_is_a_400_with_the_page(client, counter_user, midori):
    post = group_post(midori)
    sign_in(client, counter_user)
    response = client.post(f"/counter/kyodo/{post.pk}/reject/", {"reason": " "})
    assert response.status_code == 400
    assert "非公開にする理由を入力してください" in body(response)
    assert Post.objects.get(pk=post.pk).status == PostStatus.PENDING
    client.post(f"/counter/kyodo/{post.pk}/reject/", {"reason": "連絡先の記載が必要です"})
    assert Post.objects.get(pk=post.pk).rejection_reason == "連絡先の記載が必要です"


def test_staff_enter_a_company_offer(client, counter_user):
    sign_in(client, counter_user)
    data = form(
        kind="csr",
        group="",
        organisation_name="株式会社ねりまグリーン電機",
        notice_email="csr@green.example.jp",
        title="イベント用テントの貸出",
    )
    response = client.post("/counter/kyodo/new/", data)
    post = Post.objects.get()
    assert response["Location"] == f"/counter/kyodo/{post.pk}/"
    assert (post.poster_name, post.status) == ("株式会社ねりまグリーン電機", PostStatus.PENDING)
    response = client.post("/counter/kyodo/new/", dict(data, notice_email=""))
    assert response.status_code == 400
    assert "応答の通知先メールアドレスを入力してください" in body(response)


def test_staff_responses_page_shows_personal_data_and_logs_each_view(
    client, counter_user, live_post, musubi
):
    respond(live_post)
    respond(live_post, name="むすび 森", contact="03-0000-5555", responding_group=musubi)
    sign_in(client, counter_user)
    detail = body(client.get(f"/counter/kyodo/{live_post.pk}/"))
    assert "北川 由香" not in detail  # the post page: counts only, no log line
    assert not PersonalDataAccess.objects.exists()
    page = body(client.get(f"/counter/kyodo/{live_post.pk}/responses/"))
    assert (
        "北川 由香" in page
        and "03-0000-5555" in page
        and "登録団体：ねりま子育てひろば・むすび" in page
    )
    client.get(f"/counter/kyodo/{live_post.pk}/responses/")
    lines = list(PersonalDataAccess.objects.values_list("username", "record"))
    record = f"協働マッチングの応答（投稿 #{live_post.pk} {live_post.title}）"
    assert lines == [("madoguchi", record), ("madoguchi", record)]


def test_the_dashboard_lists_posts_with_new_responses_without_names(
    client, counter_user, live_post
):
    respond(live_post)
    sign_in(client, counter_user)
    page = body(client.get("/counter/"))
    assert "新しい応答があった投稿" in page
    assert live_post.title in page and "新しい応答 1件" in page
    assert "北川 由香" not in page
    assert not PersonalDataAccess.objects.exists()


def test_staff_record_outcomes_and_the_latest_is_shown(client, counter_user, live_post):
    sign_in(client, counter_user)
    response = client.post(f"/counter/kyodo/{live_post.pk}/outcome/", {"outcome": "maybe"})
    assert response.status_code == 400
    assert "調整の結果を一覧から選んでください" in body(response)
    client.post(
        f"/counter/kyodo/{live_post.pk}/outcome/", {"outcome": "connected", "note": "電話で"}
    )
    client.post(f"/counter/kyodo/{live_post.pk}/outcome/", {"outcome": "agreed", "note": ""})
    page = body(client.get(f"/counter/kyodo/{live_post.pk}/"))
    assert "調整の結果：成立" in page
    assert list(live_post.outcomes.values_list("outcome", flat=True)) == ["agreed", "connected"]


def test_statistics_page_per_fiscal_year(client, counter_user, live_post):
    outcome_record(post=live_post, outcome="agreed", recorded_by=counter_user)
    respond(live_post)
    sign_in(client, counter_user)
    page = body(client.get("/counter/kyodo/stats/"))
    year = (
        live_post.published_on.year
        if live_post.published_on.month >= 4
        else live_post.published_on.year - 1
    )
    assert f"協働マッチングの統計 — {year}年度" in page
    # 募集: 掲載 1, 応答 1, つないだ 0, 成立 1, 不成立 0
    cells = "".join(f'<td class="text-end">{n}</td>' for n in (1, 1, 0, 1, 0))
    assert f'<th scope="row">募集</th>{cells}' in page
    for bad in ("1999", "abc", "２０２６x", "²"):
        response = client.get(f"/counter/kyodo/stats/?year={bad}")
        assert response.status_code == 400
        assert "年度は一覧から選んでください" in body(response)


def test_counter_index_uses_the_same_queries_with_1_and_1000_posts(
    client, counter_user, midori, django_assert_max_num_queries
):
    today = timezone.localdate()
    bulk_posts(midori, counter_user, 1, today=today)
    sign_in(client, counter_user)
    client.get("/counter/kyodo/")
    with django_assert_max_num_queries(12) as one:
        assert client.get("/counter/kyodo/").status_code == 200
    bulk_posts(midori, counter_user, 999, today=today)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/counter/kyodo/").status_code == 200


def test_the_admin_shows_posts_with_their_history_and_logs_the_responses_list(
    client, ward_user, live_post
):
    respond(live_post)
    outcome_record(post=live_post, outcome="connected", recorded_by=ward_user)
    sign_in(client, ward_user)
    assert live_post.title in body(client.get("/admin/coordination/post/"))
    page = body(client.get(f"/admin/coordination/post/{live_post.pk}/change/"))
    assert "履歴" in page and "窓口のページを開く" in page
    assert client.get("/admin/coordination/outcome/").status_code == 200
    assert not PersonalDataAccess.objects.exists()
    assert "北川 由香" in body(client.get("/admin/coordination/response/"))
    assert PersonalDataAccess.objects.get().record.startswith("管理画面 ")
    response = live_post.responses.get()
    assert "kitagawa@example.jp" in body(
        client.get(f"/admin/coordination/response/{response.pk}/change/")
    )
    assert PersonalDataAccess.objects.filter(
        record=f"管理画面 協働マッチングの応答 #{response.pk}"
    ).exists()
