"""The rules of the coordination board, through its services, on real PostgreSQL: who posts
what, review before publication, expiry, responses and their mails, outcomes, statistics."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from coordination.models import Outcome, Post, PostKind, PostStatus, Response
from coordination.selectors import board_posts, coordination_statistics
from coordination.services import (
    RESPONSES_PER_ADDRESS_PER_HOUR,
    CoordinationError,
    outcome_record,
    post_approve,
    post_close,
    post_create_by_staff,
    post_reject,
    post_submit,
    post_update_by_group,
    posts_expire,
)
from kyodo_center.tasks import run_daily_tasks
from notices.models import Notice
from tests.coordination.conftest import (
    NOW,
    TODAY,
    csr_post,
    group_post,
    make_group,
    member_of,
    post_data,
    published,
    respond,
)

pytestmark = pytest.mark.django_db


# --- Posts by a group ------------------------------------------------------------------------
def test_a_group_post_is_a_draft_or_waits_for_review_never_public(midori):
    draft = group_post(midori, submit=False, now=NOW, title="下書きの募集")
    waiting = group_post(midori, submit=True, now=NOW, title="確認待ちの募集")
    assert draft.status == PostStatus.DRAFT and draft.submitted_at is None
    assert waiting.status == PostStatus.PENDING and waiting.submitted_at == NOW
    assert waiting.author == member_of(midori)
    assert list(board_posts(today=TODAY)) == []


def test_a_group_posts_only_recruitments_and_offers(midori):
    with pytest.raises(CoordinationError, match="「募集」と「提供」"):
        group_post(midori, now=NOW, kind=PostKind.CSR)
    assert not Post.objects.exists()


def test_a_lapsed_group_cannot_post(db):
    lapsed = make_group("旧登録の会", "2024-0007", "old@example.jp")
    lapsed.valid_until = TODAY - dt.timedelta(days=1)
    lapsed.valid_from = TODAY - dt.timedelta(days=400)
    lapsed.save()
    with pytest.raises(CoordinationError, match="団体登録が有効な登録団体だけ"):
        group_post(lapsed, now=NOW)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "タイトルを入力"),
        ({"needs": ""}, "求めること・提供できることを入力"),
        ({"expires_on": TODAY - dt.timedelta(days=1)}, "今日（2026年11月23日(月)）以降"),
        ({"expires_on": TODAY + dt.timedelta(days=400)}, "1年以内"),
        (
            {"period_from": TODAY + dt.timedelta(days=9), "period_until": TODAY},
            "活動期間の終わりは始まり以降",
        ),
        (
            {"period_until": TODAY + dt.timedelta(days=10)},
            "活動期間の終わり（2026年12月3日(木)）まで",
        ),
    ],
)
def test_bad_content_is_refused_in_japanese(midori, fields, message):
    with pytest.raises(CoordinationError, match=re.escape(message)):
        group_post(midori, now=NOW, **fields)
    assert not Post.objects.exists()


def test_staff_approve_and_the_post_is_on_the_board_until_its_expiry(midori, counter_user):
    post = group_post(midori, now=NOW)
    post_approve(post=post, by=counter_user, now=NOW)
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert (post.reviewed_by, post.reviewed_at, post.published_on) == (counter_user, NOW, TODAY)
    assert list(board_posts(today=TODAY)) == [post]
    assert list(board_posts(today=post.expires_on)) == [post]
    assert list(board_posts(today=post.expires_on + dt.timedelta(days=1))) == []
    # The group hears of it by mail, at its contact and account addresses.
    notice = Notice.objects.get(kind="coordination_post_approved")
    assert set(notice.recipients) == {"contact-midori@example.jp", "midori@example.jp"}
    assert post.title in notice.subject


def test_only_staff_approve_and_only_posts_waiting_for_review(midori, counter_user):
    draft = group_post(midori, submit=False, now=NOW)
    with pytest.raises(CoordinationError, match="職員だけ"):
        post_approve(post=draft, by=member_of(midori), now=NOW)
    with pytest.raises(CoordinationError, match="「下書き」のため、公開できません"):
        post_approve(post=draft, by=counter_user, now=NOW)
    post_submit(post=draft, group=midori, by=member_of(midori), now=NOW)
    assert post_approve(post=draft, by=counter_user, now=NOW).status == PostStatus.PUBLISHED


def test_a_post_past_its_expiry_is_not_approved(midori, counter_user):
    post = group_post(midori, now=NOW)
    later = NOW + dt.timedelta(days=31)
    with pytest.raises(CoordinationError, match="掲載期限が過ぎている"):
        post_approve(post=post, by=counter_user, now=later)
    assert Post.objects.get(pk=post.pk).status == PostStatus.PENDING


def test_rejection_needs_a_reason_which_the_group_reads(midori, ward_user):
    post = group_post(midori, now=NOW)
    with pytest.raises(CoordinationError, match="理由を入力"):
        post_reject(post=post, by=ward_user, reason="  ", now=NOW)
    post_reject(post=post, by=ward_user, reason="営利目的の募集は掲載できません。", now=NOW)
    post.refresh_from_db()
    assert post.status == PostStatus.REJECTED
    assert post.get_status_display() == "非公開（却下）"
    notice = Notice.objects.get(kind="coordination_post_rejected")
    assert "営利目的の募集は掲載できません。" in notice.body
    # Changed and sent again, it waits for review.
    post_submit(post=post, group=midori, by=member_of(midori), now=NOW)
    assert Post.objects.get(pk=post.pk).status == PostStatus.PENDING


def test_a_change_by_the_group_takes_the_post_off_the_board_until_approved(midori, counter_user):
    post = published(group_post(midori, now=NOW), counter_user, now=NOW)
    post_update_by_group(
        post=post,
        group=midori,
        data=post_data(today=TODAY, title="クリーン作戦（日程変更）"),
        updated_by=member_of(midori),
        submit=True,
        now=NOW,
    )
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING and post.title == "クリーン作戦（日程変更）"
    assert list(board_posts(today=TODAY)) == []
    post_approve(post=post, by=counter_user, now=NOW + dt.timedelta(days=1))
    post.refresh_from_db()
    assert post.published_on == TODAY  # the day it first went public stays
    assert list(board_posts(today=TODAY)) == [post]


def test_a_group_cannot_change_another_groups_post(midori, musubi):
    post = group_post(midori, now=NOW)
    with pytest.raises(CoordinationError, match="見つかりません"):
        post_update_by_group(
            post=post,
            group=musubi,
            data=post_data(today=TODAY),
            updated_by=member_of(musubi),
            submit=True,
            now=NOW,
        )
    with pytest.raises(CoordinationError, match="見つかりません"):
        post_close(post=post, by=member_of(musubi), group=musubi, now=NOW)


def test_closing_keeps_the_post_on_the_board_as_ended_without_responses(midori, counter_user):
    post = published(group_post(midori, now=NOW), counter_user, now=NOW)
    post_close(post=post, by=member_of(midori), group=midori, now=NOW)
    post.refresh_from_db()
    assert post.status == PostStatus.CLOSED and post.closed_at == NOW
    assert list(board_posts(today=TODAY)) == [post]
    with pytest.raises(CoordinationError, match="受付を終了しました"):
        respond(post, now=NOW)


# --- Posts by staff ---------------------------------------------------------------------------
def test_a_ward_department_invitation_is_entered_by_ward_staff_only(counter_user, ward_user):
    data = post_data(
        today=TODAY,
        kind=PostKind.WARD,
        title="協働事業提案制度の提案募集",
        organisation_name="地域文化部協働推進課",
        notice_email="kyodo@example.jp",
    )
    with pytest.raises(CoordinationError, match="区職員が入力"):
        post_create_by_staff(data=data, author=counter_user, now=NOW)
    post = post_create_by_staff(data=data, author=ward_user, now=NOW)
    assert post.status == PostStatus.PENDING
    assert post.poster_name == "地域文化部協働推進課"
    assert post.group is None


def test_a_company_offer_needs_its_name_and_a_notice_address(counter_user):
    with pytest.raises(CoordinationError, match="企業の名称"):
        csr_post(counter_user, now=NOW, organisation_name="")
    with pytest.raises(CoordinationError, match="通知先メールアドレスを正しく"):
        csr_post(counter_user, now=NOW, notice_email="csr@")
    post = csr_post(counter_user, now=NOW)
    assert post.kind == PostKind.CSR and post.notice_email == "csr@green.example.jp"


def test_staff_enter_a_groups_recruitment_taken_by_phone(counter_user, midori):
    post = post_create_by_staff(data=post_data(today=TODAY, group=midori), author=counter_user)
    assert (post.group, post.author, post.status) == (midori, counter_user, PostStatus.PENDING)


@pytest.mark.parametrize(
    "fields",
    [
        {"organisation_name": "株式会社テスト"},  # a group post with an organisation name too
        {"group": None, "organisation_name": ""},  # nobody
        {"kind": PostKind.CSR},  # a company's kind in a group's name
        {"published_on": TODAY + dt.timedelta(days=40)},  # expires before it starts
        {"period_from": TODAY, "period_until": TODAY - dt.timedelta(days=1)},
        {"status": PostStatus.PUBLISHED},  # public without review
        {"status": PostStatus.REJECTED},  # rejected without a reason
    ],
)
def test_the_database_refuses_what_the_rules_forbid(midori, fields):
    base = {
        "kind": PostKind.RECRUIT,
        "title": "募集",
        "description": "内容",
        "needs": "人手",
        "how_to_respond": "フォームから",
        "group": midori,
        "expires_on": TODAY + dt.timedelta(days=30),
        "author": member_of(midori),
    }
    base.update(fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(**base)


# --- Expiry (the daily job) --------------------------------------------------------------------
def test_the_daily_job_ends_posts_past_their_expiry(midori, counter_user):
    live = published(group_post(midori, now=NOW, title="掲載中"), counter_user, now=NOW)
    old = published(
        group_post(midori, now=NOW, title="期限切れ", expires_on=TODAY + dt.timedelta(days=2)),
        counter_user,
        now=NOW,
    )
    waiting = group_post(midori, now=NOW, title="確認待ちのまま", expires_on=TODAY)
    draft = group_post(midori, now=NOW, submit=False, title="下書き", expires_on=TODAY)
    later = NOW + dt.timedelta(days=3)
    assert run_daily_tasks(later) == []
    states = dict(Post.objects.values_list("title", "status"))
    assert states == {
        live.title: PostStatus.PUBLISHED,
        old.title: PostStatus.CLOSED,
        waiting.title: PostStatus.CLOSED,
        draft.title: PostStatus.DRAFT,  # the group may still change its date
    }
    assert posts_expire(now=later) == 0  # again: nothing more to do


# --- Responses ---------------------------------------------------------------------------------
def test_a_response_mails_the_poster_and_a_receipt_to_the_responder(midori, counter_user):
    post = published(group_post(midori, now=NOW), counter_user, now=NOW)
    response = respond(post, now=NOW, message="子どもと参加したいです。\n雨の日は？")
    assert response.post == post and response.responding_group is None
    to_poster = Notice.objects.get(kind="coordination_response")
    assert set(to_poster.recipients) == {"contact-midori@example.jp", "midori@example.jp"}
    assert "北川 由香" in to_poster.body
    assert "kitagawa@example.jp" in to_poster.body
    assert "子どもと参加したいです。\n雨の日は？" in to_poster.body
    receipt = Notice.objects.get(kind="coordination_response_receipt")
    assert receipt.recipients == ["kitagawa@example.jp"]
    assert post.title in receipt.subject
    # The receipt says the responder's own words, nothing of the poster's addresses.
    assert "midori@example.jp" not in receipt.body


def test_a_phone_number_gets_no_receipt_and_full_width_digits_are_read(midori, counter_user):
    post = published(group_post(midori, now=NOW), counter_user, now=NOW)
    response = respond(post, now=NOW, contact="０３－００００－１２３４")
    assert response.contact == "03-0000-1234"
    assert Notice.objects.filter(kind="coordination_response").count() == 1
    assert not Notice.objects.filter(kind="coordination_response_receipt").exists()


def test_a_company_hears_of_responses_at_its_notice_address(counter_user, midori):
    post = published(csr_post(counter_user, now=NOW), counter_user, now=NOW)
    respond(
        post,
        now=NOW,
        name="みどりネット 水野",
        contact="mizuno@example.jp",
        responding_group=midori,
    )
    notice = Notice.objects.get(kind="coordination_response")
    assert notice.recipients == ["csr@green.example.jp"]
    assert "登録団体：しゃくじい川みどりネット" in notice.body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": " "}, "お名前を入力"),
        ({"contact": ""}, "連絡先（メールアドレスまたは電話番号）を入力"),
        ({"contact": "taro@"}, "メールアドレスを正しく"),
        ({"contact": "あとで連絡します"}, "メールアドレスか電話番号"),
        ({"contact": "12"}, "メールアドレスか電話番号"),
        ({"message": "\n"}, "メッセージを入力"),
        ({"message": "あ" * 2001}, "2000文字以内"),
    ],
)
def test_bad_responses_are_refused_and_nothing_is_sent(midori, counter_user, fields, message):
    post = published(group_post(midori, now=NOW), counter_user, now=NOW)
    Notice.objects.all().delete()
    with pytest.raises(CoordinationError, match=message):
        respond(post, now=NOW, **fields)
    assert not Response.objects.exists()
    assert not Notice.objects.exists()


def test_no_response_to_unpublished_or_expired_posts_nor_to_ones_own(midori, counter_user):
    waiting = group_post(midori, now=NOW)
    with pytest.raises(CoordinationError, match="受付を終了しました"):
        respond(waiting, now=NOW)
    post = published(group_post(midori, now=NOW), counter_user, now=NOW)
    with pytest.raises(CoordinationError, match="受付を終了しました"):
        respond(post, now=NOW + dt.timedelta(days=31))
    with pytest.raises(CoordinationError, match="自分の団体の投稿"):
        respond(post, now=NOW, responding_group=midori)
    assert not Response.objects.exists()


def test_the_same_response_sent_twice_is_one_response(midori, counter_user):
    post = published(group_post(midori, now=NOW), counter_user, now=NOW)
    first = respond(post, now=NOW)
    again = respond(post, now=NOW + dt.timedelta(minutes=2))
    assert again == first
    assert Response.objects.count() == 1
    assert Notice.objects.filter(kind="coordination_response").count() == 1


def test_one_address_sends_a_limited_number_of_responses_an_hour(midori, counter_user):
    post = published(group_post(midori, now=NOW), counter_user, now=NOW)
    for number in range(RESPONSES_PER_ADDRESS_PER_HOUR):
        respond(post, now=NOW, message=f"応答{number}", client_address="192.0.2.7")
    with pytest.raises(CoordinationError, match="1時間に10件まで"):
        respond(post, now=NOW, message="もう一件", client_address="192.0.2.7")
    respond(post, now=NOW, message="別の接続元", client_address="192.0.2.8")
    respond(
        post,
        now=NOW + dt.timedelta(hours=1, minutes=1),
        message="1時間後",
        client_address="192.0.2.7",
    )
    assert Response.objects.count() == RESPONSES_PER_ADDRESS_PER_HOUR + 2


# --- Outcomes and statistics ---------------------------------------------------------------------
def test_outcomes_are_recorded_by_staff_on_published_posts_latest_first(midori, counter_user):
    draft = group_post(midori, submit=False, now=NOW)
    with pytest.raises(CoordinationError, match="公開した投稿にだけ"):
        outcome_record(post=draft, outcome="connected", recorded_by=counter_user, now=NOW)
    post = published(group_post(midori, now=NOW), counter_user, now=NOW)
    with pytest.raises(CoordinationError, match="職員だけ"):
        outcome_record(post=post, outcome="agreed", recorded_by=member_of(midori), now=NOW)
    with pytest.raises(CoordinationError, match="一覧から選んで"):
        outcome_record(post=post, outcome="maybe", recorded_by=counter_user, now=NOW)
    outcome_record(
        post=post, outcome="connected", note="電話でつないだ", recorded_by=counter_user, now=NOW
    )
    outcome_record(
        post=post, outcome="agreed", recorded_by=counter_user, now=NOW + dt.timedelta(days=2)
    )
    assert [o.get_outcome_display() for o in post.outcomes.all()] == ["成立", "つないだ"]


def test_statistics_count_per_fiscal_year_and_each_post_by_its_latest_outcome(
    midori, musubi, counter_user, ward_user
):
    last_year = timezone.make_aware(dt.datetime(2026, 3, 20, 10, 0))
    old = published(
        group_post(midori, now=last_year, title="前年度の募集"), counter_user, now=last_year
    )
    respond(old, now=last_year)
    outcome_record(post=old, outcome="failed", recorded_by=counter_user, now=last_year)

    recruit = published(group_post(midori, now=NOW), counter_user, now=NOW)
    offer = published(group_post(musubi, now=NOW, kind=PostKind.OFFER), counter_user, now=NOW)
    company = published(csr_post(counter_user, now=NOW), counter_user, now=NOW)
    group_post(musubi, now=NOW, title="確認待ちは数えない")
    respond(recruit, now=NOW)
    respond(recruit, now=NOW, name="西田", contact="03-0000-4411")
    respond(company, now=NOW, name="むすび 森", contact="mori@example.jp", responding_group=musubi)
    outcome_record(post=recruit, outcome="connected", recorded_by=counter_user, now=NOW)
    outcome_record(
        post=recruit, outcome="agreed", recorded_by=counter_user, now=NOW + dt.timedelta(hours=1)
    )
    outcome_record(post=company, outcome="connected", recorded_by=counter_user, now=NOW)
    outcome_record(post=offer, outcome="failed", recorded_by=counter_user, now=NOW)

    stats = coordination_statistics(2026)
    rows = {row.label: row for row in stats.rows}
    assert (rows["募集"].published, rows["募集"].responses, rows["募集"].agreed) == (1, 2, 1)
    assert rows["募集"].connected == 0  # つないだ, then 成立: counted once, as 成立
    assert (rows["提供"].published, rows["提供"].failed) == (1, 1)
    assert (rows["企業のCSR"].published, rows["企業のCSR"].connected) == (1, 1)
    assert rows["協働提案の募集"].published == 0
    total = stats.total
    assert (total.published, total.responses, total.connected, total.agreed, total.failed) == (
        3,
        3,
        1,
        1,
        1,
    )
    assert (stats.public_responses, stats.group_responses) == (2, 1)
    before = coordination_statistics(2025)
    assert (before.total.published, before.total.responses, before.total.failed) == (1, 1, 1)


def test_every_change_is_in_the_history_with_who_made_it(midori, counter_user):
    from kyodo_center.history import history_for

    post = group_post(midori, now=NOW)
    post_approve(post=post, by=counter_user, now=NOW)
    outcome_record(post=post, outcome="connected", recorded_by=counter_user, now=NOW)
    rows = history_for(post, related=[Outcome])
    # One test transaction: every row has the same time, so compare them as a set.
    actions = {(row.actor, row.subject, row.action) for row in rows}
    assert actions == {
        (member_of(midori).username, f"協働マッチングの投稿 #{post.pk}", "作成"),
        ("窓口 花子", f"協働マッチングの投稿 #{post.pk}", "変更"),  # 公開
        ("窓口 花子", f"調整の結果 #{post.outcomes.get().pk}", "作成"),
    }
