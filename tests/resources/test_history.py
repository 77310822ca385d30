"""履歴 of mailboxes and office machines, and the access log of the lists that show names."""

from __future__ import annotations

import pytest

from kyodo_center.models import PersonalDataAccess
from resources.models import MailboxAssignmentHistory, MailboxAssignmentStatus, MailboxHistory
from resources.services.machines import machine_use_log
from resources.services.mailboxes import mailbox_assign, mailbox_release
from tests.conftest import sign_in
from tests.resources.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_mailbox_release_outside_a_request_records_who_released_it(
    facility, boxes, registered_group, counter_user
):
    assignment = mailbox_assign(mailbox=boxes[0], group=registered_group, today=TODAY)
    mailbox_release(assignment=assignment, today=TODAY, by=counter_user)
    row = (
        MailboxAssignmentHistory.objects.filter(pgh_obj_id=assignment.pk).order_by("pgh_id").last()
    )
    assert row.status == MailboxAssignmentStatus.RELEASED
    assert row.pgh_context["user"] == counter_user.pk
    assert row.pgh_context["username"] == "madoguchi"
    assert row.pgh_context["service"] == "mailbox_release"


def test_the_mailbox_admin_page_shows_its_assignments_history(
    client, ward_user, facility, boxes, registered_group
):
    assignment = mailbox_assign(mailbox=boxes[0], group=registered_group, today=TODAY)
    mailbox_release(assignment=assignment, today=TODAY, by=ward_user)
    assert MailboxHistory.objects.filter(pgh_obj_id=boxes[0].pk).exists()
    sign_in(client, ward_user)
    page = client.get(f"/admin/resources/mailbox/{boxes[0].pk}/change/").content.decode()
    history = page[page.index('id="history-heading"') :]
    assert f"メールボックスの割り当て #{assignment.pk} 変更" in history
    assert "練馬 区子" in history  # the officer, named in Japanese order
    assert "処理 mailbox_release" in history


def test_the_machine_use_list_writes_one_access_line_per_view(client, counter_user, copier):
    machine_use_log(machine=copier, user_name="練馬一郎", sheets=10, in_progress=False)
    sign_in(client, counter_user)
    response = client.get("/counter/resources/machines/uses/")
    assert response.status_code == 200
    assert "練馬一郎" in response.content.decode()
    assert PersonalDataAccess.objects.count() == 1
    assert PersonalDataAccess.objects.get().record.startswith("事務機器の利用記録一覧")


@pytest.mark.parametrize(
    "url, listed",
    [
        ("/admin/resources/mailboxassignment/", "管理画面 メールボックスの割り当て一覧"),
        ("/admin/resources/machineuse/", "管理画面 事務機器の利用記録一覧"),
    ],
)
def test_admin_change_lists_with_names_write_one_access_line(client, ward_user, url, listed):
    sign_in(client, ward_user)
    assert client.get(url).status_code == 200
    assert list(PersonalDataAccess.objects.values_list("record", flat=True)) == [listed]
