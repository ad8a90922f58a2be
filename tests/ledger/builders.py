"""Small ledgers built in the tests, written as Excel or CSV the way Japanese offices write them.

The headers are spelt out here rather than taken from tsunagu.ledger.mapping: they are the contract of
DOMAIN.md, and a change on the code's side should fail these tests.
"""

import csv
import io
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook

CASE_HEADER = [
    "ケース番号",
    "受付日",
    "氏名",
    "ふりがな",
    "生年月日",
    "年代",
    "性別",
    "市区町村",
    "初回相談者",
    "本人につながった日",
    "外出状況",
    "ひきこもり期間（月）",
    "8050世帯",
    "状態",
    "終結日",
]
CONTACT_HEADER = ["ケース番号", "日付", "方法", "相談者", "担当者", "所要時間（分）", "内容"]
REFERRAL_HEADER = ["ケース番号", "日付", "対象", "つなぎ先区分", "つなぎ先名称", "結果", "結果日"]
HEADERS = {"ケース": CASE_HEADER, "相談記録": CONTACT_HEADER, "つなぎ": REFERRAL_HEADER}


def case_row(
    number="2021-0001",
    opened="2021-04-05",
    name="山田 太郎",
    furigana="やまだ たろう",
    birth="1985-06-01",
    band="",
    sex="男性",
    municipality="",
    first="家族",
    reached="",
    outing="3",
    months="24",
    h8050="いいえ",
    status="支援中",
    closed="",
):
    return [
        number,
        opened,
        name,
        furigana,
        birth,
        band,
        sex,
        municipality,
        first,
        reached,
        outing,
        months,
        h8050,
        status,
        closed,
    ]


def contact_row(
    number="2021-0001",
    day="2021-04-05",
    channel="電話",
    consulter="家族",
    staff="佐藤",
    minutes="30",
    notes="母親から電話",
):
    return [number, day, channel, consulter, staff, minutes, notes]


def referral_row(
    number="2021-0001",
    day="2021-06-01",
    target="本人",
    category="精神保健福祉センター",
    name="青海県精神保健福祉センター",
    result="調整中",
    result_on="",
):
    return [number, day, target, category, name, result, result_on]


def ledger(cases=(), contacts=(), referrals=()) -> dict[str, list[list]]:
    return {
        "ケース": [CASE_HEADER, *cases],
        "相談記録": [CONTACT_HEADER, *contacts],
        "つなぎ": [REFERRAL_HEADER, *referrals],
    }


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "cp932") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def csv_files(sheets: dict[str, list[list]], encoding: str = "cp932") -> list[tuple[str, bytes]]:
    return [(f"{name}.csv", csv_bytes(rows, encoding)) for name, rows in sheets.items()]


def xlsx_cells(data: bytes) -> dict[str, list[list]]:
    """Every cell of every sheet, as openpyxl reads it; rows padded to the header's width."""
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        sheets = {}
        for name in workbook.sheetnames:
            rows = [list(row) for row in workbook[name].iter_rows(values_only=True)]
            width = len(rows[0]) if rows else 0
            sheets[name] = [row + [None] * (width - len(row)) for row in rows]
        return sheets
    finally:
        workbook.close()


CHANNELS = ["電話", "メール", "来所", "訪問", "同行", "Web", "SNS", "オンライン"]
CONSULTERS = ["本人", "家族", "関係機関", "その他"]


def big_ledger(cases: int, contacts_per_case: int, municipalities: list[str]) -> dict[str, list[list]]:
    """A deterministic ledger of `cases` cases with `contacts_per_case` contacts each and a referral for
    every fifth case (the timing measurement in the report uses 10,000 × 5)."""
    start = date(2019, 4, 1)
    case_rows, contact_rows, referral_rows = [], [], []
    for i in range(cases):
        number = f"L{i:06d}"
        opened = start + timedelta(days=i % 1500)
        case_rows.append(
            case_row(
                number=number,
                opened=opened.isoformat(),
                name=f"利用者 {i}",
                furigana=f"りようしゃ {i}",
                birth=date(1970 + i % 30, 1 + i % 12, 1 + i % 28).isoformat(),
                sex=["男性", "女性"][i % 2],
                municipality=municipalities[i % len(municipalities)] if municipalities else "",
                first=CONSULTERS[i % 4],
                outing=str(1 + i % 4),
                months=str(i % 120),
                status=["受付", "支援中", "終結"][i % 3],
                closed=(opened + timedelta(days=200)).isoformat() if i % 3 == 2 else "",
            )
        )
        for k in range(contacts_per_case):
            contact_rows.append(
                contact_row(
                    number=number,
                    day=(opened + timedelta(days=7 * k)).isoformat(),
                    channel=CHANNELS[(i + k) % 8],
                    consulter=CONSULTERS[(i + k) % 4],
                    staff=f"相談員{k % 7}",
                    minutes=str(10 + (i * k) % 90),
                    notes=f"{number} の{k + 1}回目の相談",
                )
            )
        if i % 5 == 0:
            referral_rows.append(
                referral_row(
                    number=number,
                    day=(opened + timedelta(days=30)).isoformat(),
                    result="支援決定",
                    result_on=(opened + timedelta(days=60)).isoformat(),
                )
            )
    return ledger(case_rows, contact_rows, referral_rows)
