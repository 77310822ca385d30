"""Pure rules: what the counter offers by time of day, and which route the rules suggest."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from consultations.models import AskerKind, Route, TopicHandling
from consultations.selectors import OperatorCandidate
from consultations.services.routing import ServiceLevelCode, route_suggest, service_level_at

TOKYO = ZoneInfo("Asia/Tokyo")


def tokyo(day: int, hour: int, minute: int = 0) -> dt.datetime:
    # November 2026: Friday the 20th, Saturday the 21st, Sunday the 22nd, Monday the 23rd
    # (勤労感謝の日, a national holiday), Tuesday the 24th.
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (tokyo(24, 8, 59), ServiceLevelCode.CLOSED),
        (tokyo(24, 9, 0), ServiceLevelCode.FULL),
        (tokyo(24, 16, 59), ServiceLevelCode.FULL),
        (tokyo(24, 17, 0), ServiceLevelCode.EVENING),
        (tokyo(24, 21, 59), ServiceLevelCode.EVENING),
        (tokyo(24, 22, 0), ServiceLevelCode.CLOSED),
        (tokyo(20, 16, 59), ServiceLevelCode.FULL),  # Friday
        (tokyo(20, 21, 59), ServiceLevelCode.EVENING),  # Friday night
        (tokyo(20, 22, 0), ServiceLevelCode.CLOSED),
        (tokyo(21, 8, 59), ServiceLevelCode.CLOSED),  # Saturday morning
        (tokyo(21, 9, 0), ServiceLevelCode.WEEKEND),
        (tokyo(21, 16, 59), ServiceLevelCode.WEEKEND),
        (tokyo(22, 12, 0), ServiceLevelCode.WEEKEND),  # Sunday
        (tokyo(22, 17, 0), ServiceLevelCode.EVENING),  # 土日 17–22: 利用案内・書類受付
        (tokyo(22, 22, 0), ServiceLevelCode.CLOSED),
    ],
)
def test_service_level_by_time_of_day(moment, expected):
    assert service_level_at(moment).code == expected


def test_service_level_reads_the_moment_in_tokyo_whatever_its_zone():
    # 07:59 UTC on Tuesday is 16:59 in Tokyo; 08:00 UTC is 17:00.
    assert service_level_at(dt.datetime(2026, 11, 24, 7, 59, tzinfo=dt.UTC)).code == "full"
    assert service_level_at(dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)).code == "evening"
    # 01:00 UTC on Monday the 23rd is 10:00 in Tokyo, on 勤労感謝の日.
    assert service_level_at(dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)).code == "weekend"


def test_service_level_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        service_level_at(dt.datetime(2026, 11, 23, 10, 0))


def test_only_weekday_daytime_answers_general_consultations_and_has_ward_staff():
    full = service_level_at(tokyo(24, 10))
    saturday = service_level_at(tokyo(21, 10))
    evening = service_level_at(tokyo(24, 18))
    assert full.takes_consultations and full.ward_staff_present
    assert not saturday.takes_consultations and saturday.relays_consultations
    assert not evening.takes_consultations and not evening.relays_consultations
    assert "相談の取り次ぎ" in saturday.services
    assert evening.services == ("利用案内、各種書類の受付",)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (tokyo(23, 8, 59), ServiceLevelCode.CLOSED),
        (tokyo(23, 9, 0), ServiceLevelCode.WEEKEND),  # 勤労感謝の日, a Monday
        (tokyo(23, 16, 59), ServiceLevelCode.WEEKEND),
        (tokyo(23, 17, 0), ServiceLevelCode.EVENING),
        (tokyo(23, 22, 0), ServiceLevelCode.CLOSED),
        (tokyo(3, 10), ServiceLevelCode.WEEKEND),  # 文化の日, a Tuesday
        (dt.datetime(2026, 5, 6, 10, tzinfo=TOKYO), ServiceLevelCode.WEEKEND),  # 振替休日
        (dt.datetime(2026, 9, 22, 10, tzinfo=TOKYO), ServiceLevelCode.WEEKEND),  # 国民の休日
        (dt.datetime(2026, 11, 24, 10, tzinfo=TOKYO), ServiceLevelCode.FULL),  # the day after
    ],
)
def test_a_national_holiday_is_served_like_a_weekend(moment, expected):
    assert service_level_at(moment).code == expected


def test_on_a_national_holiday_ward_staff_are_not_in_and_consultations_are_relayed():
    holiday = service_level_at(tokyo(23, 10))
    assert not holiday.ward_staff_present
    assert not holiday.takes_consultations and holiday.relays_consultations
    assert "祝日" in holiday.label
    assert "相談の取り次ぎ" in holiday.services


SETUP, FINANCE, GRANTS, PR, FACILITY = 1, 2, 3, 4, 5
OPERATORS = (
    OperatorCandidate(pk=10, name="練馬区障害者福祉推進機構", topic_ids=frozenset({SETUP})),
    OperatorCandidate(pk=20, name="練馬区社会福祉協議会", topic_ids=frozenset({SETUP, GRANTS})),
    OperatorCandidate(pk=40, name="インターネットビジネス研究所", topic_ids=frozenset({PR})),
)
WEEKDAY = service_level_at(tokyo(24, 10))


def suggest(asker_kind, topic_id, handling, level=WEEKDAY):
    return route_suggest(
        asker_kind=asker_kind,
        topic_id=topic_id,
        topic_handling=handling,
        operators=OPERATORS,
        level=level,
    )


@pytest.mark.parametrize("asker", [AskerKind.NEIGHBOURHOOD, AskerKind.OTHER])
@pytest.mark.parametrize(
    ("topic_id", "handling"),
    [
        (SETUP, TopicHandling.SPECIALIST),
        (FINANCE, TopicHandling.EXPERT),
        (FACILITY, TopicHandling.GENERAL),
    ],
)
def test_neighbourhood_associations_and_other_bodies_go_to_ward_staff(asker, topic_id, handling):
    suggestion = suggest(asker, topic_id, handling)
    assert suggestion.route == Route.WARD
    assert "区職員" in suggestion.reason


@pytest.mark.parametrize("asker", [AskerKind.INDIVIDUAL, AskerKind.NPO])
def test_accounting_tax_labour_topics_go_to_an_expert_session(asker):
    assert suggest(asker, FINANCE, TopicHandling.EXPERT).route == Route.EXPERT


@pytest.mark.parametrize("asker", [AskerKind.INDIVIDUAL, AskerKind.NPO])
def test_general_topics_are_answered_at_the_counter(asker):
    suggestion = suggest(asker, FACILITY, TopicHandling.GENERAL)
    assert suggestion.route == Route.COUNTER
    assert suggestion.notes == ()


def test_specialist_topic_goes_to_every_operator_whose_specialties_match_in_order():
    suggestion = suggest(AskerKind.NPO, SETUP, TopicHandling.SPECIALIST)
    assert suggestion.route == Route.OPERATOR
    assert [operator.pk for operator in suggestion.operators] == [10, 20]
    assert suggestion.operator.name == "練馬区障害者福祉推進機構"


def test_grants_topic_goes_to_the_only_matching_operator():
    suggestion = suggest(AskerKind.INDIVIDUAL, GRANTS, TopicHandling.SPECIALIST)
    assert [operator.name for operator in suggestion.operators] == ["練馬区社会福祉協議会"]


def test_specialist_topic_without_a_matching_operator_falls_back_to_the_counter_and_says_why():
    suggestion = suggest(AskerKind.NPO, 99, TopicHandling.SPECIALIST)
    assert suggestion.route == Route.COUNTER
    assert any("運営団体が登録されていません" in note for note in suggestion.notes)


def test_ward_route_outside_weekday_daytime_notes_when_ward_staff_answer():
    saturday = service_level_at(tokyo(21, 10))
    suggestion = suggest(AskerKind.NEIGHBOURHOOD, SETUP, TopicHandling.SPECIALIST, saturday)
    assert suggestion.route == Route.WARD
    assert any("平日（祝日を除く）9時〜17時" in note for note in suggestion.notes)


def test_evening_referral_notes_individual_consultations_are_by_appointment():
    evening = service_level_at(tokyo(24, 18))
    suggestion = suggest(AskerKind.NPO, PR, TopicHandling.SPECIALIST, evening)
    assert suggestion.route == Route.OPERATOR
    assert any("予約制" in note for note in suggestion.notes)


def test_general_question_on_saturday_notes_the_counter_does_not_answer_now():
    saturday = service_level_at(tokyo(21, 10))
    suggestion = suggest(AskerKind.INDIVIDUAL, FACILITY, TopicHandling.GENERAL, saturday)
    assert suggestion.route == Route.COUNTER
    assert any("一般相談の回答は行っていません" in note for note in suggestion.notes)


def test_neighbourhood_association_on_a_holiday_is_taken_for_ward_staff_not_routed_now():
    holiday = service_level_at(tokyo(23, 10))
    suggestion = suggest(AskerKind.NEIGHBOURHOOD, SETUP, TopicHandling.SPECIALIST, holiday)
    assert suggestion.route == Route.WARD
    assert any("受け付けて区職員に引き継いで" in note for note in suggestion.notes)
    general = suggest(AskerKind.INDIVIDUAL, FACILITY, TopicHandling.GENERAL, holiday)
    assert any("一般相談の回答は行っていません" in note for note in general.notes)
