"""団体紹介 under concurrent writes: two clerks deciding at once, a clerk deciding while the
group sends a newer version, two accounts of one group sending at once. Real threads."""

from __future__ import annotations

import pytest

from groups import services
from groups.models import Group, GroupProfileRevision, ProfileRevisionStatus
from tests.concurrency import run_together
from tests.groups.test_profiles import PROFILE, account, registered, submit

pytestmark = pytest.mark.django_db(transaction=True)


def outcome(result: object) -> str:
    if isinstance(result, Exception):
        return getattr(result, "message", repr(result))
    return "ok"


def test_two_clerks_deciding_at_once_decide_once(counter_user, ward_user):
    group = registered("同時の会", "2026-0701", publish=True)
    revision = submit(group, account(group, "doji@example.jp"))
    results = run_together(
        lambda: services.profile_revision_approve(revision=revision, by=counter_user),
        lambda: services.profile_revision_return(revision=revision, by=ward_user, reason="確認中"),
    )
    outcomes = [outcome(r) for r in results]
    assert outcomes.count("ok") == 1, outcomes
    assert any("既に" in text for text in outcomes), outcomes
    revision.refresh_from_db()
    assert revision.status in (ProfileRevisionStatus.APPROVED, ProfileRevisionStatus.RETURNED)


def test_a_decision_and_a_newer_version_never_deadlock(counter_user):
    """The clerk publishes what they saw, or is told it was replaced; never a 500."""
    for round_number in range(5):
        group = registered(f"競合の会{round_number}", f"2026-08{round_number:02d}", publish=True)
        member = account(group, f"kyogo{round_number}@example.jp")
        seen = submit(group, member)
        results = run_together(
            lambda seen=seen: services.profile_revision_approve(revision=seen, by=counter_user),
            lambda group=group, member=member: submit(group, member, meeting_place="別の場所"),
        )
        for result in results:
            assert not isinstance(result, Exception) or isinstance(result, services.GroupError), (
                repr(result)
            )
        seen.refresh_from_db()
        group.refresh_from_db()
        if seen.status == ProfileRevisionStatus.APPROVED:
            assert group.meeting_place == PROFILE["meeting_place"]
        else:
            assert seen.status == ProfileRevisionStatus.REPLACED
            assert group.meeting_place == ""
        waiting = GroupProfileRevision.objects.filter(
            group=group, status=ProfileRevisionStatus.PENDING
        )
        assert waiting.count() == 1 and waiting.get().meeting_place == "別の場所"


def test_two_accounts_sending_at_once_leave_one_waiting():
    group = registered("二人の会", "2026-0901", publish=True)
    first, second = account(group, "a@example.jp"), account(group, "b@example.jp")
    results = run_together(
        lambda: submit(group, first, meeting_place="一人目"),
        lambda: submit(group, second, meeting_place="二人目"),
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert (
        GroupProfileRevision.objects.filter(
            group=group, status=ProfileRevisionStatus.PENDING
        ).count()
        == 1
    )
    assert Group.objects.get(pk=group.pk).meeting_place == ""
