"""Ward staff review applications in the admin: checklist, approve, reject, renew."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from groups import services
from groups.models import ApplicationStatus, Group
from kyodo_center.dates import fiscal_year_of
from tests.conftest import sign_in
from tests.groups.factories import CheckedGroupFactory, GroupFactory, RegisteredGroupFactory

pytestmark = pytest.mark.django_db


def change_form_data(group: Group, **changes) -> dict:
    data = {
        "name": group.name,
        "name_kana": group.name_kana,
        "kind": group.kind,
        "activity": group.activity,
        "activity_area": group.activity_area,
        "member_count": group.member_count,
        "representative_name": group.representative_name,
        "contact_name": group.contact_name,
        "postcode": group.postcode,
        "address": group.address,
        "phone": group.phone,
        "email": group.email,
        "publish": "on",
        "public_contact": "",
        "public_body_category": group.public_body_category,
        # The group's online-booking limits (fields of the same admin form), kept as they are.
        "monthly_booking_limit": group.monthly_booking_limit,
        "daily_booking_hours_limit": group.daily_booking_hours_limit,
        "decision": "",
        "decision_reason": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def all_checks() -> dict[str, str]:
    return {f"check_{key}": "on" for key in "abcdef"}


def test_change_form_shows_a_checklist_line_per_criterion_with_the_declaration(client, ward_user):
    group = GroupFactory(declares_c=False)
    sign_in(client, ward_user)
    body = client.get(f"/admin/groups/group/{group.pk}/change/").content.decode()
    for label in ("ア 公益的な活動", "イ 構成員が5名以上", "カ 政治活動または宗教活動"):
        assert body.count(label) >= 2  # the declaration list and the checkbox
    assert "申請者の申告: 申告なし" in body and "申請者の申告: 該当する" in body
    assert "承認する" in body and "却下する" in body and "申請" in body


def test_approve_in_the_change_form_needs_every_criterion_checked(client, ward_user):
    group = GroupFactory()
    sign_in(client, ward_user)
    url = f"/admin/groups/group/{group.pk}/change/"
    checks = all_checks()
    checks.pop("check_f")
    response = client.post(url, change_form_data(group, decision="approve", **checks))
    assert response.status_code == 200
    assert "6つの登録要件すべてを確認するか" in response.content.decode()
    group.refresh_from_db()
    assert group.status == ApplicationStatus.PENDING and not group.check_a


def test_ward_officer_approves_with_the_checklist(client, ward_user):
    group = GroupFactory()
    sign_in(client, ward_user)
    url = f"/admin/groups/group/{group.pk}/change/"
    response = client.post(
        url, change_form_data(group, decision="approve", **all_checks()), follow=True
    )
    group.refresh_from_db()
    assert group.status == ApplicationStatus.APPROVED
    fiscal_year = fiscal_year_of(timezone.localdate())
    assert group.registration_number == f"{fiscal_year}-0001"
    assert group.decided_by == ward_user
    assert f"登録番号 {group.registration_number}" in response.content.decode()


def test_reject_in_the_change_form_requires_a_reason(client, ward_user):
    group = GroupFactory()
    sign_in(client, ward_user)
    url = f"/admin/groups/group/{group.pk}/change/"
    response = client.post(url, change_form_data(group, decision="reject"))
    assert "却下する場合は、却下理由を入力してください" in response.content.decode()
    client.post(url, change_form_data(group, decision="reject", decision_reason="会則が未添付"))
    group.refresh_from_db()
    assert group.status == ApplicationStatus.REJECTED
    assert group.rejection_reason == "会則が未添付"
    body = client.get(url).content.decode()
    assert "会則が未添付" in body and "却下" in body


def test_status_filter_shows_lapsed_registrations(client, ward_user):
    RegisteredGroupFactory(
        name="去年の会", valid_from=dt.date(2020, 4, 1), valid_until=dt.date(2021, 3, 31)
    )
    GroupFactory(name="新しい申請")
    sign_in(client, ward_user)
    lapsed = client.get("/admin/groups/group/", {"review_status": "lapsed"}).content.decode()
    assert "去年の会" in lapsed and "新しい申請" not in lapsed and "失効" in lapsed
    pending = client.get("/admin/groups/group/", {"review_status": "pending"}).content.decode()
    assert "新しい申請" in pending and "去年の会" not in pending


def test_admin_list_query_count_does_not_grow_with_groups(
    client, ward_user, django_assert_max_num_queries
):
    for _ in range(55):
        GroupFactory()
    sign_in(client, ward_user)
    with django_assert_max_num_queries(10):
        assert client.get("/admin/groups/group/").status_code == 200


def test_bulk_approve_and_renew_actions_use_the_rules(client, ward_user):
    ready = CheckedGroupFactory(name="確認済みの会")
    unchecked = GroupFactory(name="未確認の会")
    sign_in(client, ward_user)
    response = client.post(
        "/admin/groups/group/",
        {"action": "approve_selected", "_selected_action": [ready.pk, unchecked.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "1件を承認しました" in body and "未確認の会" in body
    ready.refresh_from_db()
    unchecked.refresh_from_db()
    assert ready.status == ApplicationStatus.APPROVED
    assert unchecked.status == ApplicationStatus.PENDING


def test_counter_staff_cannot_review_in_the_admin(client, counter_user):
    group = GroupFactory()
    sign_in(client, counter_user)
    response = client.get(f"/admin/groups/group/{group.pk}/change/")
    assert response.status_code == 302


def test_checklist_of_a_decided_application_is_kept_as_it_was(client, ward_user):
    group = services.group_approve(group=CheckedGroupFactory(), by=ward_user)
    sign_in(client, ward_user)
    url = f"/admin/groups/group/{group.pk}/change/"
    response = client.post(url, change_form_data(group, renewal_requested="on"))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.check_a and group.check_f and group.renewal_requested
    assert group.status == ApplicationStatus.APPROVED
