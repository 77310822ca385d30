"""履歴 of consultations and referrals: shown to staff and to the referred operator only, and
erased of personal data together with the record when the retention period ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations.models import (
    ConsultationHistory,
    ReferralHistory,
    ReferralStatus,
    RetentionSetting,
    Route,
)
from consultations.services.referrals import referral_update
from tests.conftest import sign_in
from tests.consultations import factories

pytestmark = pytest.mark.django_db


def referred(counter_user, **extra):
    return factories.consultation(
        user=counter_user, route=Route.OPERATOR, operator_name=factories.SHAKYO, **extra
    )


def test_the_consultation_page_shows_its_history_with_the_referral(
    client, counter_user, shakyo_user
):
    consultation = referred(counter_user)
    referral_update(
        referral_id=consultation.referral.pk,
        user=shakyo_user,
        status=ReferralStatus.IN_PROGRESS,
        answer="",
    )
    sign_in(client, counter_user)
    client.post(f"/consultations/{consultation.pk}/", {"handling": "資料を郵送"})
    page = client.get(f"/consultations/{consultation.pk}/").content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "対応内容：— → 資料を郵送" in history
    assert f"画面 /consultations/{consultation.pk}/" in history
    assert f"取次 #{consultation.referral.pk} 変更" in history
    assert "状況：取次済 → 対応中" in history
    assert "unei" in history


def test_an_operator_sees_the_history_of_its_own_referral_only(
    client, counter_user, shakyo_user, ibr_user
):
    consultation = referred(counter_user)
    pk = consultation.referral.pk
    sign_in(client, shakyo_user)
    client.post(f"/consultations/referrals/{pk}/", {"status": "in_progress", "answer": "折り返し"})
    assert ReferralHistory.objects.filter(pgh_obj_id=pk).count() == 2
    page = client.get(f"/consultations/referrals/{pk}/").content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "運営団体の回答：— → 折り返し" in history
    # The consultation's own history (the asker's contact) is not part of the operator's page.
    assert "連絡先" not in history

    sign_in(client, ibr_user)
    other = client.get(f"/consultations/referrals/{pk}/")
    assert other.status_code == 404
    assert "折り返し" not in other.content.decode()


def test_anonymisation_erases_the_personal_data_from_the_history_too(counter_user, shakyo_user):
    setting = RetentionSetting.current()
    setting.retention_months = 12
    setting.save()
    old = referred(counter_user, received_at=timezone.now() - dt.timedelta(days=400))
    referral_update(
        referral_id=old.referral.pk,
        user=shakyo_user,
        status=ReferralStatus.IN_PROGRESS,
        answer="山田様へ電話で回答",
    )
    assert ConsultationHistory.objects.filter(pgh_obj_id=old.pk, contact="03-1234-5678").exists()

    call_command("anonymise_consultations")

    rows = ConsultationHistory.objects.filter(pgh_obj_id=old.pk)
    assert rows.count() == 2  # created, anonymised
    assert set(rows.values_list("asker_name", "contact")) == {("", "")}
    answers = ReferralHistory.objects.filter(pgh_obj_id=old.referral.pk)
    assert "山田様へ電話で回答" not in set(answers.values_list("answer", flat=True))
    assert rows.order_by("pgh_id").last().pgh_context["command"] == "anonymise_consultations"
