"""The report's figures against counts made by hand on a small world (tests/reports/conftest.py),
including a month with a closure: 稼働率 leaves the closed hours out of both sides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.selectors import SECTION_KEYS, TOTAL, annual_report
from tests.conftest import sign_in
from tests.facilities.conftest import NOW, TODAY
from tests.reports.conftest import at

pytestmark = pytest.mark.django_db

JUNE = 2  # index of June among 4月 … 3月
MAY, APRIL, JULY = 1, 0, 3


def report():
    return annual_report(fiscal_year=2026, today=TODAY, now=NOW)


def figure(report, section: str, table: str, series: str):
    found = report.section(section).table(table).figure(series)
    assert found is not None, (section, table, series)
    return found


def test_occupancy_leaves_closed_hours_out(report_world):
    r = report()
    # June 2026, per room: 30 days × 13 h = 390 h, less 6/10 (13 h) and 6/15 13–17 (4 h) = 373 h.
    # Room 1 booked 3 + 4 h (its 2 h on the closed 6/10 are closed hours); room 2 2 + 3 h.
    rooms = r.section("rooms")
    by_room = {f.label: f for f in rooms.table("occ_room").figures}
    assert by_room["多目的室1"].current[JUNE] == round(7 / 373 * 100, 1) == 1.9
    assert by_room["多目的室2"].current[JUNE] == round(5 / 373 * 100, 1) == 1.3
    assert figure(r, "rooms", "occ_all", "all").current[JUNE] == round(12 / 746 * 100, 1)
    hours = rooms.table("hours")
    assert hours.figure("booked").current[JUNE] == 12.0
    assert hours.figure("open").current[JUNE] == 746.0
    # Blocks (both rooms): 午前 2 × (30 × 3 − 3) = 174 h with 6 h booked; 午後 2 × (120 − 4 − 4)
    # = 224 h with 2 h; 夜間 2 × (120 − 4) = 232 h with 4 h.
    blocks = {f.label: f for f in rooms.table("occ_block").figures}
    assert list(blocks) == ["午前", "午後", "夜間"]
    assert blocks["午前"].current[JUNE] == round(6 / 174 * 100, 1)
    assert blocks["午後"].current[JUNE] == round(2 / 224 * 100, 1)
    assert blocks["夜間"].current[JUNE] == round(4 / 232 * 100, 1)
    # The previous June: no closure, 4 h of 780.
    assert figure(r, "rooms", "occ_all", "all").previous[JUNE] == round(4 / 780 * 100, 1)
    # The year so far (4月〜11月, 244 days): 2 × 244 × 13 − 2 × 17 closed = 6310 h, 12 h booked.
    assert figure(r, "rooms", "occ_all", "all").current_total == round(12 / 6310 * 100, 1)
    # Months after today are empty, not zero.
    assert figure(r, "rooms", "occ_all", "all").current[8:] == [None] * 4


def test_booking_counts(report_world):
    r = report()
    users = r.section("rooms").table("users")
    assert users.figure("registered").current[JUNE] == 1
    assert users.figure("general").current[JUNE] == 4
    assert users.figure(TOTAL).current[JUNE] == 5
    assert figure(r, "rooms", "share", "registered").current[JUNE] == 20.0
    assert figure(r, "rooms", "channel", "counter").current[JUNE] == 4
    assert figure(r, "rooms", "channel", "online").current[JUNE] == 1
    assert figure(r, "rooms", "cancel", "group").current[JUNE] == 1
    assert figure(r, "rooms", "cancel", TOTAL).current_total == 1
    equipment = {f.label: f for f in r.section("rooms").table("equipment").figures}
    assert equipment["プロジェクター"].current[JUNE] == 1
    assert equipment["スクリーン"].current[JUNE] == 2
    assert equipment["合計"].current_total == 3
    # No-shows are not recorded: the table says so instead of showing zeros.
    assert r.section("rooms").table("no_show").is_missing


def test_group_figures(report_world):
    r = report()
    registered = r.section("groups").table("registered")
    assert registered.figure("npo").current[JUNE] == 1
    assert registered.figure("public").current[JUNE] == 1
    assert registered.figure("neighbourhood").current[JUNE] == 0
    # End of June 2025: the 町会 and the public body.
    assert registered.figure(TOTAL).previous[JUNE] == 2
    # End of June 2026: the NPO, the public body and the two May groups.
    assert registered.figure(TOTAL).current[JUNE] == 4
    flow = r.section("groups").table("flow")
    assert flow.figure("lapsed").current[APRIL] == 1  # 3/31 was its last day
    assert flow.figure("new").current[APRIL] == 1
    assert flow.figure("new").current[MAY] == 2
    assert flow.figure("renewed").previous[11] == 1  # March 2026
    days = r.section("groups").table("decision_days").figure("median")
    assert days.current[MAY] == 6.0  # 3, 6 and 10 days
    assert days.current[APRIL] == 7.0
    assert days.current[JUNE] is None  # no decision that month: no median
    assert days.current_total == 6.5  # 3, 6, 7 and 10 days
    decisions = r.section("groups").table("decisions")
    assert decisions.figure("rejected").current[MAY] == 1
    assert decisions.figure("approved").current[MAY] == 2


def test_consultation_time_bands(report_world):
    bands = report().section("consultations").table("band")
    assert bands.figure("weekend").current[JUNE] == 1  # Saturday
    assert bands.figure("evening").current[JUNE] == 1  # Monday 18:30
    assert bands.figure("day").current[JUNE] == 1
    assert bands.figure("weekend").current[JULY] == 1  # 海の日
    assert report().section("consultations").table("total").figure("all").current_total == 4


def test_event_figures(report_world):
    events = report().section("events")
    assert events.table("count").figure("held").current[JUNE] == 1
    people = events.table("people")
    assert people.figure("places").current[JUNE] == 20
    assert people.figure("registered").current[JUNE] == 5
    assert people.figure("attended").current[JUNE] == 3
    assert events.table("fill").figure("fill").current[JUNE] == 25.0
    assert events.table("attendance").figure("attendance").current[JUNE] == 60.0
    assert events.table("promotions").figure("promoted").current[JUNE] == 1


def test_one_query_per_section(report_world):
    with CaptureQueriesContext(connection) as queries:
        r = report()
    assert len(queries) == len(SECTION_KEYS) == len(r.sections)


def test_coordination_and_news_figures(report_world, counter_user):
    from coordination.models import Outcome, Post, Response

    post = Post.objects.create(
        kind="recruit",
        title="見守りボランティア募集",
        description="高齢者の見守り",
        needs="土曜午前に2時間",
        how_to_respond="フォームから",
        group=report_world["npo"],
        status="published",
        published_on=dt.date(2026, 6, 5),
        reviewed_at=at(dt.date(2026, 6, 5), 9),
        reviewed_by=counter_user,
        expires_on=dt.date(2026, 12, 31),
        author=counter_user,
    )
    for day, group in ((6, None), (7, report_world["npo"])):
        Response.objects.create(
            post=post,
            name="応答者",
            contact="03-0000-0000",
            message="参加します",
            responding_group=group,
            created_at=at(dt.date(2026, 6, day), 10),
        )
    # Two notes in June: the latest (成立) counts.
    for hour, outcome in ((10, "connected"), (15, "agreed")):
        Outcome.objects.create(
            post=post,
            outcome=outcome,
            recorded_by=counter_user,
            recorded_at=at(dt.date(2026, 6, 20), hour),
        )
    section = report().section("coordination")
    assert section.table("posts").figure("recruit").current[JUNE] == 1
    assert section.table("responses").figure("public").current[JUNE] == 1
    assert section.table("responses").figure("group").current[JUNE] == 1
    assert section.table("outcomes").figure("agreed").current[JUNE] == 1
    assert section.table("outcomes").figure("connected").current[JUNE] == 0


def test_without_the_coordination_and_news_apps_the_section_says_so(
    report_world, monkeypatch, ward_user, client, frozen_now
):
    from django.apps import apps

    installed = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name not in {"coordination", "news"} and installed(name)
    )
    section = report().section("coordination")
    assert not section.available and section.tables == []
    assert "協働マッチング（掲示板）の機能はまだありません。" in section.notes
    sign_in(client, ward_user)
    page = client.get("/counter/reports/").content.decode()
    assert "協働マッチング（掲示板）の機能はまだありません。" in page
