"""団体紹介 (issue 18): a group proposes its public profile on マイページ; the counter publishes
it or sends it back. The rules, through groups.services, on real PostgreSQL at a fixed NOW."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from groups import services
from groups.models import (
    ActivityField,
    Group,
    GroupMembership,
    GroupProfileRevision,
    ProfileRevisionStatus,
)
from kyodo_center.cache import content_versions
from kyodo_center.roles import GROUP_MEMBER
from notices.models import Notice
from tests.conftest import make_user
from tests.facilities.conftest import NOW, approved, frozen_now  # noqa: F401  (the fixed clock)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

PROFILE = {
    "publish": True,
    "activity_field": ActivityField.ENVIRONMENT,
    "activity": "石神井川の清掃と、親子の生きもの観察会。",
    "publish_activity": True,
    "activity_area": "石神井町・関町",
    "publish_area": True,
    "meeting_place": "石神井公園駅 南口に集合",
    "meeting_schedule": "毎月第2日曜日 9時〜12時",
    "recruiting": True,
    "public_contact": "https://kawa.example.jp/",
}


def registered(name: str, number: str, **fields: Any) -> Group:
    """A group registered for the fiscal year of NOW (and of the real today, for page tests)."""
    fields.setdefault("email", "kojin@example.jp")
    fields.setdefault("phone", "03-1111-2222")
    return Group.objects.create(
        **approved(
            name=name,
            registration_number=number,
            valid_from=dt.date(2026, 4, 1),
            valid_until=max(dt.date(2027, 3, 31), dt.date.today() + dt.timedelta(days=400)),
            activity="登録時の活動内容",
            **fields,
        )
    )


def account(group: Group, email: str) -> Any:
    user = make_user(email, GROUP_MEMBER, email=email)
    GroupMembership.objects.create(user=user, group=group)
    return user


@pytest.fixture
def river(db) -> Group:
    return registered("しゃくじい川の会", "2026-0101", publish=True)


@pytest.fixture
def member(river) -> Any:
    return account(river, "kawa@example.jp")


def submit(group: Group, by: Any, **changes: Any) -> GroupProfileRevision:
    result = services.profile_revision_submit(group=group, data={**PROFILE, **changes}, by=by)
    assert result.revision is not None
    return result.revision


def test_a_proposal_waits_and_the_live_profile_stays(river, member):
    revision = submit(river, member)
    assert revision.status == ProfileRevisionStatus.PENDING
    assert revision.submitted_by == member and revision.submitted_at == NOW
    assert revision.meeting_place == "石神井公園駅 南口に集合" and revision.recruiting
    river.refresh_from_db()
    assert river.meeting_place == "" and not river.recruiting
    assert river.activity == "登録時の活動内容" and river.profile_published_at is None


def test_a_new_proposal_replaces_the_waiting_one(river, member):
    first = submit(river, member, meeting_schedule="毎週土曜日")
    second_account = account(river, "kawa2@example.jp")
    second = submit(river, second_account, meeting_schedule="毎週日曜日")
    first.refresh_from_db()
    assert first.status == ProfileRevisionStatus.REPLACED
    pending = GroupProfileRevision.objects.get(status=ProfileRevisionStatus.PENDING)
    assert pending == second and pending.meeting_schedule == "毎週日曜日"
    # What the clerk saw first can no longer be published: it was replaced.
    with pytest.raises(services.GroupError, match="送り直しています"):
        services.profile_revision_approve(revision=first, by=None)


def test_the_database_keeps_one_waiting_proposal_per_group(river, member):
    submit(river, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupProfileRevision.objects.create(group=river, submitted_by=member, submitted_at=NOW)


def test_approval_applies_the_values_and_tells_the_group(river, member, counter_user):
    revision = submit(river, member)
    before = content_versions("groups")
    approved_revision = services.profile_revision_approve(revision=revision, by=counter_user)
    assert approved_revision.status == ProfileRevisionStatus.APPROVED
    assert approved_revision.reviewed_by == counter_user and approved_revision.reviewed_at == NOW
    river.refresh_from_db()
    for name, value in PROFILE.items():
        assert getattr(river, name) == value, name
    assert river.profile_published_at == NOW
    # The directory's pages are cached under "groups": the approval moves it.
    assert content_versions("groups") != before
    (notice,) = Notice.objects.filter(kind="group_profile_published")
    assert set(notice.recipients) == {"kojin@example.jp", "kawa@example.jp"}
    assert "団体紹介を公開しました" in notice.subject
    assert f"/groups/{river.pk}/" in notice.body and "/mypage/profile/" in notice.body


def test_sending_back_keeps_the_live_profile_and_mails_the_reason(river, member, ward_user):
    live = submit(river, member)
    services.profile_revision_approve(revision=live, by=ward_user)
    proposal = submit(river, member, public_contact="090-1234-5678", recruiting=False)
    with pytest.raises(services.GroupError, match="理由を入力"):
        services.profile_revision_return(revision=proposal, by=ward_user, reason="  ")
    returned = services.profile_revision_return(
        revision=proposal, by=ward_user, reason="個人の携帯電話の番号は掲載できません。"
    )
    assert returned.status == ProfileRevisionStatus.RETURNED and returned.reviewed_by == ward_user
    river.refresh_from_db()
    assert river.public_contact == "https://kawa.example.jp/" and river.recruiting
    (notice,) = Notice.objects.filter(kind="group_profile_returned")
    assert "個人の携帯電話の番号は掲載できません。" in notice.body
    assert "kawa@example.jp" in notice.recipients
    # Decided once: a second decision on it is refused.
    with pytest.raises(services.GroupError, match="差戻し"):
        services.profile_revision_approve(revision=proposal, by=ward_user)


def test_submitting_does_not_touch_the_public_pages_version(river, member):
    before = content_versions("groups")
    submit(river, member)
    assert content_versions("groups") == before


def test_only_the_groups_own_accounts_may_propose(
    river, member, counter_user, ward_user, plain_user
):
    other_group = registered("別の会", "2026-0102")
    outsider = account(other_group, "betsu@example.jp")
    for user in (outsider, counter_user, ward_user, plain_user, None):
        with pytest.raises(services.ProfileForbidden):
            submit(river, user)
    member.is_active = False
    member.save()
    with pytest.raises(services.ProfileForbidden):
        submit(river, member)
    assert not GroupProfileRevision.objects.exists()


def test_a_lapsed_group_cannot_propose(db):
    lapsed = Group.objects.create(
        **approved(
            name="失効した会",
            registration_number="2025-0001",
            valid_from=dt.date(2025, 4, 1),
            valid_until=dt.date(2026, 3, 31),
        )
    )
    user = account(lapsed, "shikko@example.jp")
    with pytest.raises(services.GroupError, match="団体登録が有効な間だけ"):
        submit(lapsed, user)


def test_nothing_changed_is_refused(river, member, counter_user):
    services.profile_revision_approve(revision=submit(river, member), by=counter_user)
    with pytest.raises(services.GroupError, match="変更された項目がありません"):
        submit(river, member)


def test_sending_back_what_is_live_withdraws_the_waiting_proposal(river, member, counter_user):
    services.profile_revision_approve(revision=submit(river, member), by=counter_user)
    waiting = submit(river, member, meeting_place="区民協働交流センター")
    result = services.profile_revision_submit(group=river, data=PROFILE, by=member)
    assert result.revision is None and result.replaced
    waiting.refresh_from_db()
    assert waiting.status == ProfileRevisionStatus.REPLACED
    assert not GroupProfileRevision.objects.filter(status=ProfileRevisionStatus.PENDING).exists()


def test_unpublishing_applies_at_once_without_review(river, member, counter_user):
    services.profile_revision_approve(revision=submit(river, member), by=counter_user)
    before = content_versions("groups")
    result = services.profile_revision_submit(
        group=river, data={**PROFILE, "publish": False}, by=member
    )
    river.refresh_from_db()
    assert not river.publish and result.unpublished == ("publish",)
    assert result.revision is None  # nothing else changed: nothing to review
    assert content_versions("groups") != before


def test_the_public_contact_is_never_filled_from_the_registration(river, member):
    """The live profile starts without a public contact, whatever the registration holds."""
    assert river.email and river.phone and river.public_contact == ""
    assert services.profile_values(river)["public_contact"] == ""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"activity": "あ" * 1001}, "1000文字以内"),
        ({"meeting_place": "い" * 201}, "200文字以内"),
        ({"activity_field": "nonsense"}, "一覧から選んで"),
        ({"public_contact": "a\x00b"}, "使えない文字"),
    ],
)
def test_bad_values_are_refused_with_a_reason(river, member, changes, message):
    with pytest.raises(services.GroupError, match=message):
        submit(river, member, **changes)
    assert not GroupProfileRevision.objects.exists()


def test_the_reason_has_limits_too(river, member, counter_user):
    revision = submit(river, member)
    with pytest.raises(services.GroupError, match="1000文字以内"):
        services.profile_revision_return(revision=revision, by=counter_user, reason="う" * 1001)
    revision.refresh_from_db()
    assert revision.status == ProfileRevisionStatus.PENDING


def test_history_records_who_proposed_and_who_published(river, member, counter_user):
    from kyodo_center.history import history_for

    revision = submit(river, member)
    services.profile_revision_approve(revision=revision, by=counter_user)
    published, proposed = history_for(revision)
    assert (proposed.actor, proposed.action) == ("kawa@example.jp", "作成")
    assert (published.actor, published.action) == ("窓口 花子", "変更")
    assert ("状態", "確認待ち", "公開") in [(c.label, c.before, c.after) for c in published.changes]
    # The group's own history shows the live profile changing with the same actor.
    group_rows = history_for(Group.objects.get(pk=river.pk))
    assert group_rows[0].actor == "窓口 花子"
    assert any(change.label == "活動場所" for change in group_rows[0].changes)
