"""What an import writes: every column, the fields derived from them, the encodings and spellings
offices use, and idempotence."""

from datetime import date

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import (
    AgeBand,
    Case,
    Channel,
    Consulter,
    Contact,
    Referral,
    ReferralStatus,
    ReferralTarget,
    Sex,
    Status,
    StatusChange,
)
from tsunagu.orgs.models import PartnerCategory

from .builders import CASE_HEADER, CONTACT_HEADER, HEADERS, case_row, contact_row, csv_bytes, ledger, referral_row
from .conftest import run_import


def test_every_column_becomes_the_case_field(org, tree):
    result = run_import(
        org,
        ledger(
            [
                case_row(
                    number="2021-0001",
                    opened="2021-04-05",
                    name="山田 太郎",
                    furigana="ヤマダ タロウ",
                    birth="1985-06-01",
                    band="30代",
                    sex="男性",
                    municipality="青海市",
                    first="家族",
                    reached="2021-05-10",
                    outing="3",
                    months="24",
                    h8050="はい",
                    status="終結",
                    closed="2022-03-31",
                )
            ],
            [
                contact_row(
                    day="2021-04-05",
                    channel="電話",
                    consulter="家族",
                    staff="佐藤 花子",
                    minutes="30",
                    notes="母親から",
                )
            ],
            [
                referral_row(
                    day="2021-06-01",
                    target="本人",
                    category="精神保健福祉センター",
                    name="青海県精神保健福祉センター",
                    result="支援決定",
                    result_on="2021-06-20",
                ),
                referral_row(
                    day="2021-07-01", target="家族", category="居場所", name="居場所ひなた", result="", result_on=""
                ),
            ],
        ),
    )
    assert result.ok, result.errors
    case = Case.objects.get()
    assert (case.organisation, case.number, case.opened_on, case.name, case.furigana, case.birth_date) == (
        org,
        "2021-0001",
        date(2021, 4, 5),
        "山田 太郎",
        "ヤマダ タロウ",
        date(1985, 6, 1),
    )
    assert (case.age_band, case.sex, case.municipality, case.first_consulter, case.reached_on) == (
        AgeBand.THIRTIES,
        Sex.MALE,
        tree["city"],
        Consulter.FAMILY,
        date(2021, 5, 10),
    )
    assert (case.outing_level, case.duration_months, case.household_8050, case.status, case.closed_on) == (
        3,
        24,
        True,
        Status.CLOSED,
        date(2022, 3, 31),
    )
    contact = Contact.objects.get()
    assert (
        contact.case,
        contact.organisation,
        contact.date,
        contact.channel,
        contact.consulter,
        contact.staff,
        contact.staff_name,
        contact.minutes,
        contact.notes,
    ) == (case, org, date(2021, 4, 5), Channel.PHONE, Consulter.FAMILY, None, "佐藤 花子", 30, "母親から")
    decided, ibasho = Referral.objects.order_by("date")
    assert (
        decided.target,
        decided.category.name,
        decided.to_ibasho,
        decided.partner_name,
        decided.status,
        decided.result_on,
        decided.organisation,
        decided.partner,
    ) == (
        ReferralTarget.PERSON,
        "精神保健福祉センター",
        False,
        "青海県精神保健福祉センター",
        ReferralStatus.DECIDED,
        date(2021, 6, 20),
        org,
        None,
    )
    assert (ibasho.target, ibasho.category, ibasho.to_ibasho, ibasho.partner_name, ibasho.status, ibasho.result_on) == (
        ReferralTarget.FAMILY,
        None,
        True,
        "居場所ひなた",
        ReferralStatus.REQUESTED,
        None,
    )
    assert result.counts == {
        "cases_created": 1,
        "cases_updated": 0,
        "cases_unchanged": 0,
        "contacts_created": 1,
        "contacts_unchanged": 0,
        "referrals_created": 2,
        "referrals_updated": 0,
        "referrals_unchanged": 0,
    }


def test_derived_fields_are_kept_as_the_case_functions_keep_them(org):
    run_import(
        org,
        ledger(
            [
                case_row(
                    number="A",
                    name="ﾔﾏﾀﾞ　太郎",
                    furigana="やまだ たろう",
                    birth="2001-05-01",
                    status="支援中",
                    opened="2021-04-01",
                ),
                case_row(number="B", birth="", band="40代", status="受付", opened="2021-04-01"),
            ],
            [
                contact_row(number="A", day="2021-04-30"),
                contact_row(number="A", day="2021-05-01"),
                contact_row(number="A", day="2021-04-10"),
                contact_row(number="B", day="2021-06-01"),
            ],
        ),
    )
    a, b = Case.objects.get(number="A"), Case.objects.get(number="B")
    assert a.search_key == "やまだ太郎|やまだたろう"
    assert (a.first_contact_on, a.last_contact_on) == (date(2021, 4, 10), date(2021, 5, 1))
    # The person turned 20 on 2021-05-01: the band follows the person's age on each contact date.
    assert list(a.contacts.order_by("date").values_list("age_band", flat=True)) == ["10s", "10s", "20s"]
    assert list(b.contacts.values_list("age_band", flat=True)) == ["40s"]
    assert list(a.status_changes.values_list("status", "changed_on", "note")) == [
        ("intake", date(2021, 4, 1), "台帳の取込"),
        ("support", date(2021, 4, 1), "台帳の取込"),
    ]
    assert list(b.status_changes.values_list("status", flat=True)) == ["intake"]


def test_cp932_csv_with_full_width_digits_wareki_and_half_width_kana(org, tree):
    sheets = {
        "ケース": [
            CASE_HEADER,
            case_row(
                number="２０２１－０００１",
                opened="令和３年４月５日",
                birth="Ｓ６０．６．１",
                sex="女性",
                municipality="９９２０１１",
                outing="３",
                months="１２",
                status="支援中",
                h8050="はい",
                first="本人",
            ),
        ],
        "相談記録": [
            CONTACT_HEADER,
            contact_row(
                number="２０２１－０００１",
                day="Ｒ３．４．５",
                channel="ﾒｰﾙ",
                consulter="本人",
                minutes="４５",
                staff="ｻﾄｳ",
            ),
        ],
    }
    result = run_import(org, sheets, csv_encoding="cp932")
    assert result.ok, result.errors
    case = Case.objects.get()
    assert (
        case.number,
        case.opened_on,
        case.birth_date,
        case.municipality,
        case.outing_level,
        case.duration_months,
    ) == ("2021-0001", date(2021, 4, 5), date(1985, 6, 1), tree["city"], 3, 12)
    contact = case.contacts.get()
    assert (contact.date, contact.channel, contact.minutes, contact.staff_name) == (
        date(2021, 4, 5),
        Channel.EMAIL,
        45,
        "ｻﾄｳ",
    )


def test_utf8_with_bom_and_a_referral_file(org):
    files = [
        (f"{name}.csv", b"\xef\xbb\xbf" + csv_bytes(rows, "utf-8"))
        for name, rows in ledger(
            [case_row()],
            [contact_row(channel="ＳＮＳ")],
            [referral_row(category="ハローワーク", name="ハローワーク青海")],
        ).items()
    ]
    result = run_import(org, files=files)
    assert result.ok, result.errors
    assert Contact.objects.get().channel == Channel.SNS
    assert Referral.objects.get().category == PartnerCategory.objects.get(name="ハローワーク")


def test_excel_dates_and_numbers_as_openpyxl_gives_them(org):
    from datetime import datetime

    row = case_row(opened=datetime(2021, 4, 5), birth=datetime(1990, 1, 2), outing=2, months=6.0)
    result = run_import(org, ledger([row], [contact_row(day=datetime(2021, 4, 6), minutes=15)]))
    assert result.ok, result.errors
    case = Case.objects.get()
    assert (case.opened_on, case.birth_date, case.outing_level, case.duration_months) == (
        date(2021, 4, 5),
        date(1990, 1, 2),
        2,
        6,
    )
    assert (case.contacts.get().date, case.contacts.get().minutes) == (date(2021, 4, 6), 15)


def test_blank_optional_cells_take_the_defaults(org):
    run_import(org, ledger([["2021-0009", "2021-04-05"] + [""] * 13]))
    case = Case.objects.get()
    assert (
        case.name,
        case.birth_date,
        case.age_band,
        case.sex,
        case.municipality,
        case.first_consulter,
        case.outing_level,
        case.household_8050,
        case.status,
    ) == ("", None, AgeBand.UNKNOWN, Sex.UNKNOWN, None, Consulter.FAMILY, None, None, Status.INTAKE)


def test_importing_the_same_file_twice_changes_nothing(org):
    sheets = ledger(
        [case_row(number="A"), case_row(number="B", status="終結", closed="2022-01-01")],
        [contact_row(number="A"), contact_row(number="A"), contact_row(number="B", channel="訪問")],
        [referral_row(number="A"), referral_row(number="A")],
    )
    run_import(org, sheets)
    before = (
        list(Case.objects.values_list("id", "version", "updated_at").order_by("id")),
        Contact.objects.count(),
        Referral.objects.count(),
        StatusChange.objects.count(),
        AuditEntry.objects.count(),
    )
    result = run_import(org, sheets)
    assert result.counts == {
        "cases_created": 0,
        "cases_updated": 0,
        "cases_unchanged": 2,
        "contacts_created": 0,
        "contacts_unchanged": 3,
        "referrals_created": 0,
        "referrals_updated": 0,
        "referrals_unchanged": 2,
    }
    after = (
        list(Case.objects.values_list("id", "version", "updated_at").order_by("id")),
        Contact.objects.count(),
        Referral.objects.count(),
        StatusChange.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after[:4] == before[:4]
    # The audit trail gains exactly one entry: the import itself, saying nothing changed.
    assert after[4] == before[4] + 1
    entry = AuditEntry.objects.filter(action="ledger.import").latest("id")
    assert entry.changes["cases_created"] == [None, 0] and entry.changes["contacts_created"] == [None, 0]


def test_identical_contacts_are_counted_as_a_multiset(org):
    call = contact_row(number="A", day="2021-05-01", notes="同じ内容")
    run_import(org, ledger([case_row(number="A")], [call, call]))
    assert Contact.objects.count() == 2
    result = run_import(org, ledger([case_row(number="A")], [call, call, call]))
    assert (result.counts["contacts_created"], result.counts["contacts_unchanged"]) == (1, 2)
    assert Contact.objects.count() == 3


def test_a_changed_case_row_updates_the_case(org):
    run_import(
        org,
        ledger(
            [case_row(number="A", name="山田 太郎", birth="1985-06-01", status="支援中")],
            [contact_row(number="A", day="2021-04-05")],
        ),
    )
    case = Case.objects.get()
    version = case.version
    result = run_import(
        org, ledger([case_row(number="A", name="山田 一郎", birth="1995-06-01", status="終結", closed="2022-03-31")])
    )
    assert (result.counts["cases_updated"], result.counts["cases_unchanged"]) == (1, 0)
    case.refresh_from_db()
    assert (case.name, case.birth_date, case.status, case.closed_on, case.version) == (
        "山田 一郎",
        date(1995, 6, 1),
        Status.CLOSED,
        date(2022, 3, 31),
        version + 1,
    )
    assert case.search_key == "山田一郎|やまだたろう"
    # The earlier contact's band follows the new birth date.
    assert case.contacts.get().age_band == AgeBand.TWENTIES
    assert list(case.status_changes.values_list("status", "changed_on")) == [
        ("intake", date(2021, 4, 5)),
        ("support", date(2021, 4, 5)),
        ("closed", date(2022, 3, 31)),
    ]
    entry = AuditEntry.objects.get(action="ledger.case_update")
    assert entry.object_id == str(case.pk)
    assert entry.changes == {
        "birth_date": ["***", "***"],
        "closed_on": [None, "2022-03-31"],
        "name": ["***", "***"],
        "status": ["support", "closed"],
    }


def test_a_sheet_without_an_optional_column_leaves_that_field_alone(org):
    run_import(org, ledger([case_row(number="A", outing="4", months="36")]))
    header = [h for h in HEADERS["ケース"] if h not in ("外出状況", "ひきこもり期間（月）")]
    row = [cell for h, cell in zip(HEADERS["ケース"], case_row(number="A", outing="", months="")) if h in header]
    result = run_import(org, {"ケース": [header, row], "相談記録": [HEADERS["相談記録"]]})
    assert result.counts["cases_unchanged"] == 1
    assert Case.objects.values_list("outing_level", "duration_months").get() == (4, 36)


def test_a_changed_referral_result_updates_the_referral(org):
    run_import(org, ledger([case_row(number="A")], [], [referral_row(number="A", result="調整中")]))
    referral = Referral.objects.get()
    result = run_import(
        org, ledger([case_row(number="A")], [], [referral_row(number="A", result="支援決定", result_on="2021-06-30")])
    )
    assert (result.counts["referrals_updated"], result.counts["referrals_created"]) == (1, 0)
    referral.refresh_from_db()
    assert (referral.status, referral.result_on, referral.version) == (ReferralStatus.DECIDED, date(2021, 6, 30), 2)
    entry = AuditEntry.objects.filter(action="ledger.case_update").get()
    assert entry.changes == {"referrals_updated": [None, 1]}


def test_contacts_may_name_a_case_already_in_the_organisation(org):
    run_import(org, ledger([case_row(number="A", opened="2021-04-01")], [contact_row(number="A", day="2021-04-02")]))
    result = run_import(org, ledger([], [contact_row(number="A", day="2021-04-20", notes="追加")]))
    assert result.counts["contacts_created"] == 1
    case = Case.objects.get()
    assert (case.first_contact_on, case.last_contact_on) == (date(2021, 4, 2), date(2021, 4, 20))


def test_case_numbers_belong_to_the_importing_organisation(org, tree):
    run_import(tree["fresh"], ledger([case_row(number="A")]))
    result = run_import(org, ledger([], [contact_row(number="A")]))
    assert result.errors == [
        "「相談記録」シート 2行目「ケース番号」: 「A」はケースシートにもこの組織のケースにもありません"
    ]
    result = run_import(org, ledger([case_row(number="A")]))
    assert result.counts["cases_created"] == 1
    assert Case.objects.filter(number="A").count() == 2


def test_each_case_written_gets_an_audit_entry_and_the_import_one_summary(org):
    run_import(org, ledger([case_row(number="A"), case_row(number="B")], [contact_row(number="A")]))
    entries = AuditEntry.objects.filter(action="ledger.case_create").order_by("object_label")
    assert [(e.object_label, e.username, e.organisation) for e in entries] == [
        ("A", "system:tests", org),
        ("B", "system:tests", org),
    ]
    assert entries[0].changes["name"] == ["***", "***"] and entries[0].changes["contacts_added"] == [None, 1]
    summary = AuditEntry.objects.get(action="ledger.import")
    assert summary.object_label == "台帳.xlsx"
    assert summary.changes == {
        "rows": [None, 3],
        "cases_created": [None, 2],
        "cases_updated": [None, 0],
        "cases_unchanged": [None, 0],
        "contacts_created": [None, 1],
        "contacts_unchanged": [None, 0],
        "referrals_created": [None, 0],
        "referrals_updated": [None, 0],
        "referrals_unchanged": [None, 0],
    }


def test_unknown_columns_are_reported_not_imported(org):
    sheets = ledger([case_row() + ["メモ"]])
    sheets["ケース"][0] = CASE_HEADER + ["備考"]
    result = run_import(org, sheets)
    assert result.ignored_columns == ["ケース:備考"]
    assert result.summary().endswith("（取り込まなかった列: ケース:備考）")


def test_a_minimal_ledger_of_the_required_columns_only(org):
    result = run_import(
        org,
        {
            "ケース": [["ケース番号", "受付日"], ["M-1", "R6.4.1"]],
            "相談記録": [["ケース番号", "日付", "方法", "相談者"], ["M-1", "R6.4.2", "来所", "本人"]],
        },
    )
    assert result.ok, result.errors
    case = Case.objects.get()
    assert (case.number, case.opened_on, case.name, case.search_key, case.status) == (
        "M-1",
        date(2024, 4, 1),
        "",
        "|",
        Status.INTAKE,
    )
    assert case.contacts.get().channel == Channel.VISIT_OFFICE


def test_contacts_and_referrals_are_matched_on_the_columns_the_file_has(org):
    run_import(
        org,
        ledger(
            [case_row(number="A")],
            [contact_row(number="A", staff="佐藤", notes="詳しい内容")],
            [referral_row(number="A", result="支援決定", result_on="2021-06-10")],
        ),
    )
    short = {
        "ケース": [["ケース番号", "受付日"], ["A", "2021-04-05"]],
        "相談記録": [["ケース番号", "日付", "方法", "相談者"], ["A", "2021-04-05", "電話", "家族"]],
        "つなぎ": [["ケース番号", "日付", "対象", "つなぎ先区分"], ["A", "2021-06-01", "本人", "精神保健福祉センター"]],
    }
    result = run_import(org, short)
    assert result.counts == {
        "cases_created": 0,
        "cases_updated": 0,
        "cases_unchanged": 1,
        "contacts_created": 0,
        "contacts_unchanged": 1,
        "referrals_created": 0,
        "referrals_updated": 0,
        "referrals_unchanged": 1,
    }
    assert Referral.objects.values_list("status", "result_on", "partner_name").get() == (
        ReferralStatus.DECIDED,
        date(2021, 6, 10),
        "青海県精神保健福祉センター",
    )
