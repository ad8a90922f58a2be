"""import → export → import round-trips exactly, for records entered in tsunagu and for awkward cells."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from tsunagu.audit.models import AuditEntry
from tsunagu.cases import actions
from tsunagu.cases.domain import CONTACT_LIMITS
from tsunagu.cases.models import Case, Channel, Consulter, Contact, ReferralStatus, ReferralTarget, Status
from tsunagu.core.exporting import neutralise, unneutralise
from tsunagu.ledger.exporting import export_ledger
from tsunagu.orgs.models import OrgKind, PartnerCategory, Role

from ..factories import SYSTEM, make_org, make_staff, make_user, public_code
from .builders import case_row, contact_row, ledger, referral_row, xlsx_cells
from .conftest import run_import

AWKWARD_NOTES = [
    "=SUM(A1)",
    "-5",
    "+81 90 1234 5678",
    "@home",
    "'=x",
    "R3.4.5 に電話",
    "1行目\n2行目",
    "-",
    "普通のメモ",
]


@pytest.fixture
def ledger_data(org, tree):
    """Records typed into tsunagu (a staff member, a partner, アセスメント) and imported ones."""
    other_pref = make_org(OrgKind.PREFECTURE, tree["pref"].parent, code="980005", name="緑川県")
    namesake = make_org(OrgKind.MUNICIPALITY, other_pref, code=public_code("98201"), name="青海市")
    staff = make_user("sato", first_name="佐藤 花子")
    make_staff(org, Role.COORDINATOR, user=staff)  # a contact's 担当者 works in the organisation
    partner = make_org(
        OrgKind.PARTNER, tree["city"], code="99P09", name="青海県精神保健福祉センター", category="精神保健福祉センター"
    )
    case = actions.open_case(
        actor=SYSTEM,
        organisation=org,
        number="2022-0001",
        opened_on=date(2022, 4, 1),
        name='=HYPERLINK("x")',
        furigana="やまだ",
        birth_date=date(1980, 2, 29),
        municipality=namesake,
        household_8050=False,
        outing_level=2,
        address="青海市本町1-2-3",
        phone="090-1234-5678",
    )
    actions.change_status(actor=SYSTEM, case=case, status=Status.ASSESSMENT, on=date(2022, 4, 2))
    for i, notes in enumerate(AWKWARD_NOTES):
        actions.log_contact(
            actor=SYSTEM,
            case=case,
            date=date(2022, 4, 1 + i),
            channel=Channel.PHONE,
            consulter=Consulter.FAMILY,
            consulter_relation="母" if i == 3 else "",
            staff=staff,
            minutes=i * 10 or None,
            notes=notes,
        )
    actions.refer(actor=SYSTEM, case=case, date=date(2022, 5, 1), target=ReferralTarget.PERSON, partner=partner)
    actions.refer(
        actor=SYSTEM,
        case=case,
        date=date(2022, 5, 2),
        target=ReferralTarget.FAMILY,
        to_ibasho=True,
        partner_name="居場所ひなた",
        status=ReferralStatus.FAILED,
        result_on=date(2022, 5, 3),
    )
    result = run_import(
        org,
        ledger(
            [
                case_row(number="2021-0001", municipality="青海市", h8050="はい", band="40代", birth=""),
                case_row(number="2021-0002", status="終結", closed="2022-01-31", h8050="", name="", furigana=""),
            ],
            [
                contact_row(number="2021-0001"),
                contact_row(number="2021-0001"),
                contact_row(number="2021-0002", channel="オンライン", consulter="本人", staff="", minutes="", notes=""),
            ],
            [
                referral_row(
                    number="2021-0001", category="ハローワーク", name="", result="不成立", result_on="2021-06-05"
                )
            ],
        ),
    )
    assert result.ok, result.errors
    return {"case": case, "staff": staff}


def export_xlsx(org) -> bytes:
    data, _counts = export_ledger(actor=SYSTEM, organisation=org, format="xlsx")
    return data


def test_xlsx_round_trip_is_exact_cell_by_cell(org, tree, ledger_data):
    first = export_xlsx(org)
    result = run_import(tree["fresh"], files=[("台帳.xlsx", first)])
    assert result.ok, result.errors
    second = export_xlsx(tree["fresh"])
    first_cells, second_cells = xlsx_cells(first), xlsx_cells(second)
    assert list(first_cells) == ["ケース", "相談記録", "つなぎ"]
    assert [len(rows) for rows in first_cells.values()] == [1 + 3, 1 + 12, 1 + 3]
    assert first_cells == second_cells
    # And back into the organisation it came from: every row is already there.
    again = run_import(org, files=[("台帳.xlsx", first)])
    assert again.counts == {
        "cases_created": 0,
        "cases_updated": 0,
        "cases_unchanged": 3,
        "contacts_created": 0,
        "contacts_unchanged": 12,
        "referrals_created": 0,
        "referrals_updated": 0,
        "referrals_unchanged": 3,
    }


def test_the_export_writes_the_standard_columns_and_labels(org, ledger_data):
    cells = xlsx_cells(export_xlsx(org))
    assert cells["ケース"][0] == [
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
        "住所",
        "電話",
    ]
    assert cells["相談記録"][0][3:5] == ["相談者", "相談者（続柄）"]
    from datetime import datetime

    # The namesake city of another prefecture is written by its code, which reads back to it.
    assert cells["ケース"][3] == [
        "2022-0001",
        datetime(2022, 4, 1),
        '=HYPERLINK("x")',
        "やまだ",
        datetime(1980, 2, 29),
        "不明",
        "不明",
        public_code("98201"),
        "家族",
        None,
        2,
        None,
        "いいえ",
        "アセスメント",
        None,
        "青海市本町1-2-3",
        "090-1234-5678",
    ]
    assert cells["ケース"][1][7] == "青海市"
    assert cells["相談記録"][4] == [
        "2022-0001",
        datetime(2022, 4, 1),
        "電話",
        "家族",
        None,
        "佐藤 花子",
        None,
        "=SUM(A1)",
    ]
    assert [row[4] for row in cells["相談記録"][4:]].count("母") == 1
    assert cells["つなぎ"][1:] == [
        ["2021-0001", datetime(2021, 6, 1), "本人", "ハローワーク", None, "不成立", datetime(2021, 6, 5)],
        ["2022-0001", datetime(2022, 5, 1), "本人", "精神保健福祉センター", "青海県精神保健福祉センター", None, None],
        ["2022-0001", datetime(2022, 5, 2), "家族", "居場所", "居場所ひなた", "不成立", datetime(2022, 5, 3)],
    ]


def test_xlsx_text_that_looks_like_a_formula_stays_text(org, ledger_data):
    workbook = load_workbook(io.BytesIO(export_xlsx(org)))
    cell = workbook["ケース"]["C4"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")


def test_csv_round_trip_is_exact_byte_by_byte(org, tree, ledger_data):
    first, _counts = export_ledger(actor=SYSTEM, organisation=org, format="csv")
    assert list(first) == ["ケース.csv", "相談記録.csv", "つなぎ.csv"]
    result = run_import(tree["fresh"], files=list(first.items()))
    assert result.ok, result.errors
    second, _counts = export_ledger(actor=SYSTEM, organisation=tree["fresh"], format="csv")
    assert first == second


def test_csv_is_utf8_with_bom_and_formulas_are_neutralised(org, ledger_data):
    files, _counts = export_ledger(actor=SYSTEM, organisation=org, format="csv")
    contacts = files["相談記録.csv"]
    assert contacts.startswith(b"\xef\xbb\xbf\xe3\x82\xb1")  # BOM, then ケ
    lines = contacts.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "ケース番号,日付,方法,相談者,相談者（続柄）,担当者,所要時間（分）,内容"
    notes = [line.rsplit(",", 1)[-1] for line in lines[4:12]]
    assert notes == ["'=SUM(A1)", "-5", "'+81 90 1234 5678", "'@home", "''=x", "R3.4.5 に電話", '"1行目\n2行目"', "'-"]
    assert "'=HYPERLINK" in files["ケース.csv"].decode("utf-8-sig")


@pytest.mark.parametrize("text", AWKWARD_NOTES + ["''=x", "'plain", "-12.5", "-1+1", "+", "=", ""])
def test_neutralising_is_undone_exactly(text):
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize(
    "text,cell",
    [
        ("-5", "-5"),
        ("-12.5", "-12.5"),
        ("-1+1", "'-1+1"),
        ("R3.4.5", "R3.4.5"),
        ("令和3年4月5日", "令和3年4月5日"),
        ("@x", "'@x"),
        ("'=x", "''=x"),
    ],
)
def test_what_neutralising_touches(text, cell):
    assert neutralise(text) == cell


def test_export_is_audited_with_its_row_counts(org, ledger_data):
    export_xlsx(org)
    entry = AuditEntry.objects.get(action="ledger.export")
    assert (entry.organisation, entry.object_label, entry.changes) == (
        org,
        "99CENTER xlsx",
        {"ケース": [None, 3], "相談記録": [None, 12], "つなぎ": [None, 3]},
    )


def test_an_export_holds_only_the_organisations_own_cases(org, tree, ledger_data):
    run_import(tree["fresh"], ledger([case_row(number="FRESH-SECRET")]))
    cells = xlsx_cells(export_xlsx(org))
    assert "FRESH-SECRET" not in [row[0] for row in cells["ケース"]]
    assert PartnerCategory.objects.count() == 21


def test_the_longest_note_the_pages_accept_round_trips_import_export_import(org, tree):
    """A 40,000-character note used to save from the web, be cut at 32,767 by the XLSX export and
    make the CSV export refuse to import. One limit (cases.domain.CONTACT_LIMITS) now holds on all."""
    longest = "あ" * (CONTACT_LIMITS["notes"] - 1) + "終"
    sheets = ledger([case_row(number="L-1")], [contact_row(number="L-1", notes=longest)], [])
    assert run_import(org, sheets).ok
    for fmt in ("xlsx", "csv"):
        exported, _counts = export_ledger(actor=SYSTEM, organisation=org, format=fmt)
        files = list(exported.items()) if fmt == "csv" else [("台帳.xlsx", exported)]
        fresh = make_org(OrgKind.CENTER, tree["pref"], name=f"{fmt}のセンター")
        result = run_import(fresh, files=files)
        assert result.ok, result.errors
        assert Contact.objects.get(organisation=fresh).notes == longest
    case = Case.objects.get(organisation=org)
    with pytest.raises(ValidationError) as error:
        actions.log_contact(
            actor=SYSTEM,
            case=case,
            date=date(2021, 5, 1),
            channel=Channel.PHONE,
            consulter=Consulter.FAMILY,
            notes="あ" * 40_000,
        )
    assert error.value.message_dict == {"notes": ["16,000文字以内で入力してください（40,000文字あります）。"]}
    too_long = ledger([case_row(number="L-2")], [contact_row(number="L-2", notes=longest + "あ")], [])
    assert run_import(org, too_long).errors == [
        "「相談記録」シート 2行目「内容」: 16,000文字以内で入力してください（16,001文字あります）。"
    ]
