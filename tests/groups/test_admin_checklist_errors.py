"""Approving with unticked criteria: the reason stands next to the checklist line that stops
the approval (the admin shows a field's errors on its own row), not only at the top."""

from __future__ import annotations

import re

import pytest

from groups.models import ApplicationStatus, PublicBodyCategory
from tests.conftest import sign_in
from tests.groups.factories import GroupFactory
from tests.groups.test_admin_review import all_checks, change_form_data

pytestmark = pytest.mark.django_db


def field_row(body: str, field: str) -> str:
    """The admin's row of one field (``<div class="form-row … field-<name>">`` up to the next)."""
    match = re.search(
        rf'<div class="form-row[^"]*field-{field}\b[^"]*">(.*?)(?=<div class="form-row)', body, re.S
    )
    assert match, f"no row for {field}"
    return match.group(0)


def test_unticked_criteria_are_marked_on_their_own_checklist_lines(client, ward_user):
    group = GroupFactory()
    sign_in(client, ward_user)
    checks = all_checks()
    checks.pop("check_c")
    checks.pop("check_f")
    response = client.post(
        f"/admin/groups/group/{group.pk}/change/",
        change_form_data(group, decision="approve", **checks),
    )
    assert response.status_code == 200
    body = response.content.decode()
    for field, letter in (("check_c", "ウ"), ("check_f", "カ")):
        row = field_row(body, field)
        assert "errors" in row.split(">", 1)[0]
        assert f"要件{letter}が未確認のため承認できません。" in row
    for field in ("check_a", "check_b", "check_d", "check_e"):
        assert "未確認のため" not in field_row(body, field)
    # The summary under 審査結果 stays, naming both.
    assert "未確認: ウ、カ" in field_row(body, "decision")
    group.refresh_from_db()
    assert group.status == ApplicationStatus.PENDING


def test_too_few_members_is_marked_on_the_member_count(client, ward_user):
    group = GroupFactory(member_count=3)
    sign_in(client, ward_user)
    response = client.post(
        f"/admin/groups/group/{group.pk}/change/",
        change_form_data(group, decision="approve", **all_checks()),
    )
    row = field_row(response.content.decode(), "member_count")
    assert "構成員が5名未満のため" in row
    for key in "abcdef":
        assert "未確認のため" not in field_row(response.content.decode(), f"check_{key}")


def test_a_public_body_confirmed_without_its_category_is_marked_on_the_category(client, ward_user):
    group = GroupFactory(public_body_category="")
    sign_in(client, ward_user)
    response = client.post(
        f"/admin/groups/group/{group.pk}/change/",
        change_form_data(group, decision="approve", public_body_confirmed="on"),
    )
    body = response.content.decode()
    assert "区分を選んでください" in field_row(body, "public_body_category")
    confirmed = change_form_data(
        group,
        decision="approve",
        public_body_confirmed="on",
        public_body_category=PublicBodyCategory.values[0],
    )
    client.post(f"/admin/groups/group/{group.pk}/change/", confirmed)
    group.refresh_from_db()
    assert group.status == ApplicationStatus.APPROVED
