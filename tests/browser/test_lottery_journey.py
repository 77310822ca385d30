"""Journey of issue 14 (抽選): a registered group applies for three blocks on its pages
(入力→確認→完了), other groups compete for two of them; the period closes, the worker's job
draws, the results mail arrives, the group sees 当選（未確定） and 落選 on マイページ and confirms
a win (確定); the public page of the round shows the seed and how to verify the draw."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from facilities import selectors
from facilities.drawing import Entry, commitment_of, draw
from facilities.models import (
    Booking,
    BookingStage,
    LotteryApplication,
    LotteryResult,
    LotteryRound,
)
from facilities.services.lottery import lottery_application_create
from kyodo_center.dates import add_months, local_datetime
from tests.browser.test_online_booking_journey import group_with_account
from tests.conftest import login, serious_accessibility_violations
from tests.facilities.lottery import make_group, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def apply_on_the_pages(
    page: Any, *, room: str, day: dt.date, block: str, purpose: str, check: bool = False
) -> None:
    """From マイページ: 抽選に申し込む → 入力 → 確認 → 完了."""
    page.get_by_role("link", name="マイページ").first.click()
    page.get_by_role("link", name="抽選に申し込む").click()
    page.get_by_label("部屋").select_option(label=room)
    page.get_by_label("利用日").fill(day.isoformat())
    page.get_by_label("区分").select_option(block)
    page.get_by_label("利用人数").fill("12")
    page.get_by_label("利用目的").fill(purpose)
    if check:
        assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="確認画面へ進む").click()
    page.get_by_text("まだ申込みは完了していません").wait_for()
    if check:
        assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="この内容で申し込む").click()
    page.wait_for_url("**/facilities/lottery/applications/*/")
    assert "抽選の申込みを受け付けました" in page.content()


def seed_where(lottery_round: LotteryRound, group_id: int, wins: int) -> str:
    """A seed with which ``group_id`` wins exactly ``wins`` blocks (the draw is a pure function
    of the seed and the applications: the test picks one so that the group sees both results)."""
    rows = selectors.lottery_application_rows(lottery_round)
    codes = selectors.applicant_codes(rows)
    entries = [Entry(row.number, codes[row.group_id], row.block) for row in rows]
    mine = {row.number for row in rows if row.group_id == group_id}
    for number in range(1, 10_000):
        seed = f"{number:064x}"
        if len(mine & set(draw(seed, entries).values())) == wins:
            return seed
    raise AssertionError("no seed found")


def test_apply_draw_mail_results_and_confirm_a_win(
    page, live_server, facility, smtp_server, worker
):
    base = live_server.url
    today = timezone.localdate()
    # A round taking applications today, for a month well after it (any month > confirm_by).
    lottery_round = make_round(
        facility,
        target_month=add_months(today.replace(day=1), 4),
        applications_open_on=today - dt.timedelta(days=1),
        applications_close_on=today + dt.timedelta(days=1),
        draw_at=local_datetime(today + dt.timedelta(days=2), dt.time(10, 0)),
        confirm_by=today + dt.timedelta(days=6),
    )
    first_day = lottery_round.target_month + dt.timedelta(days=9)
    second_day = first_day + dt.timedelta(days=1)
    group, member = group_with_account("ねりま子育てネット", "2026-0601", "kosodate@example.jp")

    # The group signs in, finds the round on マイページ and applies for three blocks.
    login(page, base, member.username)
    page.wait_for_url("**/mypage/")
    assert f"{lottery_round}（抽選受付中）" in page.content()
    assert serious_accessibility_violations(page) == []
    apply_on_the_pages(
        page, room="多目的室1", day=first_day, block="午前", purpose="子育て講座", check=True
    )
    assert serious_accessibility_violations(page) == []
    apply_on_the_pages(page, room="多目的室1", day=first_day, block="午後", purpose="総会")
    apply_on_the_pages(page, room="多目的室2", day=second_day, block="夜間", purpose="定例会")
    assert LotteryApplication.objects.filter(group=group).count() == 3

    # Two other groups compete for the first two blocks (at the counter or online).
    room1 = facility.rooms.get(name="多目的室1")
    rivals = [make_group("石神井の自然の会"), make_group("光が丘読書会")]
    for rival, blocks in zip(rivals, (("午前", "午後"), ("午前",)), strict=True):
        for block in blocks:
            lottery_application_create(
                lottery_round=lottery_round,
                group=rival,
                room=room1,
                day=first_day,
                block_name=block,
                purpose="例会",
                attendees=8,
            )

    page.goto(f"{base}/mypage/")
    assert "申込中" in page.content()
    assert serious_accessibility_violations(page) == []

    # The period closes and the draw's time passes; the worker's periodic job draws.
    seed = seed_where(lottery_round, group.pk, wins=2)
    LotteryRound.objects.filter(pk=lottery_round.pk).update(
        applications_open_on=today - dt.timedelta(days=2),
        applications_close_on=today - dt.timedelta(days=1),
        draw_at=timezone.now() - dt.timedelta(minutes=1),
        seed=seed,
        commitment=commitment_of(seed),
    )
    from facilities.tasks import lottery_due

    assert "抽選1回を実施" in lottery_due(int(timezone.now().timestamp()))
    results = dict(
        LotteryApplication.objects.filter(round=lottery_round).values_list("pk", "result")
    )
    assert LotteryResult.LOST in results.values()

    # The results mail reaches every applicant group; ours says 当選2件 and what to do.
    worker()
    messages = smtp_server.wait_for(3)
    (ours,) = [m for m in messages if "kosodate@example.jp" in str(m["To"])]
    assert f"{lottery_round}の結果（当選2件）" in str(ours["Subject"])
    body = ours.get_content()
    assert "当選" in body and "落選" in body and "確定する" in body

    # マイページ: two wins to confirm, one 落選.
    page.goto(f"{base}/mypage/")
    lottery = page.locator("section[aria-labelledby=mypage-lottery]")
    assert lottery.get_by_text("当選（未確定）", exact=True).count() == 2
    assert lottery.get_by_text("落選", exact=True).count() == 1
    assert serious_accessibility_violations(page) == []

    # The group confirms one win (with a confirmation step) and it becomes 確定.
    lottery.get_by_role("link", name="確定する").first.click()
    page.get_by_role("button", name="この当選を確定する").wait_for()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="この当選を確定する").click()
    page.wait_for_url("**/mypage/")
    page.get_by_text("当選を確定しました").wait_for()
    assert lottery.get_by_text("確定", exact=True).count() == 1
    assert lottery.get_by_text("当選（未確定）", exact=True).count() == 1
    confirmed = Booking.objects.get(group=group, stage=BookingStage.CONFIRMED)
    assert confirmed.approval_number

    # The round's public page shows the seed and how to check the draw.
    page.goto(f"{base}/facilities/lottery/{lottery_round.pk}/")
    text = page.content()
    assert seed in text and commitment_of(seed) in text
    assert "結果の検証方法" in text and "drawing.py" in text
    assert serious_accessibility_violations(page) == []


def test_the_counter_enters_an_application_and_confirms_a_win_by_telephone(
    page, live_server, facility, counter_user, registered_group
):
    """A group phones: the clerk finds it with the picker (as it types), enters its
    application; after the draw, the group phones again and the clerk confirms the win."""
    base = live_server.url
    today = timezone.localdate()
    lottery_round = make_round(
        facility,
        target_month=add_months(today.replace(day=1), 4),
        applications_open_on=today,
        applications_close_on=today + dt.timedelta(days=1),
        draw_at=local_datetime(today + dt.timedelta(days=2), dt.time(10, 0)),
        confirm_by=today + dt.timedelta(days=6),
    )
    day = lottery_round.target_month + dt.timedelta(days=4)
    login(page, base, counter_user.username)
    page.wait_for_url("**/counter/")
    page.get_by_role("link", name="抽選", exact=True).click()
    page.wait_for_url("**/counter/bookings/lottery/")
    assert "抽選受付中" in page.content()
    page.get_by_role("combobox", name="登録団体を検索").fill("ねりま")
    page.get_by_text("選択中：ねりま子育てネットワーク（2026-0001）").wait_for()
    page.get_by_label("部屋").select_option(label="多目的室2")
    page.get_by_label("利用日").fill(day.isoformat())
    page.get_by_label("区分").select_option("夜間")
    page.get_by_label("利用人数").fill("9")
    page.get_by_label("利用目的").fill("子育て相談会")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="申込みを受け付ける").click()
    page.get_by_text("を受け付けました：ねりま子育てネットワーク").wait_for()
    application = LotteryApplication.objects.get()
    assert application.group == registered_group and application.entered_by == counter_user

    LotteryRound.objects.filter(pk=lottery_round.pk).update(
        applications_close_on=today - dt.timedelta(days=1),
        applications_open_on=today - dt.timedelta(days=1),
        draw_at=timezone.now() - dt.timedelta(minutes=1),
    )
    from facilities.services.lottery import lottery_draw_due

    assert lottery_draw_due() == 1
    win = Booking.objects.get(group=registered_group)
    page.goto(f"{base}/counter/bookings/{win.pk}/")
    assert "当選（未確定）" in page.content()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="当選を確定する（電話等で受付）").click()
    page.get_by_text("当選を確定しました").wait_for()
    win.refresh_from_db()
    assert win.stage == BookingStage.CONFIRMED and win.confirmed_by == counter_user
