"""Demo data for consultations (idempotent): topics, the four operators, expert sessions, the
demo operator user "unei" linked to 練馬区社会福祉協議会, and about thirty consultations over the
last three months (some from the demo registered groups), each routed as the rules suggest:
answered at the counter, handled by ward staff, booked into an expert session, or referred to
an operator, the referrals to 練馬区社会福祉協議会 answered by "unei" (取次済, 対応中, 完了).
Everything through ``consultations.services``. Called by ``load_demo``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from consultations.defaults import ensure_default_topics_and_operators
from consultations.models import (
    AskerKind,
    Channel,
    Consultation,
    ExpertField,
    ExpertSession,
    OperatorMembership,
    OperatorOrganisation,
    ReferralStatus,
    RetentionSetting,
    Route,
    Topic,
)
from consultations.selectors import operator_candidates
from consultations.services.intake import consultation_create
from consultations.services.referrals import referral_update
from consultations.services.routing import route_suggest, service_level_at
from groups.models import Group
from kyodo_center.dates import local_datetime
from kyodo_center.history import HistoryCommand

# field, weeks ahead, weekday (0 = Monday), start, end, expert, slots
DEMO_SESSIONS = (
    (ExpertField.ACCOUNTING, 1, 2, dt.time(13, 0), dt.time(16, 0), "税理士（会計）", 3),
    (ExpertField.TAX, 2, 2, dt.time(13, 0), dt.time(16, 0), "税理士（税務）", 3),
    (ExpertField.LABOUR, 3, 3, dt.time(14, 0), dt.time(16, 0), "社会保険労務士", 2),
)


SHAKYO = "練馬区社会福祉協議会"
OPERATORS = {
    "社協": SHAKYO,
    "障害": "練馬区障害者福祉推進機構",
    "明るい": "練馬明るい社会づくりの会",
    "IT研": "インターネットビジネス研究所",
}
CHANNELS = {"窓口": Channel.COUNTER, "電話": Channel.PHONE, "メール": Channel.EMAIL}
ASKERS = {
    "個人": AskerKind.INDIVIDUAL,
    "NPO": AskerKind.NPO,
    "町会": AskerKind.NEIGHBOURHOOD,
    "その他": AskerKind.OTHER,
}
EXPERT_FIELDS = {
    "会計": ExpertField.ACCOUNTING,
    "税務": ExpertField.TAX,
    "労務": ExpertField.LABOUR,
}
ROUTES = {"窓口": Route.COUNTER, "区": Route.WARD}


@dataclass(frozen=True)
class DemoConsultation:
    days_ago: int
    time: str
    channel: str
    asker: str
    who: str  # a demo registered group's name, or the asker's name
    topic: str
    summary: str
    handling: str
    # The route the clerk took: None = as suggested (with the operator below, if referred),
    # "窓口"/"区" = decided otherwise, "会計"/"税務"/"労務" = booked into that expert session.
    route: str | None = None
    operator: str = ""
    # The operator's progress (unei answers for 社協): 取次済 stays as it is.
    progress: tuple[str, ...] = ()


DONE = ("対応中", "完了")
CONSULTATIONS = (
    DemoConsultation(88, "10:20", "窓口", "個人", "石田 さくら", "団体設立",
        "子育て中の親の集まりを任意団体として始めたい。会則の作り方と団体登録の要件を知りたい。",
        "団体登録の要件（ア〜カ）と会則のひな形を案内。設立の相談は社会福祉協議会へ取り次いだ。",
        operator="社協", progress=DONE),
    DemoConsultation(84, "14:05", "電話", "NPO", "NPO法人ねりま子育てひろば・むすび", "助成金",
        "子育てサロンのおもちゃの購入に使える助成金はあるか。",
        "区と財団の助成制度の一覧を送付。申請書の書き方は社会福祉協議会へ取り次いだ。",
        operator="社協", progress=DONE),
    DemoConsultation(80, "11:30", "窓口", "個人", "匿名", "施設利用",
        "多目的室を個人の勉強会に使えるか。",
        "個人でも利用できること、予約は1か月前から（登録団体は3か月前から）を案内。"),
    DemoConsultation(77, "15:40", "電話", "町会", "向山はなみずき自治会", "協働・連携",
        "自治会の防災訓練に、地域のNPOの協力を得たい。",
        "区職員（地域振興課）が対応。防災に取り組む登録団体の情報を提供した。"),
    DemoConsultation(74, "10:10", "メール", "NPO", "NPO法人しゃくじい川みどりネット", "広報",
        "活動報告のチラシを見やすくしたい。",
        "広報講座（伝わるチラシとSNS発信）を案内し、申込方法を返信した。", route="窓口"),
    DemoConsultation(70, "13:15", "窓口", "NPO", "ねりま傾聴ボランティアの会", "協働・連携",
        "高齢者施設と継続して連携するための協定の結び方を知りたい。",
        "聞き取りのうえ、社会福祉協議会へ取り次いだ。", operator="社協", progress=DONE),
    DemoConsultation(66, "16:30", "電話", "個人", "匿名（60代男性）", "その他",
        "退職したのでボランティアを始めたい。どんな活動があるか。",
        "登録団体一覧と、ボランティア募集のポスター・パンフレットを案内した。"),
    DemoConsultation(63, "11:00", "窓口", "その他", "はなみずき通り商店街振興組合", "協働・連携",
        "商店街のイベントに地域の団体の出店を募りたい。",
        "区職員が対応。センターの掲示板と登録団体への周知方法を案内した。"),
    DemoConsultation(59, "10:45", "窓口", "NPO", "光が丘多文化交流サロン", "団体設立",
        "任意団体からNPO法人になるための手続きと費用を知りたい。",
        "設立手続きの流れを説明し、詳しい相談は社会福祉協議会へ取り次いだ。",
        operator="社協", progress=DONE),
    DemoConsultation(56, "14:20", "メール", "NPO", "ねりまシニア囲碁の会（未登録）", "施設利用",
        "毎月の例会に部屋を借りたい。団体登録をすると何が変わるか。",
        "登録団体は3か月前から予約でき、メールボックスも使えることを案内。申請方法を返信した。"),
    DemoConsultation(52, "19:10", "電話", "個人", "上野 真理", "助成金",
        "地域の清掃活動を始めたい。道具代に使える助成金を知りたい。",
        "夜間のため聞き取りのみ。翌日、社会福祉協議会へ取り次いだ。",
        operator="社協", progress=DONE),
    DemoConsultation(49, "11:30", "窓口", "NPO", "NPO法人大泉ITサポートクラブ", "協働・連携",
        "区内の高齢者施設と一緒にスマホ教室を開きたい。",
        "聞き取りのうえ、社会福祉協議会へ取り次いだ。", operator="社協", progress=("対応中",)),
    DemoConsultation(45, "15:00", "窓口", "町会", "北町の町会役員（匿名）", "その他",
        "町会の加入者を増やす工夫を知りたい。",
        "区職員が対応。他の町会の取り組み事例を紹介した。"),
    DemoConsultation(42, "10:30", "電話", "NPO", "一般社団法人ねりま援農サポーターズ", "助成金",
        "収穫体験のイベントの保険料に使える助成はあるか。",
        "社会福祉協議会へ取り次いだ。", operator="社協", progress=DONE),
    DemoConsultation(38, "13:45", "窓口", "個人", "佐々木 涼", "施設利用",
        "プロジェクターとスクリーンを借りられるか。",
        "貸出備品（スクリーン・プロジェクター・パソコン）は予約と一緒に申し込めることを案内。"),
    DemoConsultation(35, "11:10", "メール", "NPO", "ねりま傾聴ボランティアの会", "運営・会計",
        "会費と寄付の会計の分け方を知りたい。",
        "専門相談（会計）の日程を案内し、会計講座の申込方法を返信した。", route="窓口"),
    DemoConsultation(31, "14:30", "窓口", "NPO", "NPO法人ねりま子育てひろば・むすび", "協働・連携",
        "保育園と合同で子育てイベントを開きたい。",
        "聞き取りのうえ、社会福祉協議会へ取り次いだ。", operator="社協", progress=("対応中",)),
    DemoConsultation(28, "10:05", "電話", "個人", "匿名", "その他",
        "ボランティア活動中のけがに備える保険を知りたい。",
        "ボランティア活動保険の概要と加入窓口を案内した。"),
    DemoConsultation(24, "16:10", "窓口", "NPO", "光が丘多文化交流サロン", "広報",
        "多言語のホームページを作りたい。",
        "聞き取りのうえ、インターネットビジネス研究所へ取り次いだ。", operator="IT研"),
    DemoConsultation(21, "11:20", "メール", "NPO", "NPO法人しゃくじい川みどりネット", "助成金",
        "植樹活動に使える助成金の申請書を見てほしい。",
        "社会福祉協議会へ取り次いだ。", operator="社協", progress=("対応中",)),
    DemoConsultation(17, "13:00", "窓口", "町会", "向山はなみずき自治会", "その他",
        "防災倉庫の備品の保管場所に困っている。",
        "区職員が対応。メールボックスの利用数の特例（2個）を案内した。"),
    DemoConsultation(14, "10:40", "窓口", "NPO", "ねりま傾聴ボランティアの会", "運営・会計",
        "活動計算書の作り方を相談したい。", "専門相談（会計）を予約した。", route="会計"),
    DemoConsultation(12, "15:30", "電話", "NPO", "一般社団法人ねりま援農サポーターズ", "運営・会計",
        "ボランティアに渡す謝礼の源泉徴収が必要か知りたい。", "専門相談（税務）を予約した。",
        route="税務"),
    DemoConsultation(10, "11:15", "電話", "NPO", "大泉こども食堂の会（未登録）", "団体設立",
        "子ども食堂を団体として立ち上げたい。", "聞き取りのうえ、社会福祉協議会へ取り次いだ。",
        operator="社協"),
    DemoConsultation(8, "14:00", "窓口", "NPO", "NPO法人大泉ITサポートクラブ", "広報",
        "団体のSNSの始め方を、ほかの団体に教える講座を開きたい。",
        "聞き取りのうえ、インターネットビジネス研究所へ取り次いだ。", operator="IT研"),
    DemoConsultation(6, "10:30", "窓口", "個人", "安藤 由香", "協働・連携",
        "障がいのある子どもと一緒に参加できる地域活動を探したい。",
        "聞き取りのうえ、練馬区障害者福祉推進機構へ取り次いだ。", operator="障害"),
    DemoConsultation(5, "18:30", "電話", "NPO", "NPO法人ねりま子育てひろば・むすび", "広報",
        "地域の団体と合同でパネル展に出展したい。",
        "夜間のため聞き取りのみ。練馬明るい社会づくりの会へ取り次いだ。", operator="明るい"),
    DemoConsultation(4, "11:45", "窓口", "NPO", "光が丘多文化交流サロン", "運営・会計",
        "有給スタッフを雇うときの雇用契約と社会保険を知りたい。", "専門相談（労務）を予約した。",
        route="労務"),
    DemoConsultation(3, "15:15", "メール", "個人", "匿名", "施設利用",
        "年末年始の休館日を知りたい。", "年末年始（12月29日〜1月3日）の休館を返信した。"),
    DemoConsultation(2, "10:00", "窓口", "NPO", "NPO法人しゃくじい川みどりネット", "協働・連携",
        "小学校の環境学習に協力したい。つなぎ先を知りたい。",
        "聞き取りのうえ、社会福祉協議会へ取り次いだ。", operator="社協"),
    DemoConsultation(1, "14:40", "電話", "その他", "一般財団法人ねりま協働まちづくり財団",
        "協働・連携",
        "まちづくり講座の講師になれる地域団体を紹介してほしい。",
        "区職員が対応。登録団体一覧（公開分）を案内した。"),
)  # fmt: skip

PROGRESS = {"対応中": ReferralStatus.IN_PROGRESS, "完了": ReferralStatus.COMPLETED}
ANSWERS = {
    "対応中": "団体の代表の方と連絡を取り、面談の日程を調整しています。",
    "完了": (
        "面談で手続きと進め方を説明し、必要な書類をお渡ししました。"
        "以後は団体から直接ご連絡いただきます。"
    ),
}


class Command(HistoryCommand):
    help = (
        "相談受付のデモデータ（相談分類・運営団体・専門相談の日程・相談記録・取次）を登録します"
        "（何度でも実行可）。"
    )

    # Some consultations come from the demo registered groups.
    demo_after = ("groups",)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        ensure_default_topics_and_operators()
        RetentionSetting.current()
        today = timezone.localdate()
        monday = today - dt.timedelta(days=today.weekday())
        for field, weeks, weekday, start, end, expert, slots in DEMO_SESSIONS:
            day = monday + dt.timedelta(weeks=weeks, days=weekday)
            ExpertSession.objects.get_or_create(
                field=field,
                date=day,
                start_time=start,
                defaults={"end_time": end, "expert": expert, "capacity": slots},
            )
        user = get_user_model().objects.filter(username="unei").first()
        if user is not None:
            OperatorMembership.objects.update_or_create(
                user=user,
                defaults={
                    "organisation": OperatorOrganisation.objects.get(name="練馬区社会福祉協議会")
                },
            )
        self._consultations(today)
        self.stdout.write(self.style.SUCCESS("相談受付のデモデータを登録しました。"))

    def _consultations(self, today: dt.date) -> None:
        """The demo consultations, each recognised by its summary (a second run adds none)."""
        users = get_user_model().objects
        clerk = users.filter(username="madoguchi").first()
        operator_user = users.filter(username="unei").first()
        if clerk is None:
            self.stdout.write(
                "窓口職員のデモユーザー（madoguchi）がいないため、相談記録は作成しませんでした"
                "（load_demo から実行してください）。"
            )
            return
        topics = {topic.name: topic for topic in Topic.objects.all()}
        operators = {
            key: OperatorOrganisation.objects.get(name=name) for key, name in OPERATORS.items()
        }
        candidates = operator_candidates()
        groups = {group.name: group for group in Group.objects.all()}
        known = set(Consultation.objects.values_list("summary", flat=True))
        created = 0
        for demo in CONSULTATIONS:
            if demo.summary in known:
                continue
            received_at = local_datetime(
                today - dt.timedelta(days=demo.days_ago), dt.time.fromisoformat(demo.time)
            )
            topic = topics[demo.topic]
            suggestion = route_suggest(
                asker_kind=ASKERS[demo.asker],
                topic_id=topic.pk,
                topic_handling=topic.handling,
                operators=candidates,
                level=service_level_at(received_at),
            )
            route = suggestion.route
            session = None
            if demo.route in ROUTES:
                route = ROUTES[demo.route]
            elif demo.route in EXPERT_FIELDS:
                route = Route.EXPERT
                session = (
                    ExpertSession.objects.filter(field=EXPERT_FIELDS[demo.route], date__gt=today)
                    .order_by("date")
                    .first()
                )
            group = groups.get(demo.who)
            consultation = consultation_create(
                user=clerk,
                received_at=received_at,
                channel=CHANNELS[demo.channel],
                asker_kind=ASKERS[demo.asker],
                topic=topic,
                summary=demo.summary,
                route=route,
                suggested_route=suggestion.route,
                group=group,
                asker_name="" if group else demo.who,
                contact="" if group else f"03-0000-{3100 + demo.days_ago:04d}",
                handling=demo.handling,
                operator=operators.get(demo.operator),
                expert_session=session,
            )
            created += 1
            if demo.progress and operator_user is not None:
                for status in demo.progress:
                    referral_update(
                        referral_id=consultation.referral.pk,
                        user=operator_user,
                        status={
                            "対応中": ReferralStatus.IN_PROGRESS,
                            "完了": ReferralStatus.COMPLETED,
                        }[status],
                        answer=ANSWERS[status],
                    )
        self.stdout.write(f"相談記録: {created}件を追加しました（全{len(CONSULTATIONS)}件）。")
