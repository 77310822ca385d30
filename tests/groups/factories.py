"""Groups in each state of their registration, built through the same rules as the app."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from groups.models import ApplicationStatus, Group, GroupKind

_numbers = itertools.count(1)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class GroupFactory(factory.django.DjangoModelFactory):
    """An application (申請中) that meets the six criteria, as a resident would send it."""

    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"練馬ボランティアの会{n}")
    name_kana = factory.Sequence(lambda n: f"ネリマボランティアノカイ{n}")
    kind = GroupKind.VOLUNTARY
    activity = "高齢者の見守りと地域清掃"
    activity_area = "練馬区内全域"
    member_count = 12
    representative_name = "代表 太郎"
    contact_name = "連絡 花子"
    postcode = "176-0012"
    address = "東京都練馬区豊玉北6-12-1"
    phone = "03-9999-0001"
    email = "daihyo@example.jp"
    publish = True
    publish_activity = True
    publish_area = True
    status = ApplicationStatus.PENDING
    receipt_number = factory.Sequence(lambda n: f"T-{n:06d}")
    declares_a = True
    declares_b = True
    declares_c = True
    declares_d = True
    declares_e = True
    declares_f = True


class CheckedGroupFactory(GroupFactory):
    """An application whose six criteria a ward officer has checked."""

    check_a = True
    check_b = True
    check_c = True
    check_d = True
    check_e = True
    check_f = True


def _fiscal_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


class RegisteredGroupFactory(CheckedGroupFactory):
    """An approved group, valid for the fiscal year of ``valid_from`` (default: today's)."""

    status = ApplicationStatus.APPROVED
    registration_number = factory.LazyFunction(lambda: f"2000-{next(_numbers):04d}")
    # The fiscal year of the real today, so the tests keep working after 3/31.
    valid_from = factory.LazyFunction(lambda: _fiscal_year_start(dt.date.today()))
    valid_until = factory.LazyAttribute(lambda group: dt.date(group.valid_from.year + 1, 3, 31))
    decided_at = factory.LazyAttribute(
        lambda group: dt.datetime.combine(
            group.valid_from, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=9))
        )
    )
