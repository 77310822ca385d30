"""The second factor on the test client: enrolment on first login, the second step with an
authenticator app or a recovery code, django-axes on the second step, the user's own security
page, ward staff resetting a user's factors, and group accounts that may turn it on."""

from __future__ import annotations

import re
from base64 import b32encode
from binascii import unhexlify

import pyotp
import pytest
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SignInEvent, SignInEventKind
from accounts.services.factors import recovery_codes_issue, reset_second_factors
from accounts.signin import TOTP_KEY_SESSION_KEY
from tests.conftest import PASSWORD, make_user, sign_in, totp_code, totp_device

pytestmark = pytest.mark.django_db

SETUP = "/accounts/second-factor/setup/"
SECOND_STEP = "/accounts/second-factor/"
RECOVERY = "/accounts/second-factor/recovery-codes/"


def password_step(client, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def kinds(user) -> list[str]:
    return list(SignInEvent.objects.filter(user=user).order_by("pk").values_list("kind", flat=True))


def full_width(code: str) -> str:
    """How a code arrives from a Japanese input method: full-width digits, a space between."""
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return wide[:3] + "　" + wide[3:]


def test_first_login_enrols_an_authenticator_app_then_shows_recovery_codes_once(
    client, counter_user
):
    response = password_step(client, "madoguchi", "/counter/bookings/")
    assert response.status_code == 302
    assert response["Location"] == SETUP + "?next=%2Fcounter%2Fbookings%2F"
    # Until enrolled, staff pages send the clerk back to enrolment.
    assert client.get("/counter/")["Location"] == SETUP + "?next=%2Fcounter%2F"

    setup = client.get(SETUP + "?next=/counter/bookings/").content.decode()
    assert "2段階認証の設定" in setup and "認証アプリで設定する" in setup
    page = client.get("/accounts/second-factor/setup/app/?next=/counter/bookings/")
    body = page.content.decode()
    assert '<svg role="img" aria-label="認証アプリに登録するためのQRコード"' in body
    assert 'style="' not in body
    key = client.session[TOTP_KEY_SESSION_KEY]
    secret = b32encode(unhexlify(key)).decode()
    assert " ".join(re.findall(".{4}", secret)) in body  # the key in groups of four

    wrong = client.post(
        "/accounts/second-factor/setup/app/", {"otp_token": "12345", "next": "/counter/bookings/"}
    )
    assert wrong.status_code == 400
    assert "確認コードは6桁の数字で入力してください。" in wrong.content.decode()
    code = pyotp.TOTP(secret).now()
    done = client.post(
        "/accounts/second-factor/setup/app/",
        {"otp_token": full_width(code), "next": "/counter/bookings/"},
    )
    assert done["Location"] == RECOVERY + "?next=%2Fcounter%2Fbookings%2F"
    device = TOTPDevice.objects.get(user=counter_user)
    assert device.confirmed and device.name == "認証アプリ"

    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4})</li>", codes_page)
    assert len(codes) == 10
    assert "このコードが表示されるのは今回だけです。" in codes_page
    download = client.get("/accounts/second-factor/recovery-codes/download/")
    assert download["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert all(code in download.content.decode() for code in codes)
    stored = client.post("/accounts/second-factor/recovery-codes/", {"next": "/counter/bookings/"})
    assert stored["Location"] == "/counter/bookings/"
    assert client.get("/accounts/second-factor/recovery-codes/").status_code == 302  # shown once
    assert client.get("/counter/").status_code == 200
    assert kinds(counter_user)[-3:] == [
        SignInEventKind.SIGNED_IN,
        SignInEventKind.FACTOR_ADDED,
        SignInEventKind.RECOVERY_CODES_ISSUED,
    ]


def test_second_step_takes_the_app_code_and_counts_a_wrong_one(client, ward_user):
    device = totp_device(ward_user)
    response = password_step(client, "kuyakusho", "/admin/")
    assert response["Location"] == SECOND_STEP + "?next=%2Fadmin%2F"
    assert client.get("/admin/")["Location"] == SECOND_STEP + "?next=%2Fadmin%2F"
    page = client.get(response["Location"]).content.decode()
    assert "確認コード" in page and "パスキーで確認する" not in page  # no passkey registered

    wrong = client.post(SECOND_STEP, {"otp_token": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    assert "確認コードが違います" in wrong.content.decode()
    device.throttle_reset()  # django-otp's own back-off (1 s after a wrong code)
    right = client.post(SECOND_STEP, {"otp_token": totp_code(device), "next": "/admin/"})
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert SignInEventKind.SECOND_FACTOR_FAILED in kinds(ward_user)
    assert SignInEventKind.FAILED not in kinds(ward_user)  # recorded once, as the second step


def test_a_recovery_code_works_once(client, operator_user):
    totp_device(operator_user)
    codes = recovery_codes_issue(operator_user)
    password_step(client, "unei")
    typed = full_width(codes[0][:4]).upper() + "－" + codes[0][4:].upper()
    used = client.post(SECOND_STEP, {"otp_token": typed})
    assert used["Location"] == "/consultations/referrals/"
    assert "残り9個" in client.get(used["Location"]).content.decode()
    assert SignInEventKind.RECOVERY_CODE_USED in kinds(operator_user)

    client.post("/accounts/logout/")
    password_step(client, "unei")
    again = client.post(SECOND_STEP, {"otp_token": codes[0]})
    assert again.status_code == 400
    assert "確認コードが違います" in again.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_wrong_codes_lock_the_account_out_like_wrong_passwords(client, counter_user):
    device = totp_device(counter_user)
    assert password_step(client, "madoguchi")["Location"].startswith(SECOND_STEP)
    for _ in range(4):
        assert client.post(SECOND_STEP, {"otp_token": "000000"}).status_code == 400
    locked = client.post(SECOND_STEP, {"otp_token": "000000"})
    assert locked.status_code == 429
    assert "ログインが一時的に制限されています" in locked.content.decode()
    # Even the right code, and the password page, now wait for the cool-off.
    device.throttle_reset()
    assert client.post(SECOND_STEP, {"otp_token": totp_code(device)}).status_code == 429
    assert client.get("/counter/").status_code == 302
    client.post("/accounts/logout/")
    assert password_step(client, "madoguchi").status_code == 429
    assert kinds(counter_user).count(SignInEventKind.SECOND_FACTOR_FAILED) == 5
    assert SignInEventKind.LOCKED_OUT in kinds(counter_user)


def test_security_page_lists_removes_and_renews(client, counter_user):
    first = totp_device(counter_user)
    sign_in(client, counter_user)
    old_codes = recovery_codes_issue(counter_user)
    page = client.get("/accounts/security/").content.decode()
    assert "認証アプリ" in page and "リカバリーコード（残り10個）" in page
    assert "最後の認証手段は削除できません" in page  # staff keep one

    refused = client.post("/accounts/security/remove/", {"device": first.persistent_id})
    assert refused.status_code == 400
    assert "最後の認証手段は削除できません" in refused.content.decode()
    assert client.post("/accounts/security/remove/", {"device": "x/1"}).status_code == 400

    second = TOTPDevice.objects.create(user=counter_user, name="認証アプリ", confirmed=True)
    removed = client.post("/accounts/security/remove/", {"device": first.persistent_id})
    assert removed["Location"] == "/accounts/security/"
    assert list(TOTPDevice.objects.filter(user=counter_user)) == [second]
    assert client.get("/counter/").status_code == 200  # this session stays signed in

    renewed = client.post("/accounts/security/recovery-codes/")
    codes_page = client.get(renewed["Location"]).content.decode()
    new_codes = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4})</li>", codes_page)
    assert len(new_codes) == 10 and not {c.replace("-", "") for c in new_codes} & set(old_codes)
    assert StaticDevice.objects.filter(user=counter_user).count() == 1
    assert SignInEventKind.FACTOR_REMOVED in kinds(counter_user)


def test_ward_staff_reset_sends_the_next_login_to_enrolment(client, counter_user, ward_user):
    totp_device(counter_user)
    recovery_codes_issue(counter_user)
    sign_in(client, counter_user)
    assert client.get("/counter/").status_code == 200

    assert reset_second_factors(counter_user, actor=ward_user) == 2
    # The clerk's session ended with the reset; the next login enrols again.
    assert client.get("/counter/")["Location"].startswith("/accounts/login/")
    assert password_step(client, "madoguchi")["Location"] == SETUP
    event = SignInEvent.objects.get(user=counter_user, kind=SignInEventKind.FACTORS_RESET)
    assert event.actor == ward_user


def test_enrolment_never_adds_a_device_beside_one_not_proved(client, counter_user):
    """A password alone (someone who learnt it) cannot add their own authenticator."""
    totp_device(counter_user)
    password_step(client, "madoguchi")
    for page in (SETUP, "/accounts/second-factor/setup/app/"):
        assert client.get(page)["Location"] == SECOND_STEP
    assert client.post("/accounts/second-factor/setup/app/", {"otp_token": "123456"})[
        "Location"
    ] == (SECOND_STEP)
    begin = client.post("/accounts/passkeys/registration/begin/", content_type="application/json")
    assert begin.status_code == 403
    assert "先に登録済みの方法で2段階認証を済ませてください" in begin.json()["detail"]
    assert TOTPDevice.objects.filter(user=counter_user).count() == 1


def test_a_group_account_is_offered_the_second_factor_and_held_to_it(client, registered_group):
    from groups.models import GroupMembership
    from kyodo_center.roles import GROUP_MEMBER

    member = make_user("nidankai@example.jp", GROUP_MEMBER, email="nidankai@example.jp")
    GroupMembership.objects.create(user=member, group=registered_group)

    assert password_step(client, "nidankai@example.jp")["Location"] == "/mypage/"
    mypage = client.get("/mypage/").content.decode()
    assert "2段階認証を設定する" in mypage

    client.get("/accounts/second-factor/setup/app/?next=/mypage/")
    key = client.session[TOTP_KEY_SESSION_KEY]
    code = pyotp.TOTP(b32encode(unhexlify(key)).decode()).now()
    client.post("/accounts/second-factor/setup/app/", {"otp_token": code, "next": "/mypage/"})
    client.post("/accounts/second-factor/recovery-codes/", {"next": "/mypage/"})
    assert "2段階認証を設定しています" in client.get("/mypage/").content.decode()

    client.post("/accounts/logout/")
    assert password_step(client, "nidankai@example.jp")["Location"] == SECOND_STEP
    assert client.get("/mypage/")["Location"] == SECOND_STEP + "?next=%2Fmypage%2F"

    # Turning it off: the group removes its only authenticator (recovery codes go with it).
    sign_in(client, member)
    device = TOTPDevice.objects.get(user=member)
    client.post("/accounts/security/remove/", {"device": device.persistent_id})
    assert not StaticDevice.objects.filter(user=member).exists()
    client.post("/accounts/logout/")
    assert password_step(client, "nidankai@example.jp")["Location"] == "/mypage/"


# Every page without the second step: tests/test_permission_matrix.py (second_step_gate_failures).
def test_without_the_second_step_public_pages_and_healthz_answer_as_for_a_visitor(
    client, facility, ward_user
):
    client.force_login(ward_user)  # the password only
    home = client.get("/").content.decode()
    assert "職員ログイン" in home and "ログアウト" not in home
    healthz = client.get("/healthz")
    assert (healthz.status_code, healthz.content) == (200, b"ok")
    assert client.get("/admin/")["Location"] == SETUP + "?next=%2Fadmin%2F"


def test_with_a_device_the_gate_sends_to_the_second_step(client, ward_user):
    totp_device(ward_user)
    client.force_login(ward_user)
    assert client.get("/counter/")["Location"] == SECOND_STEP + "?next=%2Fcounter%2F"
    # The login page shows its form again: another clerk at a shared PC may log in.
    assert client.get("/accounts/login/").status_code == 200
    assert client.get(SECOND_STEP).status_code == 200
