"""Business rules of group registration (seed 000 §4). Other apps ask here whether a group is
registered; views, the admin and the counter call the ``group_*`` functions to change anything.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as Role
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from groups.models import (
    CRITERIA,
    CRITERION_KEYS,
    MINIMUM_MEMBERS,
    PROFILE_ACTIVITY_MAX,
    PROFILE_FIELDS,
    ActivityField,
    ApplicationStatus,
    Group,
    GroupEvent,
    GroupMembership,
    GroupProfileRevision,
    PendingUpload,
    ProfileRevisionStatus,
    PublicBodyCategory,
    RegistrationCounter,
    SubmissionChannel,
)
from kyodo_center.dates import fiscal_year_end, fiscal_year_of
from kyodo_center.history import records_actor
from kyodo_center.roles import GROUP_MEMBER, OPERATOR, STAFF_ROLES, user_has_role
from notices.services import absolute_url, queue_notice

BYLAWS_MAX_BYTES: int = settings.BYLAWS_MAX_BYTES  # within the request cap (settings)
PENDING_UPLOAD_LIFETIME = dt.timedelta(days=1)
# The fields an applicant fills in (online or at the counter); nothing else comes from outside.
APPLICATION_FIELDS = (
    "name",
    "name_kana",
    "kind",
    "activity",
    "activity_area",
    "member_count",
    "representative_name",
    "contact_name",
    "postcode",
    "address",
    "phone",
    "email",
    "publish",
    "publish_activity",
    "publish_area",
    "public_contact",
    *(f"declares_{key}" for key in CRITERION_KEYS),
    "public_body_category",
)


class GroupError(Exception):
    """A group-registration rule was broken; the message is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GroupApplicationLimitReached(GroupError):
    """Too many online applications from one address within the hour (a 429 page)."""


# --- Reads other apps use -------------------------------------------------------------------
def registered_on_q(day: dt.date, prefix: str = "") -> Q:
    """A filter for groups whose registration is valid on ``day`` (``prefix`` for relations)."""
    return Q(
        **{
            f"{prefix}status": ApplicationStatus.APPROVED,
            f"{prefix}registration_number__isnull": False,
            f"{prefix}valid_from__lte": day,
            f"{prefix}valid_until__gte": day,
        }
    )


def group_is_registered_on(group: Group, day: dt.date) -> bool:
    """Only a currently valid registration gives the registered-group privileges (◎)."""
    return group.is_registered_on(day)


# --- Rules shared by forms and services -----------------------------------------------------
def application_problems(
    *, member_count: int | None, declarations: Mapping[str, bool], public_body_category: str
) -> dict[str, str]:
    """Why an application cannot be accepted, by form field (empty when it can). Seed 000 §4."""
    if public_body_category:
        if public_body_category not in PublicBodyCategory.values:
            return {"public_body_category": "公共的団体の区分が正しくありません。"}
        return {}
    problems: dict[str, str] = {}
    if member_count is not None and member_count < MINIMUM_MEMBERS:
        problems["member_count"] = (
            f"構成員が{MINIMUM_MEMBERS}名未満のため、登録要件「イ 構成員が5名以上」を満たしません。"
            "公共的団体に該当する場合は、その区分を選んでください。"
        )
    missing = [str(label) for key, label in CRITERIA if not declarations.get(key)]
    if missing:
        problems["declarations"] = (
            "6つの登録要件（ア〜カ）すべてに該当することを確認してください。"
            "公共的団体の場合は区分を選んでください。未確認: " + "、".join(m[0] for m in missing)
        )
    return problems


def approval_problems(
    *,
    checks: Mapping[str, bool],
    public_body_category: str,
    public_body_confirmed: bool,
    member_count: int | None,
) -> list[str]:
    """Why a ward officer cannot approve yet (empty when approval is allowed)."""
    if public_body_category and public_body_confirmed:
        return []
    if public_body_confirmed and not public_body_category:
        return ["公共的団体として承認するには、公共的団体の区分を選んでください。"]
    unchecked = [str(label) for key, label in CRITERIA if not checks.get(key)]
    problems = []
    if unchecked:
        problems.append(
            "6つの登録要件すべてを確認するか、公共的団体の区分を確認してください。未確認: "
            + "、".join(label[0] for label in unchecked)
        )
    if member_count is None or member_count < MINIMUM_MEMBERS:
        problems.append(f"構成員が{MINIMUM_MEMBERS}名未満のため、6つの登録要件では承認できません。")
    return problems


def sniff_upload_type(head: bytes) -> str | None:
    """The content type of a bylaws file judged by its first bytes, not its name."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def bylaws_file_problem(file: UploadedFile) -> str | None:
    if file.size is not None and file.size > BYLAWS_MAX_BYTES:
        return (
            f"ファイルが大きすぎます（{file.size / 1024 / 1024:.1f}MB）。"
            f"{BYLAWS_MAX_BYTES // 1024 // 1024}MB以下のPDFまたは画像（JPEG・PNG）にしてください。"
        )
    if file.size == 0:
        return "ファイルが空です。規約・会則のPDFまたは画像を選んでください。"
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if sniff_upload_type(head) is None:
        return (
            "規約・会則はPDFまたは画像（JPEG・PNG）でアップロードしてください。"
            "ファイルの中身がこれらの形式ではありません。"
        )
    return None


# --- Writes ---------------------------------------------------------------------------------
def bylaws_upload_store(*, file: UploadedFile) -> PendingUpload:
    """Keep an uploaded bylaws file until the applicant submits the confirmation page."""
    problem = bylaws_file_problem(file)
    if problem:
        raise GroupError(problem)
    file.seek(0)
    content_type = sniff_upload_type(file.read(16)) or ""
    file.seek(0)
    pending_uploads_purge_expired()
    with transaction.atomic():
        return PendingUpload.objects.create(
            file=file, original_name=(file.name or "")[-200:], content_type=content_type
        )


def pending_uploads_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Forget uploads older than PENDING_UPLOAD_LIFETIME whose application was never submitted
    (run daily by ``manage.py daily_maintenance``, and on each new upload)."""
    return pending_upload_purge(older_than=(now or timezone.now()) - PENDING_UPLOAD_LIFETIME)


def pending_upload_purge(*, older_than: dt.datetime) -> int:
    """Forget uploads made before ``older_than`` whose application was never submitted."""
    with transaction.atomic():
        stale = list(PendingUpload.objects.filter(created_at__lt=older_than))
        for upload in stale:
            name = upload.file.name
            storage = upload.file.storage
            transaction.on_commit(lambda n=name, s=storage: s.delete(n))
        PendingUpload.objects.filter(pk__in=[u.pk for u in stale]).delete()
    return len(stale)


def upload_token_usable(token: uuid.UUID | str) -> bool:
    """The file is waiting, or its application was already received (a double submission)."""
    return (
        PendingUpload.objects.filter(token=token).exists()
        or Group.objects.filter(application_token=token).exists()
    )


def pending_upload_get(token: uuid.UUID | str) -> PendingUpload | None:
    return PendingUpload.objects.filter(token=token).first()


@records_actor("entered_by")
def group_apply(
    *,
    data: Mapping[str, Any],
    upload_token: uuid.UUID | str,
    channel: str = SubmissionChannel.ONLINE,
    entered_by: Any = None,
    client_address: str | None = None,
) -> Group:
    """Receive an application (申請中) with its bylaws; submitting the same page twice returns
    the application already received instead of a second one. Online, one client address may
    submit GROUP_APPLICATIONS_PER_ADDRESS_PER_HOUR applications an hour."""
    fields = {name: data[name] for name in APPLICATION_FIELDS if name in data}
    problems = application_problems(
        member_count=fields.get("member_count"),
        declarations={key: bool(fields.get(f"declares_{key}")) for key in CRITERION_KEYS},
        public_body_category=fields.get("public_body_category", ""),
    )
    if problems:
        raise GroupError(next(iter(problems.values())))
    if not str(fields.get("name", "")).strip():
        raise GroupError("団体名を入力してください。")
    try:
        with transaction.atomic():
            # Locks the upload: a double submission waits here, then finds it consumed.
            upload = (
                PendingUpload.objects.select_for_update(no_key=True)
                .filter(token=upload_token)
                .first()
            )
            if upload is None:
                existing = Group.objects.filter(application_token=upload_token).first()
                if existing is not None:
                    return existing
                raise GroupError(
                    "規約・会則のファイルの保存期限が過ぎました。お手数ですが、もう一度選んでください。"
                )
            now = timezone.now()
            online_from = client_address if channel == SubmissionChannel.ONLINE else None
            if online_from:
                _check_application_limit(client_address=online_from, now=now)
            group = Group(
                **fields,
                status=ApplicationStatus.PENDING,
                channel=channel,
                entered_by=entered_by,
                submitted_at=now,
                submitted_from=online_from,
                application_token=upload.token,
                bylaws_name=upload.original_name,
            )
            # The file stays where it is; the group now owns it.
            group.bylaws.name = upload.file.name
            group.full_clean(exclude=["bylaws"])
            group.save()
            group.receipt_number = f"{timezone.localdate(now):%Y%m%d}-{group.pk:05d}"
            group.save(update_fields=["receipt_number"])
            upload.delete()
            GroupEvent.objects.create(
                group=group,
                action=GroupEvent.Action.APPLIED,
                by=entered_by,
                note=SubmissionChannel(channel).label,
            )
            return group
    except IntegrityError:
        existing = Group.objects.filter(application_token=upload_token).first()
        if existing is not None:
            return existing
        raise GroupError("申請を受け付けられませんでした。もう一度お試しください。") from None


def _check_application_limit(*, client_address: str, now: dt.datetime) -> None:
    """Refuse an online application when this address sent the hour's allowance already.

    Counted in PostgreSQL, on the applications themselves, so every app server sees the same
    count. A transaction-level advisory lock per address makes count-then-insert one step for
    that address: simultaneous submissions from it wait for each other, others do not.
    """
    limit = settings.GROUP_APPLICATIONS_PER_ADDRESS_PER_HOUR
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"groups.apply:{client_address}"],
        )
    recent = Group.objects.filter(
        submitted_from=client_address,
        channel=SubmissionChannel.ONLINE,
        submitted_at__gt=now - dt.timedelta(hours=1),
    ).count()
    if recent >= limit:
        raise GroupApplicationLimitReached(
            f"同じ接続元からの申請は1時間に{limit}件までです。"
            "しばらく時間をおいてから、もう一度お試しください。"
            "お急ぎの場合は、センターの窓口またはお電話でご相談ください。"
        )


def _next_registration_number(fiscal_year: int) -> str:
    # Lock the fiscal year's counter row: concurrent approvals take numbers one after another.
    RegistrationCounter.objects.bulk_create(
        [RegistrationCounter(fiscal_year=fiscal_year, last_number=0)], ignore_conflicts=True
    )
    counter = RegistrationCounter.objects.select_for_update(no_key=True).get(
        fiscal_year=fiscal_year
    )
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return f"{fiscal_year}-{counter.last_number:04d}"


def _locked_pending(group: Group) -> Group:
    locked = Group.objects.select_for_update(no_key=True).get(pk=group.pk)
    if locked.status != ApplicationStatus.PENDING:
        raise GroupError(
            f"この申請は既に{locked.get_status_display()}されています（{locked.name}）。"
        )
    return locked


@records_actor("by")
def group_approve(*, group: Group, by: Any, today: dt.date | None = None) -> Group:
    """Approve an application: all six criteria checked, or a confirmed public-body category.
    It gets the next registration number of the fiscal year and validity to the next 3/31."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _locked_pending(group)
        problems = approval_problems(
            checks={key: getattr(locked, f"check_{key}") for key in CRITERION_KEYS},
            public_body_category=locked.public_body_category,
            public_body_confirmed=locked.public_body_confirmed,
            member_count=locked.member_count,
        )
        if problems:
            raise GroupError(f"{locked.name}: " + " ".join(problems))
        locked.registration_number = _next_registration_number(fiscal_year_of(today))
        locked.status = ApplicationStatus.APPROVED
        locked.valid_from = today
        locked.valid_until = fiscal_year_end(today)
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.renewal_requested = False
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise GroupError("登録番号の採番に失敗しました。もう一度承認してください。") from None
        GroupEvent.objects.create(
            group=locked,
            action=GroupEvent.Action.APPROVED,
            by=by,
            note=f"登録番号 {locked.registration_number}（{locked.valid_until:%Y-%m-%d}まで）",
        )
        invite_contact_if_new(locked, by)
    return locked


@records_actor("by")
def group_reject(*, group: Group, by: Any, reason: str) -> Group:
    """Reject an application; the reason is required and kept. The group may apply again."""
    reason = (reason or "").strip()
    if not reason:
        raise GroupError("却下する場合は、却下理由を入力してください。")
    with transaction.atomic():
        locked = _locked_pending(group)
        locked.status = ApplicationStatus.REJECTED
        locked.rejection_reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save(update_fields=["status", "rejection_reason", "decided_at", "decided_by"])
        GroupEvent.objects.create(
            group=locked, action=GroupEvent.Action.REJECTED, by=by, note=reason
        )
    return locked


@records_actor("by")
def group_renew(*, group: Group, by: Any, today: dt.date | None = None) -> Group:
    """Extend a valid registration to the end of the next fiscal year (before it lapses on 4/1)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Group.objects.select_for_update(no_key=True).get(pk=group.pk)
        if not locked.is_registered_on(today):
            raise GroupError(
                f"{locked.name}: 現在有効な登録ではないため更新できません。"
                "失効した団体は新たに申請してください。"
            )
        current_end = fiscal_year_end(today)
        if locked.valid_until > current_end:
            raise GroupError(f"{locked.name}: 既に次年度まで更新されています。")
        locked.valid_until = dt.date(current_end.year + 1, 3, 31)
        locked.renewal_requested = False
        locked.save(update_fields=["valid_until", "renewal_requested"])
        GroupEvent.objects.create(
            group=locked,
            action=GroupEvent.Action.RENEWED,
            by=by,
            note=f"{locked.valid_until:%Y-%m-%d}まで",
        )
        invite_contact_if_new(locked, by)
    return locked


@records_actor("by")
def groups_renew(
    *, groups: Iterable[Group], by: Any, today: dt.date | None = None
) -> tuple[list[Group], list[str]]:
    """Renew several groups; each succeeds or fails on its own. Returns (renewed, messages)."""
    return _each_on_its_own(group_renew, groups, by=by, today=today)


@records_actor("by")
def groups_approve(
    *, groups: Iterable[Group], by: Any, today: dt.date | None = None
) -> tuple[list[Group], list[str]]:
    """Approve several applications; each succeeds or fails on its own."""
    return _each_on_its_own(group_approve, groups, by=by, today=today)


def _each_on_its_own(
    decide: Callable[..., Group], groups: Iterable[Group], **arguments: Any
) -> tuple[list[Group], list[str]]:
    """Apply one decision to several groups, each in its own transaction: a refusal of one
    (its message is collected) does not undo the others."""
    done: list[Group] = []
    errors: list[str] = []
    for group in groups:
        try:
            done.append(decide(group=group, **arguments))
        except GroupError as error:
            errors.append(error.message)
    return done, errors


# --- Group accounts (登録団体) and マイページ -----------------------------------------------
@records_actor("by")
def membership_preferences_save(
    *, membership: GroupMembership, wants_reminders: bool, wants_waiting_notices: bool, by: Any
) -> GroupMembership:
    """Which optional notices this account receives (confirmations etc. always go)."""
    membership.wants_reminders = wants_reminders
    membership.wants_waiting_notices = wants_waiting_notices
    membership.save(update_fields=["wants_reminders", "wants_waiting_notices"])
    return membership


@records_actor("by")
def calendar_token_reset(*, group: Group, by: Any) -> Group:
    """A new secret for the group's calendar feed: the old URL stops working at once."""
    group.calendar_token = uuid.uuid4()
    group.save(update_fields=["calendar_token"])
    return group


def invitation_link(user: Any) -> str:
    """The absolute, single-use link that lets an invited account set its password (72 時間:
    settings.PASSWORD_RESET_TIMEOUT; the token dies when the password is set)."""

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("invitation_accept", args=[uid, token]))


@records_actor("by")
def invite_group_member(*, group: Group, email: str, by: Any) -> GroupMembership:
    """Create (or find) the group's member account for ``email`` and mail it an invitation.

    Called again for the same address it sends a fresh link (再送). The account has no usable
    password until the invited person sets one; it holds only the 登録団体 role."""

    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise GroupError("メールアドレスの形式が正しくありません。") from None
    with transaction.atomic():
        users = get_user_model().objects
        user = users.select_for_update(no_key=True).filter(username=address).first()
        if user is None:
            user = users.create_user(username=address, email=address)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if user.is_staff or user.is_superuser or user_has_role(user, *STAFF_ROLES, OPERATOR):
            raise GroupError(f"{address}は職員のアカウントです。団体アカウントにはできません。")
        membership = GroupMembership.objects.filter(user=user).first()
        if membership is not None and membership.group_id != group.pk:
            raise GroupError(f"{address}は既に別の団体のアカウントです。")
        if membership is None:
            membership = GroupMembership.objects.create(
                user=user, group=group, created_by=by if getattr(by, "pk", None) else None
            )
        user.groups.add(Role.objects.get_or_create(name=GROUP_MEMBER)[0])
        membership.invited_at = timezone.now()
        membership.save(update_fields=["invited_at"])
        link = invitation_link(user)
        queue_notice(
            to=[address],
            template="invitation",
            context={
                "group": group.name,
                "username": address,
                "link": link,
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            kind="invitation",
            group_id=group.pk,
            link=link,
        )
    return membership


def invite_contact_if_new(group: Group, by: Any) -> GroupMembership | None:
    """On approval or renewal: invite the group's contact e-mail unless it has an account."""
    if not group.email:
        return None
    address = group.email.strip().lower()
    if GroupMembership.objects.filter(group=group, user__username=address).exists():
        return None
    try:
        return invite_group_member(group=group, email=address, by=by)
    except GroupError:
        # An address already used by another group or by staff: staff add accounts by hand.
        return None


# --- The public profile (団体紹介): proposed on マイページ, published by the counter -------------
class ProfileForbidden(GroupError):
    """Someone who is not an account of this group tried to change its profile (404 page)."""


PROFILE_TEXT_LIMITS = {
    "activity": PROFILE_ACTIVITY_MAX,
    "activity_area": 200,
    "meeting_place": 200,
    "meeting_schedule": 200,
    "public_contact": 200,
}
PROFILE_FLAGS = ("publish", "publish_activity", "publish_area", "recruiting")
# Taking something off the directory is not publishing: it needs no review and applies at once.
PUBLICATION_FLAGS = ("publish", "publish_activity", "publish_area")
RETURN_REASON_MAX = 1000


def profile_values(source: Any) -> dict[str, Any]:
    """The profile fields of a Group (the live profile) or a revision (a proposal)."""
    return {name: getattr(source, name) for name in PROFILE_FIELDS}


def _clean_profile(data: Mapping[str, Any]) -> dict[str, Any]:
    """The proposal as stored: stripped text within its limits, flags as booleans, a known
    activity field. Anything else is refused with the reason, in the group's words."""
    values: dict[str, Any] = {}
    for name, limit in PROFILE_TEXT_LIMITS.items():
        text = str(data.get(name) or "").strip()
        if "\x00" in text:
            raise GroupError("使えない文字が含まれています。")
        if len(text) > limit:
            label = Group._meta.get_field(name).verbose_name
            raise GroupError(f"{label}は{limit}文字以内で入力してください。")
        values[name] = text
    for name in PROFILE_FLAGS:
        values[name] = bool(data.get(name))
    field = str(data.get("activity_field") or "")
    if field and field not in ActivityField.values:
        raise GroupError("活動分野を一覧から選んでください。")
    values["activity_field"] = field
    return values


def _locked_own_group(group: Group, by: Any, today: dt.date) -> Group:
    """The group, locked, if ``by`` is one of its active accounts and it is registered today."""
    is_member = (
        getattr(by, "is_authenticated", False)
        and by.is_active
        and GroupMembership.objects.filter(user_id=by.pk, group_id=group.pk).exists()
    )
    if not is_member:
        raise ProfileForbidden("この団体の団体紹介は変更できません。")
    locked = Group.objects.select_for_update(no_key=True).get(pk=group.pk)
    if not locked.is_registered_on(today):
        raise GroupError(
            "団体登録が有効な間だけ、団体紹介を変更できます。登録の更新は窓口（電話）で"
            "ご相談ください。"
        )
    return locked


@dataclass(frozen=True)
class ProfileSubmission:
    """What a proposal did: the revision now 確認待ち (None when what was sent is what is live),
    the publication flags turned off at once, and whether a waiting proposal was replaced."""

    revision: GroupProfileRevision | None
    unpublished: tuple[str, ...] = ()
    replaced: bool = False


@records_actor("by")
def profile_revision_submit(
    *, group: Group, data: Mapping[str, Any], by: Any, today: dt.date | None = None
) -> ProfileSubmission:
    """A group account proposes its public profile (確認待ち); the counter publishes it.

    Only the group's own accounts may, while the registration is valid. A proposal already
    waiting is replaced (差し替え): the clerk always reviews the newest one. Turning publication
    off (掲載しない) takes effect at once; everything that adds or changes what is shown waits."""
    values = _clean_profile(data)
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            # The group row lock also orders two accounts of one group sending at once.
            locked = _locked_own_group(group, by, today)
            pending = GroupProfileRevision.objects.filter(
                group=locked, status=ProfileRevisionStatus.PENDING
            ).first()
            unpublished = tuple(
                name for name in PUBLICATION_FLAGS if getattr(locked, name) and not values[name]
            )
            if pending is None and not unpublished and values == profile_values(locked):
                raise GroupError("変更された項目がありません。")
            if unpublished:
                for name in unpublished:
                    setattr(locked, name, False)
                locked.save(update_fields=list(unpublished))
            if pending is not None:
                pending.status = ProfileRevisionStatus.REPLACED
                pending.save(update_fields=["status"])
            if values == profile_values(locked):
                # Back to what is live (or only 掲載しない): nothing is left for the counter.
                return ProfileSubmission(None, unpublished, pending is not None)
            revision = GroupProfileRevision.objects.create(
                group=locked, submitted_by=by, submitted_at=timezone.now(), **values
            )
            return ProfileSubmission(revision, unpublished, pending is not None)
    except IntegrityError:
        raise GroupError(
            "同じ団体の別のアカウントから同時に送信されました。もう一度お試しください。"
        ) from None


def _locked_pending_revision(revision: GroupProfileRevision) -> GroupProfileRevision:
    """The proposal, still 確認待ち, and its group, both locked: the group first, as a group
    account's new proposal does, so a decision and a new proposal wait for each other instead
    of deadlocking."""
    group = Group.objects.select_for_update(no_key=True).get(pk=revision.group_id)
    locked = GroupProfileRevision.objects.select_for_update(no_key=True).get(pk=revision.pk)
    locked.group = group
    if locked.status == ProfileRevisionStatus.REPLACED:
        raise GroupError(
            f"{locked.group.name}は、この内容を送り直しています。確認待ちの一覧から、"
            "新しい内容を確認してください。"
        )
    if locked.status != ProfileRevisionStatus.PENDING:
        raise GroupError(
            f"この変更は既に「{locked.get_status_display()}」になっています（{locked.group.name}）。"
        )
    return locked


def _profile_notice(revision: GroupProfileRevision, template: str, **context: Any) -> None:
    from groups.selectors import notice_recipients  # selectors import this module

    group = revision.group
    link = absolute_url(reverse("mypage:profile"))
    queue_notice(
        to=notice_recipients(group),
        template=template,
        context={"group": group.name, "link": link, **context},
        kind=template,
        group_id=group.pk,
        link=link,
    )


@records_actor("by")
def profile_revision_approve(*, revision: GroupProfileRevision, by: Any) -> GroupProfileRevision:
    """Publish a proposal: its values become the live profile in the same transaction (the
    directory's content version moves with the group row), and the group is told by mail."""
    with transaction.atomic():
        locked = _locked_pending_revision(revision)
        group = locked.group
        for name, value in profile_values(locked).items():
            setattr(group, name, value)
        now = timezone.now()
        group.profile_published_at = now
        group.save(update_fields=[*PROFILE_FIELDS, "profile_published_at"])
        locked.status = ProfileRevisionStatus.APPROVED
        locked.reviewed_at = now
        locked.reviewed_by = by
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        directory = absolute_url(reverse("groups:detail", args=[group.pk]))
        _profile_notice(
            locked, "group_profile_published", directory=directory if group.publish else ""
        )
    return locked


@records_actor("by")
def profile_revision_return(
    *, revision: GroupProfileRevision, by: Any, reason: str
) -> GroupProfileRevision:
    """Send a proposal back with the reason (mailed to the group); the live profile stays."""
    reason = (reason or "").strip()
    if not reason:
        raise GroupError("差し戻す場合は、理由を入力してください（団体にメールで伝わります）。")
    if "\x00" in reason:
        raise GroupError("差戻しの理由に使えない文字が含まれています。")
    if len(reason) > RETURN_REASON_MAX:
        raise GroupError(f"差戻しの理由は{RETURN_REASON_MAX}文字以内で入力してください。")
    with transaction.atomic():
        locked = _locked_pending_revision(revision)
        locked.status = ProfileRevisionStatus.RETURNED
        locked.reason = reason
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = by
        locked.save(update_fields=["status", "reason", "reviewed_at", "reviewed_by"])
        _profile_notice(locked, "group_profile_returned", reason=reason)
    return locked
