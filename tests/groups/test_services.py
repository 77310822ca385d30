"""The registration rules: applying, approving, rejecting, renewing, lapsing (seed 000 §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from groups import services
from groups.models import ApplicationStatus, Group, GroupEvent, PendingUpload, PublicBodyCategory
from groups.services import GroupError
from tests.groups.factories import (
    PDF_BYTES,
    CheckedGroupFactory,
    GroupFactory,
    RegisteredGroupFactory,
)

pytestmark = pytest.mark.django_db

APPLICATION = {
    "name": "光が丘子ども食堂",
    "name_kana": "ヒカリガオカコドモショクドウ",
    "kind": "voluntary",
    "activity": "子ども食堂の運営",
    "activity_area": "光が丘地域",
    "member_count": 8,
    "representative_name": "光 太郎",
    "contact_name": "光 花子",
    "postcode": "179-0072",
    "address": "東京都練馬区光が丘1-1-1",
    "phone": "03-1111-2222",
    "email": "info@example.jp",
    "publish": True,
    "publish_activity": True,
    "publish_area": False,
    "public_contact": "",
    **{f"declares_{key}": True for key in "abcdef"},
    "public_body_category": "",
}


def upload(content: bytes = PDF_BYTES, name: str = "kiyaku.pdf") -> PendingUpload:
    return services.bylaws_upload_store(file=SimpleUploadedFile(name, content))


# --- Applying ----------------------------------------------------------------------------------
def test_application_gets_a_receipt_number_and_keeps_the_bylaws():
    pending = upload()
    group = services.group_apply(data=APPLICATION, upload_token=pending.token)
    group.refresh_from_db()
    assert group.status == ApplicationStatus.PENDING
    assert group.receipt_number and group.receipt_number.endswith(f"{group.pk:05d}")
    assert group.bylaws_name == "kiyaku.pdf"
    assert group.bylaws.read().startswith(b"%PDF-")
    assert not PendingUpload.objects.exists()
    assert list(group.events.values_list("action", flat=True)) == ["applied"]
    assert not services.group_is_registered_on(group, dt.date.today())


def test_submitting_the_confirmation_twice_makes_one_application():
    pending = upload()
    first = services.group_apply(data=APPLICATION, upload_token=pending.token)
    second = services.group_apply(data=APPLICATION, upload_token=pending.token)
    assert first.pk == second.pk
    assert Group.objects.count() == 1


def test_fewer_than_five_members_does_not_qualify_under_the_six_criteria():
    with pytest.raises(GroupError, match="5名未満"):
        services.group_apply(data={**APPLICATION, "member_count": 4}, upload_token=upload().token)
    assert not Group.objects.exists()


def test_a_public_body_may_have_fewer_than_five_members():
    data = {
        **APPLICATION,
        "member_count": 3,
        **{f"declares_{key}": False for key in "abcdef"},
        "public_body_category": PublicBodyCategory.OTHER_PUBLIC,
    }
    group = services.group_apply(data=data, upload_token=upload().token)
    assert group.public_body_category == "d"


def test_application_without_all_six_declarations_or_a_public_body_is_refused():
    with pytest.raises(GroupError, match="カ"):
        services.group_apply(data={**APPLICATION, "declares_f": False}, upload_token=upload().token)


def test_an_expired_upload_asks_for_the_file_again():
    import uuid

    with pytest.raises(GroupError, match="もう一度選んで"):
        services.group_apply(data=APPLICATION, upload_token=uuid.uuid4())


# --- Uploads -----------------------------------------------------------------------------------
def test_an_executable_renamed_pdf_is_refused():
    with pytest.raises(GroupError, match="PDFまたは画像"):
        upload(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "kiyaku.pdf")
    assert not PendingUpload.objects.exists()


def test_a_file_over_ten_megabytes_is_refused():
    with pytest.raises(GroupError, match="大きすぎます"):
        upload(b"%PDF-" + b"0" * (services.BYLAWS_MAX_BYTES), "big.pdf")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (PDF_BYTES, "kiyaku.PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "a.png"),
        (b"\xff\xd8\xff" + b"0" * 20, "scan.jpg"),
    ],
)
def test_pdf_png_and_jpeg_are_accepted(content, name):
    assert upload(content, name).content_type.startswith(("application/pdf", "image/"))


# --- Approving ---------------------------------------------------------------------------------
def test_cannot_approve_without_the_criteria_checked(ward_user):
    group = GroupFactory(check_a=True, check_b=True)
    with pytest.raises(GroupError, match="6つの登録要件"):
        services.group_approve(group=group, by=ward_user)
    group.refresh_from_db()
    assert group.status == ApplicationStatus.PENDING
    assert group.registration_number is None


def test_database_refuses_an_approval_without_criteria():
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupFactory(
            status=ApplicationStatus.APPROVED,
            registration_number="2026-9999",
            valid_from=dt.date(2026, 4, 1),
            valid_until=dt.date(2027, 3, 31),
            decided_at="2026-04-01T10:00+09:00",
        )


def test_approval_gives_number_and_validity_to_the_next_march_31(ward_user):
    group = CheckedGroupFactory()
    approved = services.group_approve(group=group, by=ward_user, today=dt.date(2026, 11, 23))
    approved.refresh_from_db()
    assert approved.status == ApplicationStatus.APPROVED
    assert approved.registration_number == "2026-0001"
    assert approved.valid_from == dt.date(2026, 11, 23)
    assert approved.valid_until == dt.date(2027, 3, 31)
    assert approved.decided_by == ward_user and approved.decided_at is not None
    assert GroupEvent.objects.filter(group=approved, action="approved", by=ward_user).exists()


def test_numbers_are_sequential_per_fiscal_year(ward_user):
    numbers = [
        services.group_approve(
            group=CheckedGroupFactory(), by=ward_user, today=day
        ).registration_number
        for day in (
            dt.date(2026, 5, 1),
            dt.date(2026, 6, 1),
            dt.date(2027, 3, 31),
            dt.date(2027, 4, 1),
        )
    ]
    assert numbers == ["2026-0001", "2026-0002", "2026-0003", "2027-0001"]


def test_approval_in_march_is_valid_only_to_that_march_31(ward_user):
    group = services.group_approve(
        group=CheckedGroupFactory(), by=ward_user, today=dt.date(2027, 3, 10)
    )
    assert group.valid_until == dt.date(2027, 3, 31)
    assert group.registration_number == "2026-0001"


def test_a_confirmed_public_body_is_approved_without_the_six_checks(ward_user):
    group = GroupFactory(public_body_category="a", public_body_confirmed=True, member_count=2)
    assert services.group_approve(group=group, by=ward_user).status == ApplicationStatus.APPROVED


def test_an_approved_application_cannot_be_approved_again(ward_user):
    group = services.group_approve(group=CheckedGroupFactory(), by=ward_user)
    with pytest.raises(GroupError, match="既に承認"):
        services.group_approve(group=group, by=ward_user)


# --- Rejecting ---------------------------------------------------------------------------------
def test_rejection_needs_a_reason(ward_user):
    group = GroupFactory()
    with pytest.raises(GroupError, match="却下理由"):
        services.group_reject(group=group, by=ward_user, reason="  ")
    group.refresh_from_db()
    assert group.status == ApplicationStatus.PENDING


def test_rejection_keeps_the_reason_and_who_decided(ward_user):
    group = services.group_reject(
        group=GroupFactory(), by=ward_user, reason="活動内容が政治活動を目的としているため"
    )
    group.refresh_from_db()
    assert group.status == ApplicationStatus.REJECTED
    assert group.rejection_reason == "活動内容が政治活動を目的としているため"
    assert group.decided_by == ward_user
    with pytest.raises(GroupError):
        services.group_approve(group=group, by=ward_user)


def test_a_rejected_group_can_apply_again_as_a_new_application(ward_user):
    services.group_reject(group=GroupFactory(name="再申請の会"), by=ward_user, reason="規約不備")
    again = services.group_apply(
        data={**APPLICATION, "name": "再申請の会"}, upload_token=upload().token
    )
    assert again.status == ApplicationStatus.PENDING
    assert Group.objects.filter(name="再申請の会").count() == 2


# --- Validity, lapse and renewal ---------------------------------------------------------------
def test_registration_lapses_on_april_1_by_itself():
    group = RegisteredGroupFactory(valid_from=dt.date(2026, 4, 1), valid_until=dt.date(2027, 3, 31))
    assert services.group_is_registered_on(group, dt.date(2027, 3, 31))
    assert not services.group_is_registered_on(group, dt.date(2027, 4, 1))
    assert not services.group_is_registered_on(group, dt.date(2026, 3, 31))
    assert group.display_status(dt.date(2027, 4, 1)) == "lapsed"


def test_registered_on_q_matches_group_is_registered_on():
    valid = RegisteredGroupFactory()
    RegisteredGroupFactory(valid_from=dt.date(2025, 4, 1), valid_until=dt.date(2026, 3, 31))
    GroupFactory()  # pending
    day = dt.date(2026, 11, 23)
    assert list(Group.objects.filter(services.registered_on_q(day))) == [valid]


def test_pending_or_rejected_groups_are_not_registered(ward_user):
    rejected = services.group_reject(group=GroupFactory(), by=ward_user, reason="要件不足")
    assert not services.group_is_registered_on(rejected, dt.date(2026, 11, 23))
    assert not services.group_is_registered_on(GroupFactory(), dt.date(2026, 11, 23))


def test_renewal_extends_to_the_next_fiscal_year_once(ward_user):
    group = RegisteredGroupFactory(renewal_requested=True)
    renewed = services.group_renew(group=group, by=ward_user, today=dt.date(2027, 3, 1))
    assert renewed.valid_until == dt.date(2028, 3, 31)
    assert not renewed.renewal_requested
    assert services.group_is_registered_on(renewed, dt.date(2027, 4, 1))
    with pytest.raises(GroupError, match="既に次年度"):
        services.group_renew(group=renewed, by=ward_user, today=dt.date(2027, 3, 2))


def test_a_lapsed_registration_cannot_be_renewed(ward_user):
    group = RegisteredGroupFactory()
    with pytest.raises(GroupError, match="新たに申請"):
        services.group_renew(group=group, by=ward_user, today=dt.date(2027, 4, 2))


def test_bulk_renewal_reports_each_group(ward_user):
    ok = RegisteredGroupFactory(renewal_requested=True)
    lapsed = RegisteredGroupFactory(
        valid_from=dt.date(2025, 4, 1), valid_until=dt.date(2026, 3, 31)
    )
    renewed, errors = services.groups_renew(
        groups=[ok, lapsed], by=ward_user, today=dt.date(2027, 3, 20)
    )
    assert [g.pk for g in renewed] == [ok.pk]
    assert len(errors) == 1 and lapsed.name in errors[0]


def test_uploads_never_submitted_are_forgotten_after_a_day(django_capture_on_commit_callbacks):
    from django.utils import timezone

    stale = upload(name="old.pdf")
    PendingUpload.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    path = stale.file.path
    with django_capture_on_commit_callbacks(execute=True):
        fresh = upload(name="new.pdf")  # each new upload clears the stale ones
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    import os

    assert not os.path.exists(path)
