"""The demo's 団体紹介: published profiles (one 会員募集中 at least) and one 確認待ち, loaded
through the services by load_demo_groups, idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from groups.models import Group, GroupProfileRevision, ProfileRevisionStatus

pytestmark = pytest.mark.django_db


def test_demo_groups_have_profiles_and_one_waits_for_the_counter(client):
    call_command("load_demo_groups", verbosity=0)
    call_command("load_demo_groups", verbosity=0)  # again: nothing more
    published = Group.objects.exclude(profile_published_at=None)
    assert published.count() == 4
    assert published.filter(recruiting=True).count() >= 1
    assert all(group.activity_field and group.meeting_place for group in published)
    (waiting,) = GroupProfileRevision.objects.filter(status=ProfileRevisionStatus.PENDING)
    assert waiting.group.name == "向山はなみずき自治会" and waiting.recruiting
    assert waiting.submitted_by.username == "group06@example.jp"  # a demo login
    assert GroupProfileRevision.objects.count() == 5
    # The directory shows them and its filter finds the recruiting ones.
    page = client.get("/groups/", {"recruiting": "on"}).content.decode()
    assert "NPO法人しゃくじい川みどりネット" in page and "会員募集中" in page
    assert "向山はなみずき自治会" not in page  # its 会員募集中 still waits for review
