"""Demo posts of the coordination board (協働マッチング), made up, idempotent (a post is
recognised by its title): every kind and state, with responses and outcomes.

- 募集 and 提供 by demo groups: two sent from マイページ by the demo logins (group02: published
  with responses; group06: a 下書き), the others taken at the counter on the groups' behalf;
  one waiting for review (確認待ち), one rejected with its reason, one that ended (掲載期限).
- 協働提案の募集 of 地域文化部協働推進課 (entered by ward staff) and a company's CSR offer
  (entered by counter staff; the company has no login).
- Responses from residents and from groups, and the counter's outcomes (つないだ, 成立, 不成立).

Everything goes through ``coordination.services``, so the review, the history, the mails
(queued for the worker) and every rule apply as they would on the pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from coordination.models import Post, PostKind
from coordination.services import (
    CoordinationError,
    PostData,
    outcome_record,
    post_approve,
    post_create_by_group,
    post_create_by_staff,
    post_reject,
    posts_expire,
    response_create,
)
from groups.models import ActivityField, Group, GroupMembership
from kyodo_center.history import HistoryCommand

PUBLISHED, PENDING, DRAFT, REJECTED, ENDED = "published", "pending", "draft", "rejected", "ended"


@dataclass(frozen=True)
class DemoResponse:
    name: str
    contact: str
    message: str
    group: str = ""  # a group account's response (its name), else a resident


@dataclass(frozen=True)
class DemoPost:
    title: str
    kind: str
    poster: str  # a group's name, or the department's/company's
    activity_field: str
    area: str
    description: str
    needs: str
    how_to_respond: str
    state: str = PUBLISHED
    starts_in: int | None = 7  # activity period from today + days (None: 随時)
    lasts: int = 90
    listed: int = 45  # 掲載期限: today + days
    notice_email: str = ""
    by_account: bool = False  # sent from マイページ by the group's demo login
    reason: str = ""  # of a rejection
    responses: tuple[DemoResponse, ...] = ()
    outcomes: tuple[tuple[str, str], ...] = ()  # (outcome, note), oldest first
    days_ago: int = 3  # when it was sent (and approved the day after)
    extra: dict[str, Any] = field(default_factory=dict)


HOW = "このページの応答フォームからご連絡ください。見学も歓迎します。"

POSTS = (
    DemoPost(
        title="石神井川クリーン作戦の参加者募集（毎月第2日曜日）",
        kind=PostKind.RECRUIT,
        poster="NPO法人しゃくじい川みどりネット",
        activity_field=ActivityField.ENVIRONMENT,
        area="石神井町・上石神井",
        description="石神井川沿いの遊歩道と川岸のごみ拾い、外来植物の抜き取りをしています。"
        "終わったあとは、川の生きもの観察を親子で楽しみます。",
        needs="当日参加できる方を10名ほど。軍手・トングは貸し出します。"
        "小学生以下は保護者と一緒にご参加ください。",
        how_to_respond=HOW,
        responses=(
            DemoResponse(
                "北川 由香",
                "kitagawa@example.jp",
                "小学3年の子どもと参加したいです。雨の日はどうなりますか。",
            ),
            DemoResponse(
                "会社員 西田",
                "03-0000-4411",
                "会社の有志5名で参加できます。日程を相談させてください。",
            ),
        ),
        outcomes=(
            ("connected", "西田さんの会社の有志と団体の担当者を電話でつないだ。"),
            ("agreed", "12月の回に5名で参加することになった。"),
        ),
    ),
    DemoPost(
        title="子育てサロンで絵本の読み聞かせをしてくださる方",
        kind=PostKind.RECRUIT,
        poster="NPO法人ねりま子育てひろば・むすび",
        activity_field=ActivityField.CHILDREN,
        area="練馬・豊玉・中村",
        description="未就学児と保護者が集まる子育てサロン"
        "（週2回、区民協働交流センター 交流スペース）で、"
        "絵本の読み聞かせや手遊びをしてくださる方を探しています。",
        needs="火曜日または金曜日の10時〜11時に、月1回以上来られる方。経験は問いません。",
        how_to_respond=HOW,
        by_account=True,
        responses=(
            DemoResponse(
                "ねりま傾聴ボランティアの会 田中",
                "keicho-nerima@example.jp",
                "会員に読み聞かせの経験者が3名います。一度見学に伺えますか。",
                group="ねりま傾聴ボランティアの会",
            ),
            DemoResponse("大野 紀子", "090-0000-2388", "元保育士です。金曜日なら毎週伺えます。"),
        ),
        outcomes=(("connected", "傾聴ボランティアの会の見学日を調整中。"),),
    ),
    DemoPost(
        title="団体のホームページ作り・SNS発信をお手伝いします",
        kind=PostKind.OFFER,
        poster="NPO法人大泉ITサポートクラブ",
        activity_field=ActivityField.IT,
        area="練馬区全域",
        description="地域団体のホームページの作成・更新、SNSでの発信の始め方を、"
        "会員がボランティアでお手伝いします。",
        needs="ホームページを作りたい、更新が止まっている団体。費用はかかりません"
        "（独自ドメインなどの実費を除く）。",
        how_to_respond=HOW,
        starts_in=None,
        listed=90,
        responses=(
            DemoResponse(
                "向山はなみずき自治会 広報担当",
                "group06@example.jp",
                "自治会の行事案内をホームページに載せたいと考えています。",
                group="向山はなみずき自治会",
            ),
        ),
        outcomes=(("agreed", "自治会のホームページを来年1月に開設予定。"),),
    ),
    DemoPost(
        title="協働事業提案制度 令和9年度実施事業の提案募集",
        kind=PostKind.WARD,
        poster="地域文化部協働推進課",
        activity_field=ActivityField.COMMUNITY,
        area="練馬区全域",
        description="区民・団体の皆さんから、区と協働で取り組む事業の提案を募集します。"
        "採択された事業は、提案団体と所管課が協働で実施します。",
        needs="地域の課題を解決する事業の提案（子育て、高齢者、環境、防災など分野は問いません）。"
        "提案前の相談会を12月に開きます。",
        how_to_respond="このページの応答フォームから、相談会への参加希望をお知らせください。"
        "募集要項は協働推進課の窓口でも配布しています。",
        notice_email="kyodo-suishin@example.jp",
        starts_in=30,
        lasts=60,
        listed=60,
        responses=(
            DemoResponse(
                "NPO法人しゃくじい川みどりネット 水野",
                "midori-net@example.jp",
                "川沿いの緑地の維持管理について提案を考えています。相談会に2名で参加します。",
                group="NPO法人しゃくじい川みどりネット",
            ),
        ),
    ),
    DemoPost(
        title="社員ボランティアの派遣とイベント用テントの貸出（CSR）",
        kind=PostKind.CSR,
        poster="株式会社ねりまグリーン電機",
        activity_field=ActivityField.ENVIRONMENT,
        area="練馬区全域",
        description="地域貢献活動として、環境・まちづくりの活動に社員ボランティアを派遣します。"
        "イベント用テント（3張）の貸出もできます。",
        needs="清掃・植樹などの活動で人手が必要な団体。土日に1回あたり5〜10名を派遣できます。",
        how_to_respond="このページの応答フォームから、活動の内容と希望日をお知らせください。"
        "センターが会社との間をおつなぎします。",
        notice_email="csr@green-denki.example.jp",
        starts_in=None,
        listed=120,
        responses=(
            DemoResponse(
                "NPO法人しゃくじい川みどりネット 水野",
                "midori-net@example.jp",
                "石神井川クリーン作戦（毎月第2日曜日）に社員の方を派遣していただけませんか。",
                group="NPO法人しゃくじい川みどりネット",
            ),
        ),
        outcomes=(("agreed", "2月の回に社員8名が参加、テント1張を貸出。"),),
    ),
    DemoPost(
        title="手話で楽しむ交流会の講師を派遣します",
        kind=PostKind.OFFER,
        poster="ねりま手話サークルひまわり",
        activity_field=ActivityField.WELFARE,
        area="練馬区全域",
        description="町会・自治会や子ども会の行事で、簡単な手話を一緒に楽しむ交流会の講師をします。",
        needs="30分〜1時間の交流会。平日夜・土日に対応できます。",
        how_to_respond=HOW,
        state=PENDING,
    ),
    DemoPost(
        title="防災キャンプの運営スタッフ募集",
        kind=PostKind.RECRUIT,
        poster="向山はなみずき自治会",
        activity_field=ActivityField.SAFETY,
        area="向山",
        description="来年8月に、小学生向けの防災キャンプを向山はなみずき会館で開きます。",
        needs="テント設営と炊き出しを手伝える方を10名ほど。",
        how_to_respond=HOW,
        state=DRAFT,
        by_account=True,
        starts_in=200,
        listed=150,
    ),
    DemoPost(
        title="会員企業の商品販売にご協力ください",
        kind=PostKind.RECRUIT,
        poster="石神井ビジネス交流会",
        activity_field=ActivityField.WORK,
        area="石神井",
        description="会員企業の新商品を地域のイベントで販売してくださる方を探しています。",
        needs="販売を手伝える方。",
        how_to_respond=HOW,
        state=REJECTED,
        reason="商品の販売への協力は、公益的な活動の募集にあたらないため掲載できません。"
        "地域イベントの運営ボランティアの募集であれば掲載できます。",
    ),
    DemoPost(
        title="夏休み子ども日本語教室のボランティア募集",
        kind=PostKind.RECRUIT,
        poster="光が丘多文化交流サロン",
        activity_field=ActivityField.INTERNATIONAL,
        area="光が丘",
        description="外国にルーツのある子どもの夏休みの宿題と日本語の学習を手伝いました。",
        needs="学習支援のボランティア。",
        how_to_respond=HOW,
        state=ENDED,
        days_ago=60,
        starts_in=-50,
        lasts=20,
        listed=-20,
        responses=(
            DemoResponse("学生 佐々木", "sasaki@example.jp", "大学で日本語教育を学んでいます。"),
        ),
        outcomes=(("failed", "日程が合わず、今年は参加できなかった。来年また案内する。"),),
    ),
)


class Command(HistoryCommand):
    help = "協働マッチングのデモデータ（投稿・応答・調整の結果）を登録します（何度でも実行可）。"

    # The posts are by the demo groups; the staff users come from load_demo itself.
    demo_after = ("groups",)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        self.clerk = users.filter(username="madoguchi").first()
        self.ward = users.filter(username="kuyakusho").first()
        if self.clerk is None or self.ward is None:
            self.stdout.write(
                "協働マッチングのデモデータ: 職員のユーザー（madoguchi, kuyakusho）がいないため"
                "登録しませんでした（load_demo から実行してください）。"
            )
            return
        created = 0
        for demo in POSTS:
            if Post.objects.filter(title=demo.title).exists():
                continue
            try:
                self.create(demo)
            except (CoordinationError, Group.DoesNotExist) as error:
                self.stdout.write(f"「{demo.title}」は登録しませんでした: {error}")
            else:
                created += 1
        self.stdout.write(f"協働マッチングのデモデータ: {created}件の投稿を追加しました。")

    def create(self, demo: DemoPost) -> None:
        now = timezone.now()
        sent = now - dt.timedelta(days=demo.days_ago)
        today = timezone.localdate(now)
        period_from = (
            today + dt.timedelta(days=demo.starts_in) if demo.starts_in is not None else None
        )
        period_until = period_from + dt.timedelta(days=demo.lasts) if period_from else None
        expires_on = today + dt.timedelta(days=demo.listed)
        if period_until and expires_on > period_until:
            expires_on = period_until
        if demo.state == ENDED:
            # Listed in the past: the checks are those of the day it was sent.
            expires_on = max(expires_on, timezone.localdate(sent) + dt.timedelta(days=1))
        group = (
            None
            if demo.kind in (PostKind.WARD, PostKind.CSR)
            else Group.objects.get(name=demo.poster)
        )
        data = PostData(
            kind=demo.kind,
            title=demo.title,
            description=demo.description,
            activity_field=demo.activity_field,
            area=demo.area,
            needs=demo.needs,
            how_to_respond=demo.how_to_respond,
            expires_on=expires_on,
            period_from=period_from,
            period_until=period_until,
            group=group,
            organisation_name="" if group else demo.poster,
            notice_email=demo.notice_email,
        )
        account = self.account(group) if demo.by_account else None
        if account is not None:
            post = post_create_by_group(
                group=group, data=data, author=account, submit=demo.state != DRAFT, now=sent
            )
        else:
            author = self.ward if demo.kind == PostKind.WARD else self.clerk
            post = post_create_by_staff(data=data, author=author, now=sent)
        if demo.state in (DRAFT, PENDING):
            return
        reviewed = sent + dt.timedelta(days=1)
        if demo.state == REJECTED:
            post_reject(post=post, by=self.ward, reason=demo.reason, now=reviewed)
            return
        post_approve(post=post, by=self.clerk, now=reviewed)
        for number, answer in enumerate(demo.responses, start=1):
            response_create(
                post=post,
                name=answer.name,
                contact=answer.contact,
                message=answer.message,
                responding_group=Group.objects.get(name=answer.group) if answer.group else None,
                now=reviewed + dt.timedelta(hours=5 * number),
            )
        for number, (outcome, note) in enumerate(demo.outcomes, start=1):
            outcome_record(
                post=post,
                outcome=outcome,
                note=note,
                recorded_by=self.clerk,
                now=reviewed + dt.timedelta(days=number),
            )
        if demo.state == ENDED:
            posts_expire(now=now)

    def account(self, group: Group | None) -> Any:
        membership = (
            GroupMembership.objects.filter(group=group)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return membership.user if membership else None
