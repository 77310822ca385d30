"""Group accounts (登録団体): the invitation on approval, the single-use 72-hour link, password
reset through the worker's queue, マイページ and what a group account may not reach."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone

from groups import services
from groups.models import ApplicationStatus, Group, GroupMembership
from notices.models import Notice
from tests.conftest import make_user, sign_in
from tests.facilities.conftest import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_group(db) -> Group:
    fields = approved(name="ねりまの森の会", email="Mori@Example.jp", member_count=8)
    fields["status"] = ApplicationStatus.PENDING
    fields.pop("decided_at")
    return Group.objects.create(**fields)


def invitation_path(notice: Notice) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", notice.body)[1]


def test_approval_invites_the_contact_email(pending_group, ward_user):
    services.group_approve(group=pending_group, by=ward_user)
    membership = GroupMembership.objects.get(group=pending_group)
    assert membership.user.username == "mori@example.jp"
    assert not membership.user.has_usable_password()
    (notice,) = Notice.objects.filter(kind="invitation")
    assert notice.recipients == ["mori@example.jp"]
    assert "/accounts/invitation/" in notice.body and "72時間" in notice.body
    # Renewal does not invite the same address twice.
    group = Group.objects.get(pk=pending_group.pk)
    group.valid_until = dt.date(
        timezone.localdate().year + (timezone.localdate().month >= 4), 3, 31
    )
    group.save()
    services.group_renew(group=group, by=ward_user)
    assert Notice.objects.filter(kind="invitation").count() == 1


def test_the_invitation_sets_a_password_once_and_lands_on_mypage(client, pending_group, ward_user):
    services.group_approve(group=pending_group, by=ward_user)
    path = invitation_path(Notice.objects.get(kind="invitation"))
    page = client.get(path)
    assert page.status_code == 200 and "パスワード" in page.content.decode()
    response = client.post(
        path, {"new_password1": "Nerima-mori-2026", "new_password2": "Nerima-mori-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/mypage/"
    mypage = client.get("/mypage/").content.decode()
    group = Group.objects.get(pk=pending_group.pk)
    assert group.registration_number in mypage
    client.logout()
    # Single use: the link dies with the password it set.
    again = client.get(path)
    assert again.status_code == 400 and "このリンクは使えません" in again.content.decode()
    assert client.login(username="mori@example.jp", password="Nerima-mori-2026")


def test_the_invitation_expires_after_72_hours(client, pending_group, ward_user, monkeypatch):
    services.group_approve(group=pending_group, by=ward_user)
    path = invitation_path(Notice.objects.get(kind="invitation"))
    later = dt.datetime.now() + dt.timedelta(hours=72, minutes=1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert client.get(path).status_code == 400
    sooner = dt.datetime.now() + dt.timedelta(hours=71)
    monkeypatch.setattr(default_token_generator, "_now", lambda: sooner)
    assert client.get(path).status_code == 200


def test_staff_add_and_resend_accounts_but_not_across_groups(pending_group, ward_user):
    services.group_approve(group=pending_group, by=ward_user)
    services.invite_group_member(group=pending_group, email="jimu@example.jp", by=ward_user)
    services.invite_group_member(group=pending_group, email="jimu@example.jp", by=ward_user)
    assert GroupMembership.objects.filter(group=pending_group).count() == 2
    assert Notice.objects.filter(kind="invitation", recipients=["jimu@example.jp"]).count() == 2
    other = Group.objects.create(
        **approved(
            name="別の会",
            registration_number="2026-0999",
            valid_from=dt.date(2026, 4, 1),
            valid_until=dt.date(2027, 3, 31),
        )
    )
    with pytest.raises(services.GroupError, match="別の団体"):
        services.invite_group_member(group=other, email="jimu@example.jp", by=ward_user)
    make_user("staff@example.jp", "窓口職員")
    with pytest.raises(services.GroupError, match="職員"):
        services.invite_group_member(group=other, email="staff@example.jp", by=ward_user)


def test_password_reset_queues_a_mail_and_reveals_nothing(client, pending_group, ward_user):
    services.group_approve(group=pending_group, by=ward_user)
    user = get_user_model().objects.get(username="mori@example.jp")
    user.set_password("Nerima-mori-2026")
    user.save()
    known = client.post("/accounts/password_reset/", {"email": "mori@example.jp"}, follow=True)
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.jp"}, follow=True)
    assert known.content.decode().count("メールをご確認ください") == 1
    assert unknown.content.decode().count("メールをご確認ください") == 1
    (notice,) = Notice.objects.filter(kind="password_reset")
    assert notice.recipients == ["mori@example.jp"]
    assert "/accounts/reset/" in notice.body


def test_a_group_account_reaches_only_its_own_pages(client, pending_group, ward_user):
    services.group_approve(group=pending_group, by=ward_user)
    user = get_user_model().objects.get(username="mori@example.jp")
    sign_in(client, user)
    assert client.get("/counter/").status_code == 403
    assert client.get("/admin/").status_code == 302
    assert client.get("/consultations/").status_code == 403
    assert client.get("/mypage/").status_code == 200


def test_mypage_is_404_for_staff(client, counter_user):
    sign_in(client, counter_user)
    assert client.get("/mypage/").status_code == 404


def test_mail_settings_and_calendar_reset(client, pending_group, ward_user):
    services.group_approve(group=pending_group, by=ward_user)
    membership = GroupMembership.objects.get(group=pending_group)
    sign_in(client, membership.user)
    client.post("/mypage/", {"wants_waiting_notices": "on"})
    membership.refresh_from_db()
    assert membership.wants_waiting_notices and not membership.wants_reminders
    old = Group.objects.get(pk=pending_group.pk).calendar_token
    assert client.get(f"/facilities/calendar/{old}.ics").status_code == 200
    client.post("/mypage/calendar/reset/")
    new = Group.objects.get(pk=pending_group.pk).calendar_token
    assert new != old
    assert client.get(f"/facilities/calendar/{old}.ics").status_code == 404
    assert str(new) in client.get("/mypage/").content.decode()


def test_a_lapsed_group_sees_why_on_mypage(client, db):
    group = Group.objects.create(
        **approved(
            name="旧登録の会",
            registration_number="2024-0007",
            valid_from=dt.date(2024, 4, 1),
            valid_until=dt.date(2025, 3, 31),
        )
    )
    user = make_user("old@example.jp", "登録団体", email="old@example.jp")
    GroupMembership.objects.create(user=user, group=group)
    sign_in(client, user)
    page = client.get("/mypage/").content.decode()
    assert "オンラインでの申込みはできません" in page and "2025年3月31日" in page


def test_ward_staff_add_an_account_and_resend_invitations_in_the_admin(
    client, pending_group, ward_user
):
    from tests.groups.test_admin_review import change_form_data

    services.group_approve(group=pending_group, by=ward_user)
    group = Group.objects.get(pk=pending_group.pk)
    sign_in(client, ward_user)
    page = client.get(f"/admin/groups/group/{group.pk}/change/").content.decode()
    assert "団体アカウント（マイページ）" in page and "mori@example.jp" in page
    client.post(
        f"/admin/groups/group/{group.pk}/change/",
        change_form_data(group, add_member_email="kaikei@example.jp"),
    )
    assert GroupMembership.objects.filter(group=group).count() == 2
    client.post(
        "/admin/groups/group/",
        {"action": "resend_invitations", "_selected_action": [group.pk]},
    )
    # The two accounts have not set a password yet: each gets a fresh invitation.
    assert Notice.objects.filter(kind="invitation").count() == 4
