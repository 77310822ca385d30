"""The open datasets' formats, kept in one place: the pages, the files and the tests read them
from here.

イベント一覧 and 公共施設一覧 follow the Digital Agency's 自治体標準オープンデータセット
(デジタル庁「自治体標準オープンデータセット（正式版）」データ項目定義書:
イベント一覧, 公共施設一覧).
The column names and their order below were taken from that definition as mirrored in the
public data models of NEC-FIWARE/smart-data-models (cio/06_イベント一覧/datamodels.md and
cio/12_公共施設一覧/datamodels.md, which list every item with its description and whether it is
required), and checked against two independent implementations that read municipal CSVs of
this format (the same 32 and 24 columns, in the same order, half-width brackets in 料金(基本)).
The first four columns are the current version's (都道府県コード又は市区町村コード, NO,
都道府県名, 市区町村名), not the older 推奨データセット's (全国地方公共団体コード, ID,
地方公共団体名).

Common rules applied (共通ルール): UTF-8 CSV with a header line; dates YYYY-MM-DD, times hh:mm;
a value the centre does not hold is left empty (never invented).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

STANDARD_NAME = "自治体標準オープンデータセット（デジタル庁）"
STANDARD_SOURCE = (
    "デジタル庁「自治体標準オープンデータセット（正式版）」のデータ項目定義書"
    "（イベント一覧・公共施設一覧）"
)
LICENCE = "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）"
LICENCE_SHORT = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"

# 練馬区: 全国地方公共団体コード 13120 with its check digit (6 digits), as the standard asks.
LOCAL_GOVERNMENT = {
    "code": "131202",
    "prefecture": "東京都",
    "municipality": "練馬区",
}


def local_government() -> dict[str, str]:
    """The ward publishing the data (another ward's deployment sets OPENDATA_LOCAL_GOVERNMENT)."""
    return {**LOCAL_GOVERNMENT, **getattr(settings, "OPENDATA_LOCAL_GOVERNMENT", {})}


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    required: bool = False  # 必須 in the standard


# --- イベント一覧 (32 columns) -------------------------------------------------------------------
EVENT_COLUMN_DEFINITIONS: tuple[Column, ...] = (
    Column(
        "都道府県コード又は市区町村コード",
        "データを管理する区の全国地方公共団体コード（練馬区 131202）",
    ),
    Column("NO", "区の中で催しを一意に示す番号（KYODO-EV-催しの番号）"),
    Column("都道府県名", "東京都"),
    Column("市区町村名", "練馬区"),
    Column("イベント名", "催しの名称", True),
    Column("イベント名_カナ", "催しの名称のカナ（このシステムは読みを持たないため空欄）", True),
    Column("イベント名_英語", "催しの名称の英語表記（空欄）"),
    Column("開始日", "開始日（YYYY-MM-DD）", True),
    Column("終了日", "終了日（YYYY-MM-DD）", True),
    Column("開始時間", "開始時刻（hh:mm）", True),
    Column("終了時間", "終了時刻（hh:mm）", True),
    Column("開始日時特記事項", "中止や連続講座の回など、日時についての補足"),
    Column("説明", "催しの内容", True),
    Column("料金(基本)", "参加費の金額（円、半角数字。無料は0、金額の書かれていない参加費は空欄）"),
    Column("料金(詳細)", "参加費の説明（そのまま）"),
    Column("連絡先名称", "問い合わせ先（センター）"),
    Column("連絡先電話番号", "問い合わせ先の電話番号"),
    Column("連絡先内線番号", "内線番号（空欄）"),
    Column("主催者", "主催（センター、または主催する登録団体）"),
    Column("場所名称", "会場（センターの部屋、またはセンター外の会場）", True),
    Column("住所", "会場の住所（センター外の会場は場所名称に記載し、空欄）", True),
    Column("方書", "住所の方書（空欄）"),
    Column("緯度", "会場の緯度（このシステムは持たないため空欄）"),
    Column("経度", "会場の経度（空欄）"),
    Column("アクセス方法", "会場への行き方（空欄）"),
    Column("駐車場情報", "駐車場（空欄）"),
    Column("定員", "定員（人）"),
    Column("参加申込終了日", "申込締切の日（YYYY-MM-DD）"),
    Column("参加申込終了時間", "申込締切の時刻（hh:mm）"),
    Column("参加申込方法", "申込みの方法"),
    Column("URL", "催しのページ（申込みフォーム）"),
    Column("備考", "中止の理由など"),
)

# --- 公共施設一覧 (24 columns) -------------------------------------------------------------------
FACILITY_COLUMN_DEFINITIONS: tuple[Column, ...] = (
    Column(
        "都道府県コード又は市区町村コード",
        "データを管理する区の全国地方公共団体コード（練馬区 131202）",
    ),
    Column("NO", "区の中で施設を一意に示す番号（KYODO-FA-施設の番号）"),
    Column("都道府県名", "東京都"),
    Column("市区町村名", "練馬区"),
    Column("名称", "施設の名称", True),
    Column("名称_カナ", "施設の名称のカナ（このシステムは読みを持たないため空欄）", True),
    Column("名称_通称", "施設の通称"),
    Column("POIコード", "施設の種類のPOIコード（空欄）"),
    Column("住所", "施設の住所", True),
    Column("方書", "住所の方書（空欄）"),
    Column("緯度", "緯度（空欄）"),
    Column("経度", "経度（空欄）"),
    Column("電話番号", "施設の電話番号"),
    Column("内線番号", "内線番号（空欄）"),
    Column("法人番号", "管理団体の法人番号（空欄）"),
    Column("団体名", "管理団体の名称（練馬区）"),
    Column("利用可能曜日", "開館している曜日"),
    Column("開始時間", "開館時刻（hh:mm）"),
    Column("終了時間", "閉館時刻（hh:mm）"),
    Column("利用可能日時特記事項", "休館日（年末年始・保守点検日）と、これからの休館日"),
    Column("説明", "部屋と定員など、施設の説明"),
    Column("バリアフリー情報", "バリアフリー情報（空欄）"),
    Column("URL", "施設の案内ページ"),
    Column("備考", "空き状況のデータの案内"),
)

# --- 多目的室の空き状況 (this centre's own format: no national standard exists) -------------------
AVAILABILITY_COLUMN_DEFINITIONS: tuple[Column, ...] = (
    Column("日付", "日付（YYYY-MM-DD）"),
    Column("施設名", "施設の名称"),
    Column("部屋名", "部屋の名称"),
    Column("区分", "午前・午後・夜間など"),
    Column("開始時刻", "区分の開始時刻（hh:mm）"),
    Column("終了時刻", "区分の終了時刻（hh:mm）"),
    Column("状態", "○ 空きあり、△ 一部予約あり、× 予約済み、休館、受付前、抽選受付中、抽選待ち"),
    Column("受付状況", "その日の受付（登録団体のみ受付中・抽選の案内など。空欄はどなたも受付中）"),
)
AVAILABILITY_JSON_KEYS = (
    "date",
    "facility",
    "room",
    "block",
    "start",
    "end",
    "state",
    "window",
)

EVENT_COLUMNS: tuple[str, ...] = tuple(column.name for column in EVENT_COLUMN_DEFINITIONS)
FACILITY_COLUMNS: tuple[str, ...] = tuple(column.name for column in FACILITY_COLUMN_DEFINITIONS)
AVAILABILITY_COLUMNS: tuple[str, ...] = tuple(
    column.name for column in AVAILABILITY_COLUMN_DEFINITIONS
)

# 状態 of the availability data, in the words of the public calendar.
STATE_OPEN_SOON = "受付前"
STATE_LOTTERY_OPEN = "抽選受付中"
STATE_LOTTERY_WAIT = "抽選待ち"
STATE_CLOSED = "休館"
AVAILABILITY_STATES = (
    "○",
    "△",
    "×",
    STATE_CLOSED,
    STATE_OPEN_SOON,
    STATE_LOTTERY_OPEN,
    STATE_LOTTERY_WAIT,
)
AVAILABILITY_MONTHS = 3
