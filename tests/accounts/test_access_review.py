"""The yearly access review in the admin (アカウントの棚卸し): every account with its roles,
organisation or group, second factor, last sign-in and password change, the 90-day flag, the
exports, bulk deactivation and the reset of second factors — with ward staff's permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from accounts.models import SignInEvent, SignInEventKind, UserSession
from groups.models import GroupMembership
from kyodo_center.roles import COUNTER_STAFF, GROUP_MEMBER, OPERATOR
from tests.conftest import make_user, sign_in
from tests.consultations import factories as consultation_factories

pytestmark = pytest.mark.django_db

REVIEW = "/admin/accounts/accountreview/"


@pytest.fixture
def accounts(counter_user, operator_user, registered_group):
    """A clerk with an app and recovery codes, an operator of 練馬区社会福祉協議会, a group
    account never signed in and created long ago, and a clerk whose name is a formula."""
    now = timezone.now()
    TOTPDevice.objects.create(user=counter_user, name="認証アプリ", confirmed=True)
    static = StaticDevice.objects.create(user=counter_user, name="リカバリーコード", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    counter_user.set_password("changed-passphrase-2026")
    counter_user.last_login = now - dt.timedelta(days=3)
    counter_user.save()
    consultation_factories.defaults()
    consultation_factories.link_operator(operator_user, consultation_factories.SHAKYO)
    get_user_model().objects.filter(pk=operator_user.pk).update(
        last_login=now - dt.timedelta(days=91)
    )
    member = make_user("group@example.jp", GROUP_MEMBER, email="group@example.jp")
    GroupMembership.objects.create(user=member, group=registered_group)
    get_user_model().objects.filter(pk=member.pk).update(date_joined=now - dt.timedelta(days=120))
    formula = make_user("formula", COUNTER_STAFF, last_name="=HYPERLINK(1)", first_name="花")
    return {"clerk": counter_user, "operator": operator_user, "member": member, "formula": formula}


def review_rows(body: str) -> dict[str, str]:
    """The list's rows by user name: the text of each row."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]:
        text = re.sub(r"<[^>]+>", " ", row)
        text = re.sub(r"\s+", " ", text).strip()
        name = re.search(r'class="field-username">([^<]*)<', row)
        if name:
            rows[name[1]] = text
    return rows


def test_ward_staff_review_every_account(client, ward_user, accounts):
    sign_in(client, ward_user)
    body = client.get(REVIEW).content.decode()
    rows = review_rows(body)
    assert set(rows) >= {"madoguchi", "unei", "group@example.jp", "kuyakusho", "formula"}
    clerk = rows["madoguchi"]
    assert "窓口 花子" in clerk and COUNTER_STAFF in clerk
    assert "あり（認証アプリ・リカバリーコード）" in clerk
    assert (timezone.localdate() - dt.timedelta(days=3)).strftime("%Y年%-m月%-d日") in clerk
    assert "不明" not in clerk  # its password change is on record
    operator = rows["unei"]
    assert OPERATOR in operator and "運営団体：練馬区社会福祉協議会" in operator
    assert "該当" in operator  # 91 days since the last login
    member = rows["group@example.jp"]
    assert f"登録団体：{accounts['member'].groupmembership.group.name}" in member
    assert "なし" in member and "該当" in member  # never signed in, created 120 days ago
    assert "該当" not in rows["kuyakusho"]  # created today
    assert f'?user__id__exact={accounts["clerk"].pk}"' in body  # its sign-in log

    unused = review_rows(client.get(REVIEW + "?unused=yes").content.decode())
    assert set(unused) == {"unei", "group@example.jp"}
    without = review_rows(client.get(REVIEW + "?factor=no").content.decode())
    assert "madoguchi" not in without and "group@example.jp" in without

    events = client.get(f"/admin/accounts/signinevent/?user__id__exact={accounts['clerk'].pk}")
    assert events.status_code == 200 and "パスワード変更" in events.content.decode()


def test_counter_staff_cannot_open_the_review(client, counter_user):
    sign_in(client, counter_user)
    assert client.get(REVIEW).status_code == 302  # not staff: the admin's login page


def test_the_list_costs_the_same_queries_for_1_and_30_accounts(client, ward_user):
    sign_in(client, ward_user)
    client.get(REVIEW)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(REVIEW).status_code == 200
        return len(queries)

    few = count()
    for number in range(30):
        user = make_user(f"clerk{number}", COUNTER_STAFF, last_name=f"職員{number}")
        TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)
    assert count() == few


def test_exports_neutralise_formulas_and_keep_dates(client, ward_user, accounts):
    sign_in(client, ward_user)
    xlsx = client.get(REVIEW + "export/xlsx/?unused=")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("氏名", "ユーザー名", "状態")
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["formula"][0] == "=HYPERLINK(1) 花"
    formula_cell = next(
        c for c in sheet.iter_rows(min_col=1, max_col=1) if c[0].value.startswith("=")
    )
    assert formula_cell[0].data_type == "s"  # text, never a live formula
    assert isinstance(by_name["madoguchi"][7], dt.datetime)  # the last login, a date
    assert by_name["unei"][9] == "該当"

    response = client.get(REVIEW + "export/csv/?unused=yes")
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "氏名"
    assert {row[1] for row in table[1:]} == {"unei", "group@example.jp"}
    everything = client.get(REVIEW + "export/csv/").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1) 花" in everything
    assert client.get(REVIEW + "export/pdf/").status_code == 404


def test_bulk_deactivation_asks_first_then_ends_sessions_and_records_who(
    client, ward_user, accounts
):
    clerk_browser = Client()
    sign_in(clerk_browser, accounts["clerk"])
    sign_in(client, ward_user)
    selected = [accounts["clerk"].pk, accounts["member"].pk, ward_user.pk]
    confirm = client.post(REVIEW, {"action": "deactivate_selected", "_selected_action": selected})
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "次のアカウントを無効にします" in body and "窓口 花子（madoguchi）" in body
    assert get_user_model().objects.get(pk=accounts["clerk"].pk).is_active

    done = client.post(
        REVIEW,
        {"action": "deactivate_selected", "_selected_action": selected, "confirmed": "yes"},
        REMOTE_ADDR="192.0.2.30",
        follow=True,
    )
    text = done.content.decode()
    assert "2件のアカウントを無効にしました" in text
    assert "ご自身のアカウントは無効にできません" in text
    active = dict(get_user_model().objects.filter(pk__in=selected).values_list("pk", "is_active"))
    assert active == {accounts["clerk"].pk: False, accounts["member"].pk: False, ward_user.pk: True}
    assert not UserSession.objects.filter(user=accounts["clerk"]).exists()
    assert clerk_browser.get("/counter/")["Location"].startswith("/accounts/login/")
    event = SignInEvent.objects.get(user=accounts["clerk"], kind=SignInEventKind.DEACTIVATED)
    assert (event.actor, event.ip_address) == (ward_user, "192.0.2.30")


def test_resetting_second_factors_from_the_review(client, ward_user, accounts):
    sign_in(client, ward_user)
    clerk = accounts["clerk"]
    client.post(
        REVIEW,
        {"action": "reset_second_factors", "_selected_action": [clerk.pk], "confirmed": "yes"},
    )
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert not StaticDevice.objects.filter(user=clerk).exists()
    event = SignInEvent.objects.get(user=clerk, kind=SignInEventKind.FACTORS_RESET)
    assert event.actor == ward_user


def test_superusers_are_left_alone_by_ward_staff(client, ward_user):
    admin = make_user("kanri", is_staff=True, is_superuser=True)
    sign_in(client, ward_user)
    done = client.post(
        REVIEW,
        {"action": "deactivate_selected", "_selected_action": [admin.pk], "confirmed": "yes"},
        follow=True,
    )
    assert "システム管理者のアカウントは無効にできません" in done.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_an_account_page_is_read_only(client, ward_user, counter_user):
    sign_in(client, ward_user)
    page = client.get(f"{REVIEW}{counter_user.pk}/change/")
    assert page.status_code == 200
    assert 'name="username"' not in page.content.decode()
    post = client.post(f"{REVIEW}{counter_user.pk}/change/", {"username": "x"})
    assert post.status_code == 403


def test_the_sign_in_log_is_searched_by_name_and_address(client, ward_user, counter_user):
    from accounts.services.events import record_event

    record_event(SignInEventKind.FAILED, username="madoguchi", user=counter_user)
    sign_in(client, ward_user)
    for query in ("窓口", "madoguchi", "127.0"):
        response = client.get("/admin/accounts/signinevent/", {"q": query})
        assert response.status_code == 200, query
    assert (
        "サインイン失敗"
        in client.get("/admin/accounts/signinevent/", {"q": "窓口"}).content.decode()
    )


def test_the_daily_job_deletes_expired_sessions_and_their_rows(counter_user):
    from django.contrib.sessions.models import Session

    from accounts.maintenance import expired_sessions

    browser = Client()
    sign_in(browser, counter_user)
    assert UserSession.objects.filter(user=counter_user).exists()
    later = timezone.now() + dt.timedelta(hours=10, minutes=1)
    assert expired_sessions(later) == "期限切れのセッション1件を削除しました。"
    assert not Session.objects.exists()
    assert not UserSession.objects.filter(user=counter_user).exists()
