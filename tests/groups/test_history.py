"""履歴 of group applications changed in the admin, and the access log of the admin lists."""

from __future__ import annotations

import pytest

from groups.models import ApplicationStatus, GroupEvent, GroupHistory
from kyodo_center.models import PersonalDataAccess
from tests.conftest import sign_in
from tests.groups.factories import GroupFactory
from tests.groups.test_admin_review import change_form_data

pytestmark = pytest.mark.django_db


def test_a_field_saved_in_the_group_admin_is_in_the_history_with_the_admin_url(client, ward_user):
    group = GroupFactory(phone="03-1111-2222")
    sign_in(client, ward_user)
    url = f"/admin/groups/group/{group.pk}/change/"
    response = client.post(url, change_form_data(group, phone="03-9999-0000"))
    assert response.status_code == 302
    row = GroupHistory.objects.filter(pgh_obj_id=group.pk).order_by("pgh_id").last()
    assert row.phone == "03-9999-0000"
    assert row.pgh_context["url"] == url
    assert row.pgh_context["source"] == "admin"
    assert row.pgh_context["username"] == "kuyakusho"

    page = client.get(url).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "03-1111-2222 → 03-9999-0000" in history


def test_a_rejection_keeps_its_review_line_and_is_in_the_history(client, ward_user):
    group = GroupFactory()
    sign_in(client, ward_user)
    url = f"/admin/groups/group/{group.pk}/change/"
    client.post(url, change_form_data(group, decision="reject", decision_reason="会則が未添付"))
    assert GroupEvent.objects.get(group=group, action=GroupEvent.Action.REJECTED).note == (
        "会則が未添付"
    )
    row = GroupHistory.objects.filter(pgh_obj_id=group.pk).order_by("pgh_id").last()
    assert row.status == ApplicationStatus.REJECTED
    assert row.pgh_context["service"] == "group_reject"
    assert row.pgh_context["username"] == "kuyakusho"


@pytest.mark.parametrize(
    "url, listed",
    [
        ("/admin/groups/group/", "管理画面 団体一覧"),
        ("/admin/programs/registration/", "管理画面 申込一覧"),
    ],
)
def test_admin_change_lists_with_names_and_contacts_write_one_access_line(
    client, ward_user, url, listed
):
    GroupFactory()
    sign_in(client, ward_user)
    assert client.get(url).status_code == 200
    assert list(PersonalDataAccess.objects.values_list("record", flat=True)) == [listed]
