"""Anonymised means anonymised: after the retention period no write brings personal data back,
whether it comes from a stale copy, an operator's referral page or a race with the job."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone

from consultations.models import (
    Consultation,
    ExpertBooking,
    Referral,
    ReferralStatus,
    RetentionSetting,
    Route,
)
from consultations.services.common import ANONYMISED_REFUSAL, ANONYMISED_TEXT, ConsultationError
from consultations.services.experts import expert_booking_create
from consultations.services.intake import consultation_update_handling
from consultations.services.referrals import referral_create, referral_update
from consultations.services.retention import consultations_anonymise_expired
from tests.concurrency import DatabaseThread
from tests.conftest import sign_in
from tests.consultations import factories

pytestmark = pytest.mark.django_db


def old_consultation(user, **extra) -> Consultation:
    """A record received 400 days ago, past a 12-month retention period."""
    # The topics come from a data migration, which a transactional test's flush empties.
    factories.defaults()
    setting = RetentionSetting.current()
    setting.retention_months = 12
    setting.save()
    return factories.consultation(
        user=user, received_at=timezone.now() - dt.timedelta(days=400), **extra
    )


def assert_still_anonymised(consultation: Consultation) -> None:
    consultation.refresh_from_db()
    assert consultation.anonymised_at is not None
    assert consultation.asker_name == "" and consultation.contact == ""
    assert consultation.summary == ANONYMISED_TEXT and consultation.handling == ""


@pytest.fixture
def anonymised_referral(counter_user, shakyo_user) -> Referral:
    consultation = old_consultation(
        counter_user, route=Route.OPERATOR, topic_name="助成金", operator_name=factories.SHAKYO
    )
    assert consultations_anonymise_expired() == 1
    return Referral.objects.get(consultation=consultation)


def test_handling_cannot_be_written_back_from_a_copy_read_before_anonymisation(counter_user):
    stale = old_consultation(counter_user)  # e.g. a clerk's page opened before the nightly job
    assert consultations_anonymise_expired() == 1
    with pytest.raises(ConsultationError, match=ANONYMISED_REFUSAL):
        consultation_update_handling(
            consultation=stale, user=counter_user, handling="山田様 090-1111-2222 に折り返し"
        )
    assert_still_anonymised(stale)


def test_operator_cannot_answer_a_referral_of_an_anonymised_consultation(
    shakyo_user, anonymised_referral
):
    with pytest.raises(ConsultationError, match=ANONYMISED_REFUSAL):
        referral_update(
            referral_id=anonymised_referral.pk,
            user=shakyo_user,
            status=ReferralStatus.IN_PROGRESS,
            answer="山田様へ電話で回答",
        )
    anonymised_referral.refresh_from_db()
    assert anonymised_referral.status == ReferralStatus.REFERRED
    assert anonymised_referral.answer == ""
    assert_still_anonymised(anonymised_referral.consultation)


def test_an_anonymised_consultation_cannot_be_referred(counter_user, defaults):
    consultation = old_consultation(counter_user)
    assert consultations_anonymise_expired() == 1
    with pytest.raises(ConsultationError, match=ANONYMISED_REFUSAL):
        referral_create(
            consultation=consultation,
            operator=factories.operator(factories.SHAKYO),
            user=counter_user,
        )
    assert not Referral.objects.filter(consultation=consultation).exists()
    assert_still_anonymised(consultation)


def test_an_anonymised_consultation_cannot_be_booked_into_an_expert_session(counter_user, defaults):
    consultation = old_consultation(counter_user)
    assert consultations_anonymise_expired() == 1
    session = factories.expert_session()
    with pytest.raises(ConsultationError, match=ANONYMISED_REFUSAL):
        expert_booking_create(consultation=consultation, session=session, user=counter_user)
    assert not ExpertBooking.objects.filter(consultation=consultation).exists()
    assert_still_anonymised(consultation)


def test_referral_page_refuses_with_a_message_and_changes_nothing(
    client, shakyo_user, anonymised_referral
):
    sign_in(client, shakyo_user)
    response = client.post(
        f"/consultations/referrals/{anonymised_referral.pk}/",
        {"status": ReferralStatus.IN_PROGRESS, "answer": "山田様へ電話で回答"},
    )
    assert response.status_code == 409
    assert ANONYMISED_REFUSAL in response.content.decode()
    anonymised_referral.refresh_from_db()
    assert anonymised_referral.status == ReferralStatus.REFERRED
    assert anonymised_referral.answer == ""
    assert_still_anonymised(anonymised_referral.consultation)


@pytest.mark.django_db(transaction=True)
def test_an_answer_saved_during_anonymisation_waits_for_it_and_is_refused(
    counter_user, shakyo_user
):
    """The job holds the consultation row until it commits; the operator's save waits for that
    lock and then sees the record anonymised, instead of writing an answer nobody erases."""
    factories.defaults()
    factories.link_operator(shakyo_user, factories.SHAKYO)
    consultation = old_consultation(
        counter_user, route=Route.OPERATOR, topic_name="助成金", operator_name=factories.SHAKYO
    )
    referral_pk = consultation.referral.pk
    operator = DatabaseThread(
        lambda: referral_update(
            referral_id=referral_pk,
            user=shakyo_user,
            status=ReferralStatus.IN_PROGRESS,
            answer="山田様 090-1111-2222 へ回答",
        )
    )
    with transaction.atomic():
        assert consultations_anonymise_expired() == 1
        operator.start()
        time.sleep(0.5)
        assert operator.is_alive(), "the save did not wait for the anonymisation"
    operator.join(timeout=10)
    assert isinstance(operator.outcome, ConsultationError), operator.outcome
    assert str(operator.outcome) == ANONYMISED_REFUSAL
    referral = Referral.objects.get(pk=referral_pk)
    assert referral.answer == "" and referral.status == ReferralStatus.REFERRED
    assert_still_anonymised(consultation)
