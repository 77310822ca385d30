"""Demo data for the centre's resources; running it again changes nothing.

Machines (コピー機, 印刷機, 拡大機, 紙折り機, 作業台), mailbox-lockers 1–36, and places for
posters (掲示板 10) and pamphlets (スタンド 20), for every facility. For the demo centre, with
the demo registered groups (``load_demo_groups``, run first by ``load_demo``): four weeks of
office-machine uses, every mailbox taken with a waiting list (one box just returned and offered
to the first in line), and posters and pamphlets on display. All of it through
``resources.services``, as the counter would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from facilities.models import Facility
from facilities.services.common import FacilityError
from groups.models import Group
from groups.services import registered_on_q
from kyodo_center.dates import local_datetime
from kyodo_center.history import HistoryCommand
from resources.models import (
    DisplayItem,
    DisplayPlace,
    DisplayPlaceKind,
    MachineUse,
    MailboxAllowance,
    MailboxAssignment,
    MailboxWaitlistEntry,
    OfficeMachine,
)
from resources.services.displays import display_item_create, display_item_take_down
from resources.services.machines import machine_use_log
from resources.services.mailboxes import mailbox_apply, mailbox_create_range, mailbox_release

MACHINES = ("コピー機", "印刷機", "拡大機", "紙折り機", "作業台")
PLACES = ((DisplayPlaceKind.POSTER, 10), (DisplayPlaceKind.PAMPHLET, 20))
DEMO_FACILITY = "練馬区立区民協働交流センター"

# Groups of load_demo_groups that have their own office and want no mailbox.
NO_MAILBOX = ("青少年育成向山地区委員会", "一般財団法人ねりま協働まちづくり財団")
# Ward staff let the 自治会 hold a second box (the admin's 利用数の特例).
SECOND_BOX = ("向山はなみずき自治会", "防災用品（ヘルメット・救急セット）の保管のため")
# The group that returns its box: the box is offered to the first group waiting.
RETURNS_ITS_BOX = "旭町まち歩きガイドの会"

# days ago, hour, machine, user (a demo group's name, or a resident), sheets, paper size
MACHINE_USES = (
    (27, 10, "印刷機", "NPO法人しゃくじい川みどりネット", 400, "A4"),
    (26, 14, "コピー機", "佐藤 和子", 12, "A4"),
    (25, 11, "印刷機", "向山はなみずき自治会", 600, "B4"),
    (25, 15, "紙折り機", "向山はなみずき自治会", 600, "B4"),
    (22, 13, "コピー機", "ねりま傾聴ボランティアの会", 40, "A4"),
    (21, 10, "拡大機", "はなみずき通り商店街振興組合", 6, "A3"),
    (20, 16, "作業台", "NPO法人ねりま子育てひろば・むすび", 0, ""),
    (19, 18, "印刷機", "光が丘多文化交流サロン", 150, "A4"),
    (18, 10, "コピー機", "高野台ささえあいの会", 80, "A4"),
    (15, 14, "印刷機", "NPO法人大泉ITサポートクラブ", 300, "A4"),
    (14, 11, "コピー機", "鈴木 一郎", 5, "B5"),
    (13, 19, "印刷機", "ねりま点訳グループ星の会", 120, "A4"),
    (12, 10, "紙折り機", "NPO法人しゃくじい川みどりネット", 400, "A4"),
    (11, 15, "拡大機", "関町プレーパークの会", 4, "A3"),
    (8, 13, "印刷機", "一般社団法人ねりま援農サポーターズ", 250, "A4"),
    (7, 10, "コピー機", "ねりま傾聴ボランティアの会", 60, "A4"),
    (6, 17, "作業台", "向山はなみずき自治会", 0, ""),
    (5, 11, "コピー機", "田村 美香", 20, "A4"),
    (4, 14, "印刷機", "富士見台ごみゼロ推進隊", 500, "B4"),
    (3, 10, "印刷機", "NPO法人ねりま子育てひろば・むすび", 200, "A4"),
    (2, 15, "コピー機", "平和台見守り隊", 30, "A4"),
    (1, 11, "拡大機", "光が丘多文化交流サロン", 2, "A3"),
    (1, 16, "印刷機", "はなみずき通り商店街振興組合", 1000, "B4"),
)

# place, title, requester, first and last day (days from today); * = taken down today.
POSTER, PAMPHLET = DisplayPlaceKind.POSTER, DisplayPlaceKind.PAMPHLET
DISPLAY_ITEMS = (
    (POSTER, "石神井川クリーン作戦 参加者募集", "NPO法人しゃくじい川みどりネット", -12, 20),
    (POSTER, "傾聴ボランティア養成講座のご案内", "ねりま傾聴ボランティアの会", -20, 10),
    (POSTER, "多文化交流 料理の会", "光が丘多文化交流サロン", -5, 25),
    (POSTER, "はなみずき通りフェスタ", "はなみずき通り商店街振興組合", -3, 40),
    (POSTER, "シニアのためのスマホ教室", "NPO法人大泉ITサポートクラブ", 5, 45),
    (POSTER, "*秋の親子自然観察会", "NPO法人しゃくじい川みどりネット", -40, 1),
    (PAMPHLET, "子育てサロンのご案内", "NPO法人ねりま子育てひろば・むすび", -30, 60),
    (PAMPHLET, "援農ボランティア募集", "一般社団法人ねりま援農サポーターズ", -14, 75),
    (PAMPHLET, "防災マップ 向山版", "向山はなみずき自治会", -60, 120),
    (PAMPHLET, "録音図書の貸出のご案内", "練馬音訳ボランティアこだま", -7, 90),
)


class Command(HistoryCommand):
    help = (
        "事務機器・メールボックス兼ロッカー（1〜36番）・掲示場所の枠数と、利用記録・割り当て・"
        "掲示物のデモデータを作成します（何度でも実行可）。"
    )

    # The uses, mailboxes and posters are the demo registered groups'.
    demo_after = ("facilities", "groups")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        facilities = list(Facility.objects.all())
        if not facilities:
            self.stdout.write("施設がありません。先に施設を作成してください。")
            return
        for facility in facilities:
            for order, name in enumerate(MACHINES, start=1):
                OfficeMachine.objects.get_or_create(
                    facility=facility, name=name, defaults={"sort_order": order}
                )
            boxes = mailbox_create_range(facility=facility)
            for kind, capacity in PLACES:
                DisplayPlace.objects.get_or_create(
                    facility=facility, kind=kind, defaults={"capacity": capacity}
                )
            self.stdout.write(
                f"{facility.name}: 事務機器{len(MACHINES)}台、メールボックス新規{boxes}個"
            )
        facility = next((f for f in facilities if f.name == DEMO_FACILITY), None)
        today = timezone.localdate()
        if facility is None or not Group.objects.filter(registered_on_q(today)).exists():
            self.stdout.write(
                "デモの施設または登録団体がないため、事務機器の利用記録・メールボックスの割り当て・"
                "掲示物は作成しませんでした（load_demo から実行してください）。"
            )
            return
        self.clerk = get_user_model().objects.filter(username="madoguchi").first()
        self.groups = {group.name: group for group in Group.objects.all()}
        self._machine_uses(facility, today)
        self._mailboxes(facility, today)
        self._displays(facility, today)

    def _machine_uses(self, facility: Facility, today: dt.date) -> None:
        """Four weeks of uses, each logged as finished some minutes after it started."""
        if MachineUse.objects.filter(machine__facility=facility).exists():
            return
        machines = {machine.name: machine for machine in facility.office_machines.all()}
        for days_ago, hour, machine, user, sheets, paper_size in MACHINE_USES:
            started_at = local_datetime(today - dt.timedelta(days=days_ago), dt.time(hour, 10))
            group = self.groups.get(user)
            machine_use_log(
                machine=machines[machine],
                group=group,
                user_name="" if group else user,
                started_at=started_at,
                sheets=sheets,
                paper_size=paper_size,
                in_progress=False,
                by=self.clerk,
                now=started_at + dt.timedelta(minutes=25),
            )
        self.stdout.write(f"事務機器の利用記録: {len(MACHINE_USES)}件")

    def _mailboxes(self, facility: Facility, today: dt.date) -> None:
        """Every registered group that wants a box applies, in order of registration: the
        first 36 get one, the others wait; then one group returns its box, which is offered
        to the first in line (案内中)."""
        if (
            MailboxAssignment.objects.filter(mailbox__facility=facility).exists()
            or MailboxWaitlistEntry.objects.filter(facility=facility).exists()
        ):
            return
        name, reason = SECOND_BOX
        if name in self.groups:
            MailboxAllowance.objects.get_or_create(
                group=self.groups[name], defaults={"max_boxes": 2, "reason": reason}
            )
        applicants = (
            Group.objects.filter(registered_on_q(today))
            .exclude(name__in=NO_MAILBOX)
            .order_by("valid_from", "registration_number")
        )
        for group in applicants:
            for _box in range(2 if group.name == name else 1):
                mailbox_apply(facility=facility, group=group, today=today, by=self.clerk)
        returned = MailboxAssignment.objects.filter(
            mailbox__facility=facility, group__name=RETURNS_ITS_BOX
        ).first()
        if returned is not None:
            mailbox_release(assignment=returned, today=today, by=self.clerk)
        held = MailboxAssignment.objects.filter(mailbox__facility=facility, released_on=None)
        waiting = MailboxWaitlistEntry.objects.filter(facility=facility).count()
        self.stdout.write(f"メールボックス: 利用中{held.count()}個、空き待ち{waiting}団体")

    def _displays(self, facility: Facility, today: dt.date) -> None:
        if DisplayItem.objects.filter(place__facility=facility).exists():
            return
        places = {place.kind: place for place in facility.display_places.all()}
        for kind, title, requester, first, last in DISPLAY_ITEMS:
            taken_down, title = title.startswith("*"), title.removeprefix("*")
            try:
                item = display_item_create(
                    place=places[kind],
                    title=title,
                    requester_name=requester,
                    requester_contact="03-0000-0000",
                    start_date=today + dt.timedelta(days=first),
                    end_date=today + dt.timedelta(days=last),
                    today=today,
                    by=self.clerk,
                )
            except FacilityError as error:  # said, not hidden
                self.stdout.write(f"掲示物「{title}」は登録しませんでした: {error}")
                continue
            if taken_down:
                display_item_take_down(item=item, today=today, by=self.clerk)
        self.stdout.write(f"ポスター・パンフレット: {len(DISPLAY_ITEMS)}件")
