"""The counter on a national holiday (issue 15): 区職員 are not in, so a 祝日 is served like a
weekend (guidance, intake and relay; no ward-staff routing now). 2026-11-23 is 勤労感謝の日,
a Monday."""

from __future__ import annotations

import pytest
from django.utils import timezone

from consultations.models import AskerKind
from tests.conftest import sign_in
from tests.consultations import factories
from tests.facilities.conftest import frozen_now  # noqa: F401  (the fixed clock)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_the_dashboard_says_holiday_service_on_kinro_kansha_no_hi(client, counter_user, defaults):
    sign_in(client, counter_user)
    body = client.get("/counter/").content.decode()
    assert (
        "現在の窓口業務: 土曜・日曜・祝日 9時〜17時（利用案内・書類受付・相談の取り次ぎ）" in body
    )
    assert "区職員は平日（祝日を除く）9時〜17時に対応します。" in body


def test_a_neighbourhood_association_on_a_holiday_is_taken_and_handed_to_ward_staff_later(
    client, counter_user, defaults
):
    sign_in(client, counter_user)
    response = client.post(
        "/consultations/new/",
        {
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "counter",
            "asker_kind": AskerKind.NEIGHBOURHOOD,
            "asker_name": "練馬一丁目町会",
            "contact": "03-1234-5678",
            "topic": str(factories.topic("助成金").pk),
            "summary": "町会の行事の相談",
            "handling": "",
            "action": "suggest",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "この時間帯の窓口業務: 土曜・日曜・祝日" in body
    assert "受け付けて区職員に引き継いでください。" in body
