"""Public lottery pages (抽選, issue 14): the rounds and how the draw works, a round's schedule
and published result (never its seed before the draw, never a group's name), the result as JSON
that drawing.py verifies, the algorithm's source, and the calendar's 抽 days."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facilities import drawing
from facilities.models import Closure, LotteryDraw, LotteryExcludedDay
from facilities.services.lottery import lottery_application_create, lottery_draw
from kyodo_center.dates import add_months
from tests.facilities.lottery import (
    AFTER_CLOSE,
    NOW,
    SEED,
    TARGET,
    make_group,
    make_round,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 2, 9)  # a Tuesday of the target month
GROUP_NAMES = ("ひかりが丘読書会", "石神井川を守る会", "大泉子ども食堂")


def apply(lottery_round, group, room, day=DAY, block="午前"):
    return lottery_application_create(
        lottery_round=lottery_round,
        group=group,
        room=room,
        day=day,
        block_name=block,
        purpose="定例会",
        attendees=10,
        now=NOW,
    )


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def applied(facility, room1, room2):
    """A round of February 2027 with three groups' applications (one on a day that closes
    before the draw) and an excluded day."""
    lottery_round = make_round(facility)
    LotteryExcludedDay.objects.create(
        round=lottery_round, day=dt.date(2027, 2, 20), note="センターまつり"
    )
    first, second, third = (make_group(name) for name in GROUP_NAMES)
    for group in (first, second, third):
        apply(lottery_round, group, room1)
    apply(lottery_round, first, room2, block="夜間")
    closed = apply(lottery_round, second, room2, day=DAY + dt.timedelta(days=1), block="午後")
    Closure.objects.create(facility=facility, date=DAY + dt.timedelta(days=1))
    return lottery_round, closed


def freeze(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- The list -----------------------------------------------------------------------------------
def test_the_list_explains_the_lottery_and_shows_each_rounds_commitment(
    client, facility, frozen_now, settings
):
    settings.FACILITIES_LOTTERY_MAX_APPLICATIONS = 7
    lottery_round = make_round(facility)
    response = client.get("/facilities/lottery/")
    text = body(response)
    assert response.status_code == 200
    assert "多目的室の抽選" in text
    # Who may apply, how many, the rule of the draw and what a winner must do.
    for words in (
        "申し込めるのは",
        "1団体7区分まで",
        "同じ回で多く当選した団体は、他の区分で後回しになります",
        "2件以上多いとき",
        "確定期限までに、マイページまたは電話で確定の手続き",
        "期限までに確定の手続きがない当選は取り消されます",
        "確定期限の翌日から先着順で受け付けます",
    ):
        assert words in text, words
    assert 'href="/mypage/"' in text
    # The round: its month, facility, dates, phase, applications and the seed's hash only.
    for words in (
        "2027年2月分",
        facility.name,
        "2026年11月20日(金)〜2026年11月25日(水)",
        "2026年11月26日(木) 10:00",
        "2026年11月30日(月)",
        "抽選受付中",
        "0件",
        lottery_round.commitment,
    ):
        assert words in text, words
    assert SEED not in text
    assert f'href="/facilities/lottery/{lottery_round.pk}/"' in text


def test_the_list_reads_the_same_number_of_queries_for_1_or_10_rounds(client, facility, frozen_now):
    make_round(facility)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/facilities/lottery/").status_code == 200
    for months in range(1, 10):
        make_round(facility, target_month=add_months(TARGET, months))
    with CaptureQueriesContext(connection) as ten:
        response = client.get("/facilities/lottery/")
    assert body(response).count("/facilities/lottery/") >= 10
    assert "2027年11月分" in body(response)
    assert len(ten) == len(one) <= 3


# --- A round, before and after its draw ------------------------------------------------------
def test_the_seed_stays_secret_until_the_draw_and_is_published_after(client, applied, monkeypatch):
    lottery_round, closed = applied
    url = f"/facilities/lottery/{lottery_round.pk}/"
    freeze(monkeypatch, NOW)
    before = client.get(url)
    text = body(before)
    assert before.status_code == 200
    assert "2027年2月分の抽選" in text
    assert lottery_round.commitment in text
    assert "2027年2月20日(土)（センターまつり）" in text
    assert SEED not in text
    assert "結果の検証方法" not in text
    assert "抽選を行うまで公開しません" in text
    # Still secret once applications have closed, right up to the draw.
    freeze(monkeypatch, AFTER_CLOSE - dt.timedelta(minutes=1))
    waiting = body(client.get(url))
    assert "抽選待ち" in waiting and SEED not in waiting
    result_json = client.get(f"/facilities/lottery/{lottery_round.pk}/result.json")
    assert result_json.status_code == 404
    assert "まだ実施されていません" in result_json.json()["error"]

    record = lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE)
    freeze(monkeypatch, AFTER_CLOSE + dt.timedelta(hours=1))
    after = client.get(url)
    text = body(after)
    assert after.status_code == 200
    assert SEED in text
    assert record.result_digest in text
    assert "2026年11月26日(木) 10:00" in text  # 実施日時
    assert "当選確定期間" in text
    # The table by application number: codes instead of names, dates in Japanese.
    assert "A001" in text and "A003" in text
    assert "2027年2月9日(火)" in text
    assert "当選" in text and "落選" in text
    # The application whose day closed is listed apart with the room, day and reason.
    assert "抽選を行わなかった申込み" in text
    assert "休館のため抽選を行いませんでした。" in text
    assert "2027年2月10日(水)" in text
    assert f">{closed.pk}</th>" in text
    # How to check it: the files, the command and the snippet.
    assert "結果の検証方法" in text
    assert f"http://testserver/facilities/lottery/{lottery_round.pk}/result.json" in text
    assert "http://testserver/facilities/lottery/drawing.py" in text
    assert "python drawing.py result.json" in text
    assert "from drawing import verify" in text


def test_no_page_and_no_file_names_a_group(client, applied, monkeypatch):
    lottery_round, _ = applied
    lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE)
    freeze(monkeypatch, AFTER_CLOSE + dt.timedelta(hours=1))
    pages = [
        body(client.get("/facilities/lottery/")),
        body(client.get(f"/facilities/lottery/{lottery_round.pk}/")),
        body(client.get(f"/facilities/lottery/{lottery_round.pk}/result.json")),
        body(client.get("/facilities/availability/", {"month": "2027-02"})),
        body(client.get(f"/facilities/availability/{DAY.isoformat()}/")),
    ]
    for text in pages:
        for name in GROUP_NAMES:
            assert name not in text
        assert "定例会" not in text  # nor what the blocks are for


def test_the_result_json_verifies_with_drawing_py(client, applied, monkeypatch, tmp_path):
    lottery_round, closed = applied
    record = lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE)
    freeze(monkeypatch, AFTER_CLOSE + dt.timedelta(hours=1))
    response = client.get(f"/facilities/lottery/{lottery_round.pk}/result.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "休館のため" in body(response)  # Japanese left readable (ensure_ascii=False)
    data = json.loads(response.content)
    assert drawing.verify(data).startswith("OK")
    assert data["seed"] == SEED
    assert data["drawn_at"] == "2026-11-26T10:00:00+09:00"
    assert [n["number"] for n in data["not_drawn"]] == [closed.pk]
    # The page's digest snippet: the file less drawn_at and result_digest hashes to the record.
    digest = data.pop("result_digest")
    data.pop("drawn_at")
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert hashlib.sha256(text.encode()).hexdigest() == digest == record.result_digest

    # The README's commands: both files downloaded, then `python drawing.py result.json`.
    (tmp_path / "result.json").write_bytes(response.content)
    (tmp_path / "drawing.py").write_bytes(client.get("/facilities/lottery/drawing.py").content)
    run = subprocess.run(
        [sys.executable, "drawing.py", "result.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert run.stdout.startswith("OK: 4件の申込み、2区分の当選者")


def test_drawing_py_is_served_exactly_as_the_draw_runs_it(client, db):
    response = client.get("/facilities/lottery/drawing.py")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="drawing.py"'
    assert response.content == Path(drawing.__file__).read_bytes()


def test_missing_rounds_give_404(client, db):
    assert client.get("/facilities/lottery/999999/").status_code == 404
    assert client.get("/facilities/lottery/999999/result.json").status_code == 404


def test_a_round_never_drawn_past_its_deadline_shows_no_seed(client, facility, monkeypatch):
    lottery_round = make_round(facility)
    freeze(monkeypatch, NOW + dt.timedelta(days=30))  # finished, but no draw was recorded
    assert not LotteryDraw.objects.exists()
    text = body(client.get(f"/facilities/lottery/{lottery_round.pk}/"))
    assert "先着受付" in text and SEED not in text
    assert client.get(f"/facilities/lottery/{lottery_round.pk}/result.json").status_code == 404


# --- The calendar -------------------------------------------------------------------------------
def test_the_calendar_marks_the_target_month_as_lottery_days(client, facility, frozen_now):
    lottery_round = make_round(facility)
    LotteryExcludedDay.objects.create(round=lottery_round, day=dt.date(2027, 2, 20), note="行事")
    month = client.get("/facilities/availability/", {"month": "2027-02"})
    text = body(month)
    assert month.status_code == 200
    assert "多目的室1 午前 抽選受付中" in text
    assert "抽選受付中（2026年11月25日(水)まで）" in text
    assert f'href="/facilities/lottery/{lottery_round.pk}/"' in text
    # The legend names the symbol and links to the lottery page; so does the month page.
    assert "抽選の対象</a>（抽選受付中・抽選待ち）" in text
    assert ">抽選について</a>" in text
    assert 'href="/facilities/lottery/"' in text

    day = body(client.get(f"/facilities/availability/{DAY.isoformat()}/"))
    assert "（抽選受付中）" in day
    assert "2027年2月分の抽選" in day
    assert "空いている時間は抽選のあとに表示します" in day
    # The excluded day is not held: its blocks show ○, its free times are listed.
    excluded = body(client.get("/facilities/availability/2027-02-20/"))
    assert "（抽選受付中）" not in excluded
    assert "空いている時間" in excluded and "9:00〜22:00" in excluded
