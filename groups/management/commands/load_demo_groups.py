"""Demo registered groups (団体登録), made up, with no real persons; running it again changes
nothing (a group is recognised by its name). ``python manage.py load_demo`` runs it for you.

Thirteen groups show every kind and state: NPO法人, 任意団体 (ボランティア団体), 町会・自治会,
その他 and public bodies of categories ア〜エ (seed 000 §4(2)); most approved (registration
number, validity to the end of the fiscal year), some of them since last year and renewed,
several published in the directory (four with a 団体紹介 the counter approved, two of
them 会員募集中, and one newer 団体紹介 確認待ち); one lapsed (not renewed on 3/31), one
rejected with its reason, one online application 申請中 waiting for review. Thirty smaller
groups complete the register so that the 36 mailbox-lockers are all taken and the waiting
list is real (``load_demo_resources``).

Everything goes through ``groups.services``: the bylaws upload, the application (online or
entered at the counter), approval, renewal and rejection, so the review lines and the history
are written as they would be. Only the reviewer's checklist (the admin's 保留 save) is a plain
save: no service owns it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from groups.models import (
    CRITERION_KEYS,
    ActivityField,
    Group,
    GroupKind,
    GroupMembership,
    SubmissionChannel,
)
from groups.services import (
    bylaws_upload_store,
    group_apply,
    group_approve,
    group_reject,
    group_renew,
    invite_group_member,
    profile_revision_approve,
    profile_revision_submit,
    profile_values,
)
from kyodo_center.dates import fiscal_year_of
from kyodo_center.history import HistoryCommand

APPROVED, RENEWED, LAPSED, REJECTED, PENDING = (
    "approved",
    "renewed",
    "lapsed",
    "rejected",
    "pending",
)


@dataclass(frozen=True)
class DemoGroup:
    name: str
    name_kana: str
    kind: str
    activity: str
    area: str
    members: int
    representative: str
    contact: str
    state: str = APPROVED
    public_body: str = ""  # "a"〜"d": 公共的団体の区分ア〜エ; "" for the six criteria
    publish: bool = False
    public_contact: str = ""
    counter: bool = False  # entered at the counter instead of online
    reason: str = ""  # the rejection reason


# The thirteen that show the product: every kind, every state.
SHOWCASE = (
    DemoGroup(
        "NPO法人しゃくじい川みどりネット",
        "シャクジイガワミドリネット",
        GroupKind.NPO,
        "石神井川沿いの清掃と植樹、親子で川の生きものを観察する会を毎月開いています。",
        "石神井町・上石神井・関町",
        28,
        "川辺 緑",
        "水野 さやか",
        state=RENEWED,
        publish=True,
        public_contact="https://midori-net.example.jp/",
    ),
    DemoGroup(
        "NPO法人ねりま子育てひろば・むすび",
        "ネリマコソダテヒロバムスビ",
        GroupKind.NPO,
        "未就学児と保護者の居場所づくり（子育てサロン 週2回）、子育て相談、絵本の読み聞かせ。",
        "練馬・豊玉・中村",
        15,
        "結城 まどか",
        "森 はるか",
        publish=True,
        public_contact="musubi@example.jp",
    ),
    DemoGroup(
        "NPO法人大泉ITサポートクラブ",
        "オオイズミアイティーサポートクラブ",
        GroupKind.NPO,
        "シニア向けのスマートフォン・パソコン教室と、地域団体のホームページ作りの手伝い。",
        "大泉学園町・東大泉・西大泉",
        12,
        "泉 健一",
        "岡田 伸也",
        publish=True,
        public_contact="https://oizumi-it.example.jp/",
        counter=True,
    ),
    DemoGroup(
        "ねりま傾聴ボランティアの会",
        "ネリマケイチョウボランティアノカイ",
        GroupKind.VOLUNTARY,
        "高齢者施設やご自宅を訪ねてお話を聴く傾聴活動と、傾聴ボランティア養成講座の開催。",
        "練馬区全域",
        34,
        "聞山 和子",
        "田中 恵子",
        state=RENEWED,
        publish=True,
        public_contact="keicho-nerima@example.jp",
    ),
    DemoGroup(
        "光が丘多文化交流サロン",
        "ヒカリガオカタブンカコウリュウサロン",
        GroupKind.VOLUNTARY,
        "外国にルーツのある住民の日本語学習の支援と、料理や音楽を通じた交流会。",
        "光が丘・旭町・田柄",
        21,
        "光田 エミリ",
        "佐野 亮",
        publish=True,
        public_contact="https://hikarigaoka-salon.example.jp/",
    ),
    DemoGroup(
        "向山はなみずき自治会",
        "ムカイヤマハナミズキジチカイ",
        GroupKind.NEIGHBOURHOOD,
        "防災訓練、夏祭り、防犯パトロール、ひとり暮らしの高齢者の見守り。",
        "向山",
        140,
        "花水木 茂",
        "向井 典子",
        state=RENEWED,
        public_body="d",
        publish=True,
        public_contact="hanamizuki-jichikai@example.jp",
        counter=True,
    ),
    DemoGroup(
        "青少年育成向山地区委員会",
        "セイショウネンイクセイムカイヤマチクイインカイ",
        GroupKind.OTHER,
        "地域の子どもの健全育成のため、球技大会・デイキャンプ・あいさつ運動を行っています。",
        "向山・貫井・中村北",
        25,
        "育田 正",
        "向井 典子",
        public_body="a",
        counter=True,
    ),
    DemoGroup(
        "一般財団法人ねりま協働まちづくり財団",
        "ネリマキョウドウマチヅクリザイダン",
        GroupKind.OTHER,
        "区と協力したまちづくり講座の運営と、地域活動団体への助成。",
        "練馬区全域",
        18,
        "協働 一郎",
        "町田 美紀",
        public_body="b",
    ),
    DemoGroup(
        "はなみずき通り商店街振興組合",
        "ハナミズキドオリショウテンガイシンコウクミアイ",
        GroupKind.OTHER,
        "商店街の活性化と、地域のお祭り「はなみずき通りフェスタ」の開催。",
        "向山・貫井",
        32,
        "商田 大介",
        "通 由美",
        public_body="c",
        publish=True,
        public_contact="https://hanamizuki-dori.example.jp/",
    ),
    DemoGroup(
        "一般社団法人ねりま援農サポーターズ",
        "ネリマエンノウサポーターズ",
        GroupKind.OTHER,
        "区内の農家での援農ボランティアと、練馬大根の収穫体験・食育講座。",
        "大泉町・高松・土支田",
        40,
        "畑中 耕平",
        "土屋 みのり",
        publish=True,
        public_contact="ennou@example.jp",
    ),
    DemoGroup(
        "ねりま手話サークルひまわり",
        "ネリマシュワサークルヒマワリ",
        GroupKind.VOLUNTARY,
        "手話の学習会（毎週木曜の夜）と、ろう者との交流会。",
        "練馬・桜台",
        11,
        "日向 葵",
        "手島 智子",
        state=LAPSED,
        publish=True,
        public_contact="himawari-shuwa@example.jp",
    ),
    DemoGroup(
        "石神井ビジネス交流会",
        "シャクジイビジネスコウリュウカイ",
        GroupKind.OTHER,
        "会員企業どうしの商談会と、販路拡大のためのセミナー。",
        "石神井町",
        9,
        "商野 誠",
        "売間 洋介",
        reason=(
            "会員企業の販路拡大を目的とした営利的な活動が中心で、登録要件「ア 公益的な活動を"
            "行う団体であること」に該当しないため。公益的な活動を始められた際は、改めてご相談"
            "ください。"
        ),
        state=REJECTED,
    ),
    DemoGroup(
        "ねりまフードパントリー応援団",
        "ネリマフードパントリーオウエンダン",
        GroupKind.VOLUNTARY,
        "ひとり親家庭などへの食品の無料配布（フードパントリー）と、フードドライブの呼びかけ。",
        "練馬区全域",
        8,
        "食田 結衣",
        "配島 直樹",
        state=PENDING,
        publish=True,
        public_contact="pantry-ouen@example.jp",
    ),
)

# Thirty smaller registered groups (approved this fiscal year): with the showcase's they hold
# the 36 mailbox-lockers and wait for one. Two lines each:
# 団体名 | フリガナ
#     種類 | 活動地域 | 構成員数 | 活動内容
MORE_GROUPS = """
石神井台おはなし会どんぐり | シャクジイダイオハナシカイドングリ
    任意団体 | 石神井台 | 9 | 図書館や保育園での絵本の読み聞かせ。
大泉さくら体操クラブ | オオイズミサクラタイソウクラブ
    任意団体 | 大泉学園町 | 26 | 高齢者の介護予防体操の教室（週1回）。
平和台見守り隊 | ヘイワダイミマモリタイ
    任意団体 | 平和台・早宮 | 17 | 登下校の子どもの見守りと防犯パトロール。
氷川台ふれあい食堂 | ヒカワダイフレアイショクドウ
    任意団体 | 氷川台・桜台 | 14 | 子ども食堂と、高齢者の会食会（月2回）。
桜台まちの記録写真クラブ | サクラダイマチノキロクシャシンクラブ
    任意団体 | 桜台・栄町 | 7 | まちの移り変わりを写真で記録し、区内の施設で写真展を開く。
ねりま点訳グループ星の会 | ネリマテンヤクグループホシノカイ
    任意団体 | 練馬区全域 | 12 | 広報紙や本の点訳。
練馬音訳ボランティアこだま | ネリマオンヤクボランティアコダマ
    任意団体 | 練馬区全域 | 16 | 区のお知らせなどの音訳と録音図書づくり。
関町プレーパークの会 | セキマチプレーパークノカイ
    任意団体 | 関町 | 22 | 公園で子どもが自由に外遊びできる場（プレーパーク）の運営。
富士見台ごみゼロ推進隊 | フジミダイゴミゼロスイシンタイ
    任意団体 | 富士見台・貫井 | 19 | まちの清掃と、リサイクルの啓発。
NPO法人ねりま障がい者就労支援ネット | ネリマショウガイシャシュウロウシエンネット
    NPO法人 | 練馬区全域 | 23 | 障がいのある人の就労支援と、作業所の製品の販売会。
NPO法人ねりま在宅ケアの会 | ネリマザイタクケアノカイ
    NPO法人 | 練馬区全域 | 15 | 在宅介護をする家族の交流会と勉強会。
高野台ささえあいの会 | タカノダイササエアイノカイ
    任意団体 | 高野台・谷原 | 31 | ごみ出しや買い物など、日常の困りごとの助け合い。
谷原ひまわり学習会 | ヤハラヒマワリガクシュウカイ
    任意団体 | 谷原・三原台 | 10 | 小中学生の無料の学習支援。
土支田農園ボランティア | ドシダノウエンボランティア
    任意団体 | 土支田 | 8 | 区民農園の手入れと、障がいのある人の農作業体験の支援。
北町防災サポーターズ | キタマチボウサイサポーターズ
    任意団体 | 北町・錦 | 20 | 防災講座と、避難拠点の運営訓練の手伝い。
練馬国際交流ボランティア・にじ | ネリマコクサイコウリュウボランティアニジ
    任意団体 | 練馬区全域 | 27 | 外国人住民の生活相談の通訳と、やさしい日本語の普及。
豊玉おもちゃ病院 | トヨタマオモチャビョウイン
    任意団体 | 豊玉 | 6 | 壊れたおもちゃの無料修理（毎月第2土曜）。
中村橋こども将棋教室 | ナカムラバシコドモショウギキョウシツ
    任意団体 | 中村・中村北 | 5 | 地域の子どもに将棋を教え、学年をこえた交流大会を開く。
春日町ウォーキングの会 | カスガチョウウォーキングノカイ
    任意団体 | 春日町・高松 | 24 | 健康づくりのウォーキングと、まち歩きマップ作り。
練馬ひとり親家庭サポートの会 | ネリマヒトリオヤカテイサポートノカイ
    任意団体 | 練馬区全域 | 13 | ひとり親家庭の交流会、情報交換、学用品のリユース。
NPO法人みどりの環境教室ねりま | ミドリノカンキョウキョウシツネリマ
    NPO法人 | 練馬区全域 | 11 | 小学校への環境学習の出前授業。
東大泉うたごえ広場 | ヒガシオオイズミウタゴエヒロバ
    任意団体 | 東大泉 | 18 | 高齢者施設を訪ねて一緒に歌うボランティア。
貫井ふれあいサロン | ヌクイフレアイサロン
    任意団体 | 貫井 | 12 | 高齢者の居場所づくり（茶話会と体操）。
ねりま里親支援の会 | ネリマサトオヤシエンノカイ
    任意団体 | 練馬区全域 | 9 | 里親家庭の交流と、里親制度の普及啓発。
練馬マンション防災ネットワーク | ネリママンションボウサイネットワーク
    任意団体 | 練馬区全域 | 15 | マンションの防災対策の情報交換と合同訓練。
小竹町ほたるの里づくりの会 | コタケチョウホタルノサトヅクリノカイ
    任意団体 | 小竹町・旭丘 | 8 | 水辺の再生と自然観察会。
旭町まち歩きガイドの会 | アサヒチョウマチアルキガイドノカイ
    任意団体 | 旭町・土支田 | 7 | 地域の歴史を紹介するまち歩きのガイド。
NPO法人ねりま若者のいばしょ | ネリマワカモノノイバショ
    NPO法人 | 練馬区全域 | 14 | 不登校・ひきこもりの若者の居場所と相談。
早宮手づくり布絵本の会 | ハヤミヤテヅクリヌノエホンノカイ
    任意団体 | 早宮・平和台 | 10 | 布絵本を作り、保育園や病院に寄贈する。
ねりま地域ふれあい吹奏楽団 | ネリマチイキフレアイスイソウガクダン
    任意団体 | 練馬区全域 | 35 | 地域の行事や福祉施設での演奏。
"""
KINDS = {"NPO法人": GroupKind.NPO, "任意団体": GroupKind.VOLUNTARY}
SURNAMES = ("青木", "石川", "上田", "遠藤", "大西", "加藤", "木村", "小池", "斉藤", "島田", "杉山")
GIVEN_NAMES = ("明美", "勇", "和也", "京子", "孝", "さとみ", "智", "直子", "信夫", "久美子", "誠")


def person(index: int) -> str:
    """A made-up name (no real person is meant)."""
    return f"{SURNAMES[index % len(SURNAMES)]} {GIVEN_NAMES[(index * 7) % len(GIVEN_NAMES)]}"


def more_groups() -> list[DemoGroup]:
    groups = []
    lines = MORE_GROUPS.strip().splitlines()
    rows = [
        (*first.split(" | "), *second.strip().split(" | "))
        for first, second in zip(lines[::2], lines[1::2], strict=True)
    ]
    for index, (name, kana, kind, area, members, activity) in enumerate(rows):
        groups.append(
            DemoGroup(
                name,
                kana,
                KINDS[kind],
                activity,
                area,
                int(members),
                person(index),
                person(index + 5),
                # Every other one agreed to be listed, with its activity and area.
                publish=index % 2 == 0,
            )
        )
    return groups


def demo_bylaws_pdf() -> bytes:
    """A one-page PDF standing for the group's bylaws (ASCII text: no Japanese font needed)."""
    text = b"(Demo bylaws of a made-up group - load_demo_groups) Tj"
    stream = b"BT /F1 14 Tf 72 770 Td " + text + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


# 団体紹介 sent from マイページ and published by the counter (the other fields as registered).
DEMO_PROFILES: dict[str, dict[str, Any]] = {
    "NPO法人しゃくじい川みどりネット": {
        "activity_field": ActivityField.ENVIRONMENT,
        "meeting_place": "石神井川沿い（石神井公園駅 南口に集合）",
        "meeting_schedule": "毎月第2日曜日 9時〜12時（雨天中止）",
        "recruiting": True,
    },
    "NPO法人ねりま子育てひろば・むすび": {
        "activity_field": ActivityField.CHILDREN,
        "meeting_place": "区民協働交流センター 交流スペース",
        "meeting_schedule": "毎週火曜日・金曜日 10時〜12時",
    },
    "ねりま傾聴ボランティアの会": {
        "activity_field": ActivityField.WELFARE,
        "meeting_place": "区民協働交流センター 多目的室（定例会）",
        "meeting_schedule": "定例会 毎月第3水曜日 14時〜16時",
        "recruiting": True,
    },
    "向山はなみずき自治会": {
        "activity_field": ActivityField.COMMUNITY,
        "meeting_place": "向山はなみずき会館",
        "meeting_schedule": "役員会 毎月第1土曜日 19時〜",
    },
}
# A newer 団体紹介 waiting for the counter (確認待ち), sent by the demo login group06.
PENDING_PROFILE_GROUP = "向山はなみずき自治会"
PENDING_PROFILE_CHANGE = {
    "activity": (
        "防災訓練、夏祭り、防犯パトロール、ひとり暮らしの高齢者の見守り。"
        "来年度から子ども向けの防災キャンプを始めます。"
    ),
    "meeting_schedule": "役員会 毎月第1土曜日 19時〜、防災キャンプ 8月",
    "recruiting": True,
}

DEMO_GROUP_PASSWORD = "demo-group-2026"
# (the contact e-mail that approval invited, the group): the 2nd and 6th showcase groups.
DEMO_ACCOUNTS = (
    ("group02@example.jp", "NPO法人ねりま子育てひろば・むすび"),
    ("group06@example.jp", "向山はなみずき自治会"),
)


class Command(HistoryCommand):
    help = (
        "登録団体のデモデータ（申請・承認・更新・失効・却下・申請中）を登録します"
        "（何度でも実行可）。"
    )

    # The groups need no other app's demo data (the others need them).
    demo_after: tuple[str, ...] = ()
    # Two group accounts (登録団体) with known passwords, listed by load_demo and the README.
    demo_logins = tuple(
        (email, DEMO_GROUP_PASSWORD, f"登録団体（{name}）") for email, name in DEMO_ACCOUNTS
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        # load_demo creates these first; run alone, the decisions are recorded without a name.
        self.ward = users.filter(username="kuyakusho").first()
        self.counter = users.filter(username="madoguchi").first()
        self.today = timezone.localdate()
        fiscal_year = fiscal_year_of(self.today)
        # Approvals spread over this fiscal year so far (a group booked in the past weeks was
        # registered then); the renewed and the lapsed groups were first approved last year.
        self.this_year = dt.date(fiscal_year, 4, 10)
        self.last_year = dt.date(fiscal_year - 1, 5, 10)
        self.last_year_renewal = dt.date(fiscal_year, 3, 2)
        specs = [*SHOWCASE, *more_groups()]
        existing = set(
            Group.objects.filter(name__in=[s.name for s in specs]).values_list("name", flat=True)
        )
        created = 0
        for number, spec in enumerate(specs, start=1):
            if spec.name in existing:
                continue
            self._register(spec, number)
            created += 1
        self.stdout.write(
            f"登録団体のデモデータ: {created}団体を追加しました（全{len(specs)}団体）。"
        )
        self._group_accounts()
        self._profiles()

    def _profiles(self) -> None:
        """団体紹介: four groups sent theirs from マイページ and the counter published them (two
        recruiting members); 向山はなみずき自治会 (a demo login) has a newer one 確認待ち."""
        published = 0
        for name, profile in DEMO_PROFILES.items():
            group = Group.objects.get(name=name)
            if group.profile_revisions.exists():
                continue
            self._profile_submit(group, profile)
            published += 1
        group = Group.objects.get(name=PENDING_PROFILE_GROUP)
        if group.profile_revisions.count() == 1:
            submission = profile_revision_submit(
                group=group,
                data={**profile_values(group), **PENDING_PROFILE_CHANGE},
                by=self._account_of(group),
                today=self.today,
            )
            assert submission.revision is not None
        self.stdout.write(f"団体紹介のデモデータ: {published}団体を公開しました。")

    def _profile_submit(self, group: Group, profile: dict[str, Any]) -> None:
        submission = profile_revision_submit(
            group=group,
            data={**profile_values(group), **profile},
            by=self._account_of(group),
            today=self.today,
        )
        assert submission.revision is not None
        profile_revision_approve(revision=submission.revision, by=self.counter)

    @staticmethod
    def _account_of(group: Group) -> Any:
        # Approval invited the group's contact address: that account sends the profile.
        return GroupMembership.objects.filter(group=group).select_related("user").first().user

    def _group_accounts(self) -> None:
        """Approval invited each group's contact address (groups.services); give two of those
        accounts a known password, as if the invitation had been accepted."""
        for email, name in DEMO_ACCOUNTS:
            group = Group.objects.get(name=name)
            if not GroupMembership.objects.filter(user__username=email).exists():
                invite_group_member(group=group, email=email, by=self.ward)
            user = get_user_model().objects.get(username=email)
            if not user.check_password(DEMO_GROUP_PASSWORD):
                user.set_password(DEMO_GROUP_PASSWORD)
                user.save(update_fields=["password"])

    def _register(self, spec: DemoGroup, number: int) -> Group:
        upload = bylaws_upload_store(
            file=SimpleUploadedFile("会則.pdf", demo_bylaws_pdf(), "application/pdf")
        )
        criteria = not spec.public_body
        town = "練馬" if "全域" in spec.area else spec.area.split("・")[0]
        data = {
            "name": spec.name,
            "name_kana": spec.name_kana,
            "kind": spec.kind,
            "activity": spec.activity,
            "activity_area": spec.area,
            "member_count": spec.members,
            "representative_name": spec.representative,
            "contact_name": spec.contact,
            "postcode": "176-0000",
            "address": f"東京都練馬区{town}（デモ用の住所）",
            "phone": f"03-0000-{1000 + number:04d}",
            "email": f"group{number:02d}@example.jp",
            "publish": spec.publish,
            "publish_activity": spec.publish,
            "publish_area": spec.publish,
            "public_contact": spec.public_contact,
            "public_body_category": spec.public_body,
            **{f"declares_{key}": criteria for key in CRITERION_KEYS},
        }
        channel = SubmissionChannel.COUNTER if spec.counter else SubmissionChannel.ONLINE
        group = group_apply(
            data=data,
            upload_token=upload.token,
            channel=channel,
            entered_by=self.counter if spec.counter else None,
        )
        if spec.state == PENDING:
            return group
        if spec.state == REJECTED:
            return group_reject(group=group, by=self.ward, reason=spec.reason)
        # The reviewer's checklist, as saved in the admin before the decision.
        if criteria:
            for key in CRITERION_KEYS:
                setattr(group, f"check_{key}", True)
            group.save(update_fields=[f"check_{key}" for key in CRITERION_KEYS])
        else:
            group.public_body_confirmed = True
            group.save(update_fields=["public_body_confirmed"])
        spread = dt.timedelta(days=3 * number)
        if spec.state == APPROVED:
            approved_on = min(self.today, self.this_year + spread)
            return group_approve(group=group, by=self.ward, today=approved_on)
        group = group_approve(group=group, by=self.ward, today=self.last_year + spread)
        if spec.state == RENEWED:
            group = group_renew(group=group, by=self.ward, today=self.last_year_renewal)
        return group
