"""Writes: intake, referral status, expert-slot booking, access log, anonymisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from consultations.models import (
    AccessAction,
    AccessLog,
    AskerKind,
    Channel,
    Consultation,
    ExpertBooking,
    Referral,
    ReferralStatus,
    RetentionSetting,
    Route,
)
from consultations.services.common import ANONYMISED_TEXT, ConsultationError
from consultations.services.experts import expert_booking_create
from consultations.services.intake import consultation_create
from consultations.services.referrals import referral_update
from consultations.services.retention import retention_cutoff
from tests.concurrency import run_indexed_together
from tests.conftest import make_user
from tests.consultations import factories

pytestmark = pytest.mark.django_db


def test_intake_referred_to_an_operator_creates_a_referral_and_logs(counter_user, defaults):
    consultation = factories.consultation(
        user=counter_user,
        route=Route.OPERATOR,
        topic_name="助成金",
        operator_name=factories.SHAKYO,
    )
    referral = Referral.objects.get(consultation=consultation)
    assert referral.operator.name == factories.SHAKYO
    assert referral.status == ReferralStatus.REFERRED
    actions = list(
        AccessLog.objects.filter(consultation=consultation).values_list("action", flat=True)
    )
    assert sorted(actions) == sorted([AccessAction.CREATE, AccessAction.CHANGE])


def test_intake_far_in_the_future_is_refused_and_nothing_is_saved(counter_user, defaults):
    with pytest.raises(ConsultationError, match="未来"):
        factories.consultation(
            user=counter_user, received_at=timezone.now() + dt.timedelta(days=30)
        )
    assert Consultation.objects.count() == 0
    assert AccessLog.objects.count() == 0


def test_intake_to_operator_without_operator_is_refused(counter_user, defaults):
    with pytest.raises(ConsultationError, match="取次先"):
        factories.consultation(user=counter_user, route=Route.OPERATOR, topic_name="助成金")
    assert Consultation.objects.count() == 0


def test_intake_with_a_full_expert_session_saves_nothing(counter_user, defaults):
    session = factories.expert_session(capacity=1)
    factories.consultation(
        user=counter_user, route=Route.EXPERT, topic_name="運営・会計", session=session
    )
    with pytest.raises(ConsultationError, match="満席"):
        factories.consultation(
            user=counter_user, route=Route.EXPERT, topic_name="運営・会計", session=session
        )
    assert Consultation.objects.count() == 1


# --- Referral status --------------------------------------------------------------------------
@pytest.fixture
def referral(counter_user, shakyo_user):
    consultation = factories.consultation(
        user=counter_user, route=Route.OPERATOR, topic_name="助成金", operator_name=factories.SHAKYO
    )
    return consultation.referral


def test_referral_moves_forward_to_in_progress_then_completed(referral, shakyo_user):
    referral_update(
        referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.IN_PROGRESS, answer=""
    )
    referral_update(
        referral_id=referral.pk,
        user=shakyo_user,
        status=ReferralStatus.COMPLETED,
        answer="区の助成制度を案内しました。",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.completed_at is not None
    assert referral.answer == "区の助成制度を案内しました。"


def test_operator_completes_a_new_referral_in_one_step_with_its_answer(referral, shakyo_user):
    with pytest.raises(ConsultationError, match="完了にするには回答を入力してください"):
        referral_update(
            referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.COMPLETED, answer=" "
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED
    referral_update(
        referral_id=referral.pk,
        user=shakyo_user,
        status=ReferralStatus.COMPLETED,
        answer="区の助成制度を案内しました。",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.completed_at is not None


def test_completing_needs_an_answer(referral, shakyo_user):
    referral_update(
        referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.IN_PROGRESS, answer=""
    )
    with pytest.raises(ConsultationError, match="回答を入力"):
        referral_update(
            referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.COMPLETED, answer=" "
        )


def test_status_never_goes_backwards_and_completed_is_final(referral, shakyo_user):
    referral_update(
        referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.IN_PROGRESS, answer=""
    )
    with pytest.raises(ConsultationError, match="変更することはできません"):
        referral_update(
            referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.REFERRED, answer=""
        )
    referral_update(
        referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.COMPLETED, answer="済"
    )
    with pytest.raises(ConsultationError, match="完了した取次は変更できません"):
        referral_update(
            referral_id=referral.pk, user=shakyo_user, status=ReferralStatus.REFERRED, answer="済"
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED


def test_another_operator_cannot_update_the_referral(referral, ibr_user):
    from django.http import Http404

    with pytest.raises(Http404):
        referral_update(
            referral_id=referral.pk, user=ibr_user, status=ReferralStatus.IN_PROGRESS, answer=""
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED


def test_database_refuses_a_completed_referral_without_answer(referral):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.COMPLETED)


# --- Expert sessions --------------------------------------------------------------------------
def test_bookings_fill_slots_in_order_and_refuse_when_full(counter_user, defaults):
    session = factories.expert_session(capacity=2)
    first = factories.consultation(
        user=counter_user, route=Route.EXPERT, topic_name="運営・会計", session=session
    )
    second = factories.consultation(
        user=counter_user, route=Route.EXPERT, topic_name="運営・会計", session=session
    )
    assert [first.expert_booking.slot_number, second.expert_booking.slot_number] == [1, 2]
    assert first.expert_booking.slot_times == (dt.time(13, 0), dt.time(14, 30))
    extra = factories.consultation(user=counter_user, topic_name="運営・会計")
    with pytest.raises(ConsultationError, match="満席"):
        expert_booking_create(consultation=extra, session=session, user=counter_user)


def test_a_session_that_has_started_cannot_be_booked(counter_user, defaults):
    session = factories.expert_session(days_ahead=-1)
    extra = factories.consultation(user=counter_user, topic_name="運営・会計")
    with pytest.raises(ConsultationError, match="開始時刻を過ぎた"):
        expert_booking_create(consultation=extra, session=session, user=counter_user)


@pytest.mark.django_db(transaction=True)
def test_last_slot_is_booked_once_under_concurrency(defaults):
    """Eight clerks book the last slot at the same moment: one wins, seven get a message."""
    clerk = make_user("clerk", "窓口職員")
    factories.defaults()
    session = factories.expert_session(capacity=1)
    waiting = [factories.consultation(user=clerk, topic_name="運営・会計") for _ in range(8)]
    outcomes = run_indexed_together(
        lambda i: expert_booking_create(consultation=waiting[i], session=session, user=clerk),
        len(waiting),
    )
    results = ["booked" if isinstance(r, ExpertBooking) else str(r) for r in outcomes]
    # The session lock orders the clerks, so the seven are told the session is full (without
    # it the unique constraint still refuses, but only with "try again").
    full = "この専門相談の日程は満席です。別の日程を選んでください。"
    assert sorted(results) == ["booked"] + [full] * 7, results
    assert ExpertBooking.objects.filter(session=session).count() == 1


# --- Access log -------------------------------------------------------------------------------
def test_access_log_cannot_be_changed_or_deleted_even_in_sql(counter_user, defaults):
    consultation = factories.consultation(user=counter_user)
    line = AccessLog.objects.get(consultation=consultation)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=line.pk).update(detail="改ざん")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=line.pk).delete()
    assert AccessLog.objects.get(pk=line.pk).detail == ""


# --- Retention --------------------------------------------------------------------------------
def test_retention_cutoff_clamps_to_the_end_of_the_month():
    now = timezone.make_aware(dt.datetime(2026, 3, 31, 12, 0))
    assert timezone.localtime(retention_cutoff(now=now, months=1)).date() == dt.date(2026, 2, 28)
    assert timezone.localtime(retention_cutoff(now=now, months=36)).date() == dt.date(2023, 3, 31)


def test_anonymise_command_erases_personal_data_older_than_the_retention_period(
    counter_user, shakyo_user, capsys
):
    setting = RetentionSetting.current()
    setting.retention_months = 12
    setting.save()
    now = timezone.now()
    old = factories.consultation(
        user=counter_user,
        route=Route.OPERATOR,
        topic_name="助成金",
        operator_name=factories.SHAKYO,
        received_at=now - dt.timedelta(days=400),
    )
    referral_update(
        referral_id=old.referral.pk, user=shakyo_user, status=ReferralStatus.IN_PROGRESS, answer=""
    )
    referral_update(
        referral_id=old.referral.pk,
        user=shakyo_user,
        status=ReferralStatus.COMPLETED,
        answer="山田様へ電話で回答",
    )
    recent = factories.consultation(user=counter_user, received_at=now - dt.timedelta(days=300))

    call_command("anonymise_consultations")

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.asker_name == "" and old.contact == "" and old.summary == ANONYMISED_TEXT
    assert old.anonymised_at is not None
    assert Referral.objects.get(consultation=old).answer == ANONYMISED_TEXT
    assert old.topic.name == "助成金" and old.route == Route.OPERATOR  # statistics survive
    assert recent.asker_name == "練馬 太郎" and recent.anonymised_at is None
    assert AccessLog.objects.filter(consultation=old, action=AccessAction.ANONYMISE).count() == 1
    assert "1件" in capsys.readouterr().out

    call_command("anonymise_consultations")  # idempotent
    assert AccessLog.objects.filter(action=AccessAction.ANONYMISE).count() == 1


def test_anonymise_dry_run_changes_nothing(counter_user, defaults, capsys):
    old = factories.consultation(
        user=counter_user, received_at=timezone.now() - dt.timedelta(days=365 * 4)
    )
    call_command("anonymise_consultations", "--dry-run")
    old.refresh_from_db()
    assert old.anonymised_at is None
    assert "1件" in capsys.readouterr().out


def test_intake_with_channel_and_asker_values_outside_the_choices_is_refused(
    counter_user, defaults
):
    with pytest.raises(ConsultationError):
        consultation_create(
            user=counter_user,
            received_at=timezone.now(),
            channel="fax",
            asker_kind=AskerKind.NPO,
            topic=factories.topic("その他"),
            summary="相談",
            route=Route.COUNTER,
            suggested_route=Route.COUNTER,
        )
    assert Channel.PHONE in Channel.values


def test_demo_command_is_idempotent_and_links_unei(operator_user):
    from consultations.models import ExpertSession, OperatorMembership, OperatorOrganisation, Topic

    call_command("load_demo_consultations")
    call_command("load_demo_consultations")
    assert OperatorOrganisation.objects.count() == 4
    assert set(Topic.objects.values_list("name", flat=True)) >= {
        "団体設立",
        "運営・会計",
        "助成金",
        "広報",
        "協働・連携",
        "施設利用",
        "その他",
    }
    assert ExpertSession.objects.count() == 3
    membership = OperatorMembership.objects.get(user=operator_user)
    assert membership.organisation.name == "練馬区社会福祉協議会"
