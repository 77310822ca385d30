"""The operator's referral page: 対応中 and 完了 offered from the first save (an answer completes
it in one save), and the referral list with open ones first, newest first, one line each."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from consultations.models import Referral, ReferralStatus, Route
from consultations.services.referrals import referral_update
from tests.conftest import sign_in
from tests.consultations import factories

pytestmark = pytest.mark.django_db


def referred(
    counter_user, *, summary: str = "子ども食堂の立ち上げに使える助成金を知りたい", **extra
):
    return factories.consultation(
        user=counter_user,
        route=Route.OPERATOR,
        topic_name="助成金",
        operator_name=factories.SHAKYO,
        summary=summary,
        **extra,
    ).referral


def radio_labels(body: str) -> list[str]:
    """The status choices the form offers, in order (crispy renders radios with their labels)."""
    return re.findall(r'name="status" value="[a-z_]+"[^>]*>\s*<label[^>]*>\s*([^<\s]+)', body)


def test_a_new_referral_offers_in_progress_and_completed_from_the_first_save(
    client, counter_user, shakyo_user
):
    referral = referred(counter_user)
    sign_in(client, shakyo_user)
    body = client.get(f"/consultations/referrals/{referral.pk}/").content.decode()
    assert radio_labels(body) == ["対応中", "完了"]
    # 対応中 is the safe default (完了 is final); nothing else is preselected.
    assert re.search(r'value="in_progress"[^>]*checked', body)
    assert not re.search(r'value="completed"[^>]*checked', body)


def test_operator_completes_a_referral_in_one_save(client, counter_user, shakyo_user):
    referral = referred(counter_user)
    sign_in(client, shakyo_user)
    url = f"/consultations/referrals/{referral.pk}/"
    response = client.post(
        url, {"status": "completed", "answer": "区の助成制度を案内しました。"}, follow=True
    )
    body = response.content.decode()
    assert '<strong id="referral-status">完了</strong>' in body
    assert "区の助成制度を案内しました。" in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.completed_at is not None


def test_completing_without_an_answer_says_so_next_to_the_answer_and_keeps_the_choice(
    client, counter_user, shakyo_user
):
    referral = referred(counter_user)
    sign_in(client, shakyo_user)
    response = client.post(
        f"/consultations/referrals/{referral.pk}/", {"status": "completed", "answer": "  "}
    )
    assert response.status_code == 400
    body = response.content.decode()
    # The message sits with the 回答 field (crispy's invalid-feedback under the textarea).
    assert re.search(r'id="id_answer".*?完了にするには回答を入力してください。', body, re.S)
    assert re.search(r'value="completed"[^>]*checked', body)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED


def test_in_progress_referral_still_offers_both_and_cannot_go_back(
    client, counter_user, shakyo_user
):
    referral = referred(counter_user)
    referral_update(
        referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.IN_PROGRESS, answer=""
    )
    sign_in(client, shakyo_user)
    url = f"/consultations/referrals/{referral.pk}/"
    assert radio_labels(client.get(url).content.decode()) == ["対応中", "完了"]
    back = client.post(url, {"status": "referred", "answer": "下書き"})
    assert back.status_code == 409
    assert "戻せません" in back.content.decode()


def test_referral_list_shows_open_ones_first_newest_first_with_a_one_line_summary(
    client, counter_user, shakyo_user
):
    now = timezone.now()
    old_open = referred(counter_user, summary="古い未完了の相談")
    new_done = referred(counter_user, summary="新しい完了済みの相談")
    new_open = referred(counter_user, summary="新しい未完了の相談\n二行目は一覧では続けて表示")
    in_progress = referred(counter_user, summary="対応中の相談")
    long_summary = "とても長い相談内容" * 10
    oldest_open = referred(counter_user, summary=long_summary)
    times = {
        oldest_open: now - dt.timedelta(days=9),
        old_open: now - dt.timedelta(days=5),
        in_progress: now - dt.timedelta(days=3),
        new_done: now - dt.timedelta(days=1),
        new_open: now - dt.timedelta(hours=2),
    }
    for referral, at in times.items():
        Referral.objects.filter(pk=referral.pk).update(referred_at=at)
    referral_update(
        referral_id=in_progress.pk, user=shakyo_user, status=ReferralStatus.IN_PROGRESS, answer=""
    )
    referral_update(
        referral_id=new_done.pk, user=shakyo_user, status=ReferralStatus.COMPLETED, answer="済"
    )
    sign_in(client, shakyo_user)
    body = client.get("/consultations/referrals/").content.decode()
    order = [int(pk) for pk in re.findall(r'href="/consultations/referrals/(\d+)/"', body)]
    assert order == [new_open.pk, in_progress.pk, old_open.pk, oldest_open.pk, new_done.pk]
    assert '<th scope="col">概要</th>' in body
    assert "新しい未完了の相談\n二行目は一覧では続けて表示" in body
    assert long_summary not in body and long_summary[:39] + "…" in body
