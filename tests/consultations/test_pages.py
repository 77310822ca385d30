"""Pages: intake with suggested route, staff list/detail, operator isolation, statistics, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from consultations.models import (
    AccessAction,
    AccessLog,
    AskerKind,
    Consultation,
    Referral,
    ReferralStatus,
    Route,
)
from consultations.services.referrals import referral_update
from tests.conftest import make_user, sign_in
from tests.consultations import factories

pytestmark = pytest.mark.django_db


def intake_data(**overrides):
    data = {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "channel": "counter",
        "asker_kind": AskerKind.NPO,
        "asker_name": "ＮＰＯ法人 ねりまの森",
        "contact": "０３－１２３４－５６７８",
        "topic": str(factories.topic("助成金").pk),
        "summary": "活動の助成金を探している",
        "handling": "",
    }
    data.update(overrides)
    return data


# --- Intake -----------------------------------------------------------------------------------
def test_counter_panel_offers_intake_and_shows_the_service_level(client, counter_user, defaults):
    sign_in(client, counter_user)
    body = client.get("/counter/").content.decode()
    assert "相談を受け付ける" in body
    assert "現在の窓口業務" in body


def test_first_submit_shows_the_suggested_route_and_saves_nothing(client, counter_user, defaults):
    sign_in(client, counter_user)
    response = client.post("/consultations/new/", intake_data(action="suggest"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "提案: 運営団体へ取次" in body
    assert "練馬区社会福祉協議会" in body
    assert Consultation.objects.count() == 0


def test_confirming_saves_consultation_and_referral_with_normalised_phone(
    client, counter_user, defaults
):
    sign_in(client, counter_user)
    shakyo = factories.operator(factories.SHAKYO)
    response = client.post(
        "/consultations/new/",
        intake_data(action="save", route=Route.OPERATOR, operator=str(shakyo.pk)),
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/consultations/{consultation.pk}/"
    assert consultation.contact == "03-1234-5678"
    assert consultation.suggested_route == Route.OPERATOR
    assert consultation.referral.operator == shakyo


def test_neighbourhood_association_is_suggested_to_ward_staff(client, counter_user, defaults):
    sign_in(client, counter_user)
    response = client.post(
        "/consultations/new/", intake_data(asker_kind=AskerKind.NEIGHBOURHOOD, action="suggest")
    )
    assert "提案: 区職員が担当" in response.content.decode()


def test_clerk_can_override_the_suggestion(client, counter_user, defaults):
    sign_in(client, counter_user)
    client.post("/consultations/new/", intake_data(action="save", route=Route.COUNTER))
    consultation = Consultation.objects.get()
    assert consultation.route == Route.COUNTER
    assert consultation.suggested_route == Route.OPERATOR


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"summary": ""}, "このフィールドは必須です"),
        ({"topic": "999999"}, "正しく選択してください"),
        ({"received_at": "2099-01-01T10:00"}, "未来"),
        ({"received_at": "2026-13-01T10:00"}, "正しい日時で入力してください"),
        ({"route": Route.OPERATOR, "operator": "999999"}, "正しく選択してください"),
        ({"route": Route.EXPERT}, "専門相談の日程を選んでください"),
    ],
)
def test_bad_intake_input_gets_a_japanese_message_and_a_400(
    client, counter_user, defaults, overrides, message
):
    sign_in(client, counter_user)
    response = client.post("/consultations/new/", intake_data(action="save", **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Consultation.objects.count() == 0


def test_booking_a_full_expert_session_is_refused_with_409(client, counter_user, defaults):
    session = factories.expert_session(capacity=1)
    sign_in(client, counter_user)
    data = intake_data(
        action="save",
        topic=str(factories.topic("運営・会計").pk),
        route=Route.EXPERT,
        expert_session=str(session.pk),
    )
    assert client.post("/consultations/new/", data).status_code == 302
    # The full session is no longer offered, so a stale form gets a field error.
    response = client.post("/consultations/new/", data)
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode()
    assert Consultation.objects.count() == 1


# --- Staff list and detail --------------------------------------------------------------------
def test_list_page_query_count_does_not_grow_with_records(
    client, counter_user, defaults, django_assert_max_num_queries
):
    session = factories.expert_session(capacity=20)
    for index in range(45):
        route = [Route.COUNTER, Route.OPERATOR, Route.EXPERT][index % 3]
        factories.consultation(
            user=counter_user,
            route=route,
            topic_name="助成金",
            operator_name=factories.SHAKYO if route == Route.OPERATOR else None,
            session=session if route == Route.EXPERT else None,
        )
    sign_in(client, counter_user)
    with django_assert_max_num_queries(10):
        response = client.get("/consultations/")
    assert response.status_code == 200
    assert response.content.decode().count("/consultations/") >= 45


def test_list_with_bad_month_is_a_400_with_a_japanese_message(client, counter_user):
    sign_in(client, counter_user)
    response = client.get("/consultations/?month=2026-13")
    assert response.status_code == 400
    assert "月の指定が正しくありません" in response.content.decode()


def test_each_view_of_a_record_writes_one_access_log_line(client, counter_user, defaults):
    consultation = factories.consultation(user=counter_user)
    sign_in(client, counter_user)
    before = AccessLog.objects.filter(action=AccessAction.VIEW).count()
    assert client.get(f"/consultations/{consultation.pk}/").status_code == 200
    assert client.get(f"/consultations/{consultation.pk}/").status_code == 200
    lines = AccessLog.objects.filter(action=AccessAction.VIEW, consultation=consultation)
    assert lines.count() == before + 2
    line = lines.first()
    assert line.username == "madoguchi" and line.user == counter_user


def test_changing_handling_is_logged_as_a_change(client, counter_user, defaults):
    consultation = factories.consultation(user=counter_user)
    sign_in(client, counter_user)
    response = client.post(f"/consultations/{consultation.pk}/", {"handling": "後日電話"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.handling == "後日電話"
    assert AccessLog.objects.filter(
        consultation=consultation, action=AccessAction.CHANGE, detail="対応内容"
    ).exists()


@pytest.mark.parametrize(
    ("user_fixture", "detail_status"), [("shakyo_user", 404), ("plain_user", 403)]
)
def test_non_staff_cannot_open_staff_pages(
    client, request, defaults, counter_user, user_fixture, detail_status
):
    consultation = factories.consultation(user=counter_user)
    sign_in(client, request.getfixturevalue(user_fixture))
    for url in ["/consultations/", "/consultations/new/", "/consultations/statistics/"]:
        assert client.get(url).status_code == 403
    assert client.get(f"/consultations/{consultation.pk}/").status_code == detail_status
    assert not AccessLog.objects.filter(action=AccessAction.VIEW).exists()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/consultations/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_missing_record_is_404(client, counter_user):
    sign_in(client, counter_user)
    assert client.get("/consultations/999999/").status_code == 404


# --- Operators: isolation -----------------------------------------------------------------------
@pytest.fixture
def referrals_of_every_operator(counter_user, defaults):
    """One referral to each of the four operators, plus one unreferred consultation."""
    from consultations.models import OperatorOrganisation

    referrals = {}
    for operator in OperatorOrganisation.objects.all():
        consultation = factories.consultation(
            user=counter_user,
            route=Route.OPERATOR,
            topic_name="協働・連携",
            operator_name=operator.name,
        )
        referrals[operator.name] = consultation.referral
    unreferred = factories.consultation(user=counter_user)
    return referrals, unreferred


def test_every_operator_opens_only_its_own_referrals(client, referrals_of_every_operator):
    referrals, unreferred = referrals_of_every_operator
    for index, name in enumerate(referrals):
        user = make_user(f"operator{index}", "運営団体")
        factories.link_operator(user, name)
        sign_in(client, user)
        listing = client.get("/consultations/referrals/").content.decode()
        for other_name, referral in referrals.items():
            url = f"/consultations/referrals/{referral.pk}/"
            expected = 200 if other_name == name else 404
            assert client.get(url).status_code == expected, (name, other_name)
            post = client.post(url, {"status": "in_progress", "answer": ""})
            assert post.status_code == (302 if other_name == name else 404)
            assert (f'href="{url}"' in listing) == (other_name == name)
        # A record's own URL leads to the operator's own referral, and to 404 for any other.
        assert client.get(f"/consultations/{unreferred.pk}/").status_code == 404
        for other_name, referral in referrals.items():
            response = client.get(f"/consultations/{referral.consultation_id}/")
            if other_name == name:
                assert response.status_code == 302
                assert response["Location"] == f"/consultations/referrals/{referral.pk}/"
            else:
                assert response.status_code == 404
            assert client.post(f"/consultations/{referral.consultation_id}/").status_code == 404
        assert client.get("/consultations/").status_code == 403
        assert client.get("/consultations/new/").status_code == 403
        assert client.get(f"/consultations/referrals/{unreferred.pk + 1000}/").status_code == 404
    statuses = dict(Referral.objects.values_list("operator__name", "status"))
    assert set(statuses.values()) == {ReferralStatus.IN_PROGRESS}


def test_operator_without_organisation_gets_a_clear_403(client, operator_user):
    sign_in(client, operator_user)
    response = client.get("/consultations/referrals/")
    assert response.status_code == 403
    assert "所属する運営団体が設定されていません" in response.content.decode()


def test_referral_list_query_count_does_not_grow(
    client, counter_user, shakyo_user, django_assert_max_num_queries
):
    for _ in range(40):
        factories.consultation(
            user=counter_user,
            route=Route.OPERATOR,
            topic_name="助成金",
            operator_name=factories.SHAKYO,
        )
    sign_in(client, shakyo_user)
    with django_assert_max_num_queries(10):
        response = client.get("/consultations/referrals/")
    assert response.content.decode().count("取次 No.") == 40


def test_operator_moving_status_backwards_gets_409_and_keeps_the_answer(
    client, counter_user, shakyo_user
):
    consultation = factories.consultation(
        user=counter_user, route=Route.OPERATOR, topic_name="助成金", operator_name=factories.SHAKYO
    )
    referral = consultation.referral
    referral_update(
        referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.IN_PROGRESS, answer=""
    )
    sign_in(client, shakyo_user)
    url = f"/consultations/referrals/{referral.pk}/"
    response = client.post(url, {"status": "referred", "answer": "下書きの回答"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "変更することはできません" in body
    assert "下書きの回答" in body  # nothing typed is lost
    response = client.post(url, {"status": "bogus", "answer": ""})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_PROGRESS


# --- Statistics and CSV (区職員) ----------------------------------------------------------------
@pytest.fixture
def month_of_consultations(counter_user, defaults):
    received = timezone.make_aware(dt.datetime(2026, 10, 5, 10, 0))
    factories.consultation(user=counter_user, received_at=received)
    factories.consultation(
        user=counter_user,
        route=Route.OPERATOR,
        topic_name="助成金",
        operator_name=factories.SHAKYO,
        received_at=received,
    )
    factories.consultation(
        user=counter_user,
        route=Route.WARD,
        asker_kind=AskerKind.NEIGHBOURHOOD,
        received_at=received,
    )
    # Another month: not counted.
    factories.consultation(user=counter_user, received_at=received + dt.timedelta(days=40))


def test_statistics_page_counts_the_month(client, ward_user, month_of_consultations):
    sign_in(client, ward_user)
    response = client.get("/consultations/statistics/?month=2026-10")
    assert response.status_code == 200
    body = response.content.decode()
    assert "相談件数 <strong>3件</strong>" in body
    assert "<svg" in body and "練馬区社会福祉協議会" in body


def test_statistics_bad_month_is_400(client, ward_user):
    sign_in(client, ward_user)
    for value in ["2026-13", "abc", "2026-00", "99999-01"]:
        response = client.get(f"/consultations/statistics/?month={value}")
        assert response.status_code == 400, value
        assert "月の指定が正しくありません" in response.content.decode()


def test_counter_staff_cannot_open_statistics(client, counter_user):
    sign_in(client, counter_user)
    assert client.get("/consultations/statistics/").status_code == 403
    assert client.get("/consultations/statistics/csv/").status_code == 403


def test_csv_is_utf8_with_bom_and_reads_as_japanese(client, ward_user, month_of_consultations):
    sign_in(client, ward_user)
    response = client.get("/consultations/statistics/csv/?month=2026-10")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["対象月", "2026年10月"]
    assert rows[1] == ["相談件数", "3"]
    assert ["受付方法", "窓口", "3", "100"] in rows
    assert ["取次先の運営団体", "練馬区社会福祉協議会", "1", "33"] in rows
    assert ["対応経路", "区職員が担当", "1", "33"] in rows
    assert ["取次の状況", "取次済", "1", "33"] in rows
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, user=ward_user).count() == 1


# --- Admin: the access log is read-only ---------------------------------------------------------
def test_access_log_admin_is_read_only_for_ward_staff(client, ward_user, counter_user, defaults):
    consultation = factories.consultation(user=counter_user)
    line = AccessLog.objects.filter(consultation=consultation).first()
    sign_in(client, ward_user)
    assert client.get("/admin/consultations/accesslog/").status_code == 200
    assert client.get(f"/admin/consultations/accesslog/{line.pk}/change/").status_code == 200
    assert client.get("/admin/consultations/accesslog/add/").status_code == 403
    assert client.get(f"/admin/consultations/accesslog/{line.pk}/delete/").status_code == 403
    response = client.post(
        f"/admin/consultations/accesslog/{line.pk}/change/", {"detail": "改ざん"}
    )
    assert response.status_code == 403
    model_admin = admin.site._registry[AccessLog]
    request = RequestFactory().get("/")
    request.user = ward_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, line)
    assert not model_admin.has_delete_permission(request, line)
    assert AccessLog.objects.get(pk=line.pk).detail == ""


def test_ward_staff_manage_operators_topics_sessions_in_admin(client, ward_user, defaults):
    sign_in(client, ward_user)
    for url in [
        "/admin/consultations/operatororganisation/",
        "/admin/consultations/topic/",
        "/admin/consultations/expertsession/",
        "/admin/consultations/expertsession/add/",
        "/admin/consultations/retentionsetting/",
        "/admin/consultations/operatormembership/add/",
    ]:
        assert client.get(url).status_code == 200, url
