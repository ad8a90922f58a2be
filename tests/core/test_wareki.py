from datetime import date, datetime, timedelta

import pytest
from django.utils import translation

from tsunagu.core.wareki import (
    ERAS,
    DateParseError,
    age_on,
    era_of,
    fiscal_year,
    fiscal_year_label,
    fiscal_year_label_both,
    fiscal_year_range,
    fiscal_year_span_label,
    format_date,
    half_year_range,
    parse_date,
)

FORMAT_HELP = "日付の形式が読み取れません（例: 2021/4/5、R3.4.5、令和3年4月5日）"


# --- era table -----------------------------------------------------------------


def test_era_table():
    assert [(e.name, e.abbr, e.start) for e in ERAS] == [
        ("明治", "M", date(1868, 10, 23)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]
    assert [e.end for e in ERAS] == [
        date(1912, 7, 29),
        date(1926, 12, 24),
        date(1989, 1, 7),
        date(2019, 4, 30),
        None,
    ]


# --- fiscal years --------------------------------------------------------------


@pytest.mark.parametrize(
    "d, fy",
    [
        (date(2022, 3, 31), 2021),
        (date(2022, 4, 1), 2022),
        (date(2022, 1, 1), 2021),
        (date(2021, 12, 31), 2021),
        (date(2019, 4, 1), 2019),
        (datetime(2022, 3, 31, 23, 59), 2021),
    ],
)
def test_fiscal_year(d, fy):
    assert fiscal_year(d) == fy


def test_fiscal_year_range():
    assert fiscal_year_range(2021) == (date(2021, 4, 1), date(2022, 3, 31))
    # FY2023 ends in a leap year; the end is still March 31.
    assert fiscal_year_range(2023) == (date(2023, 4, 1), date(2024, 3, 31))


def test_fiscal_year_range_agrees_with_fiscal_year():
    start, end = fiscal_year_range(2021)
    assert fiscal_year(start) == fiscal_year(end) == 2021
    assert fiscal_year(start - timedelta(days=1)) == 2020
    assert fiscal_year(end + timedelta(days=1)) == 2022


def test_half_year_range():
    assert half_year_range(2021, 1) == (date(2021, 4, 1), date(2021, 9, 30))
    assert half_year_range(2021, 2) == (date(2021, 10, 1), date(2022, 3, 31))


@pytest.mark.parametrize("half", [0, 3, "1"])
def test_half_year_range_rejects_bad_half(half):
    with pytest.raises(ValueError):
        half_year_range(2021, half)


# --- era_of ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, name, year",
    [
        (date(1868, 10, 23), "明治", 1),
        (date(1912, 7, 29), "明治", 45),
        (date(1912, 7, 30), "大正", 1),
        (date(1926, 12, 24), "大正", 15),
        (date(1926, 12, 25), "昭和", 1),
        (date(1927, 1, 1), "昭和", 2),
        (date(1989, 1, 7), "昭和", 64),
        (date(1989, 1, 8), "平成", 1),
        (date(2019, 4, 30), "平成", 31),
        (date(2019, 5, 1), "令和", 1),
        (date(2021, 4, 5), "令和", 3),
        (datetime(2019, 5, 1, 0, 0), "令和", 1),
    ],
)
def test_era_of(d, name, year):
    era, era_year = era_of(d)
    assert (era.name, era_year) == (name, year)


def test_era_of_before_meiji():
    with pytest.raises(ValueError):
        era_of(date(1868, 10, 22))


# --- format_date ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, long, short",
    [
        (date(2021, 4, 5), "令和3年4月5日", "R3.4.5"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
        (date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
    ],
)
def test_format_date(d, long, short):
    assert format_date(d) == long
    assert format_date(d, style="long") == long
    assert format_date(d, style="short") == short


@pytest.mark.parametrize(
    "d, long, short",
    [(date(645, 12, 2), "645年12月2日", "0645-12-02"), (date(1868, 10, 22), "1868年10月22日", "1868-10-22")],
)
def test_format_date_before_the_era_table_falls_back_to_western(d, long, short):
    assert format_date(d) == long
    assert format_date(d, style="short") == short


def test_fiscal_year_label_before_the_era_table_falls_back_to_western():
    assert fiscal_year_label(645) == "645年度"
    assert fiscal_year_label(645, "short") == "645"
    assert fiscal_year_label_both(645) == "645年度"


def test_format_date_unknown_style():
    with pytest.raises(ValueError):
        format_date(date(2021, 4, 5), style="medium")


# --- fiscal year labels --------------------------------------------------------------


@pytest.mark.parametrize(
    "fy, long, short",
    [
        (2021, "令和3年度", "R3"),
        (2020, "令和2年度", "R2"),
        (2019, "令和元年度", "R元"),
        (2018, "平成30年度", "H30"),
        (1989, "平成元年度", "H元"),
        (1988, "昭和63年度", "S63"),
        (1926, "昭和元年度", "S元"),
        (1925, "大正14年度", "T14"),
    ],
)
def test_fiscal_year_label(fy, long, short):
    assert fiscal_year_label(fy) == long
    assert fiscal_year_label(fy, style="short") == short


def test_fiscal_year_label_both():
    assert fiscal_year_label_both(2021) == "2021年度（令和3年度）"
    assert fiscal_year_label_both(2019) == "2019年度（令和元年度）"


@pytest.mark.parametrize(
    "fy, label",
    [(2024, "FY2024 (Reiwa 6)"), (2019, "FY2019 (Reiwa 1)"), (2018, "FY2018 (Heisei 30)"), (645, "FY645")],
)
def test_the_english_interface_names_a_fiscal_year_by_its_western_year_and_era(fy, label):
    with translation.override("en"):
        assert (fiscal_year_label(fy), fiscal_year_label_both(fy)) == (label, label)
        assert fiscal_year_label(2024, "short") == "R6"  # the column headings' abbreviation is the same


def test_a_span_of_fiscal_years():
    assert fiscal_year_span_label(2019, 2022) == "令和元年度〜令和4年度（2019〜2022年度）"
    with translation.override("en"):
        assert fiscal_year_span_label(2019, 2022) == "FY2019–FY2022 (Reiwa 1–4)"
        assert fiscal_year_span_label(2017, 2020) == "FY2017–FY2020 (Heisei 29–Reiwa 2)"


def test_fiscal_year_label_unknown_style():
    with pytest.raises(ValueError):
        fiscal_year_label(2021, style="medium")


# --- parse_date: accepted input --------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2021/4/5", date(2021, 4, 5)),
        ("2021-04-05", date(2021, 4, 5)),
        ("2021.4.5", date(2021, 4, 5)),
        ("2021年4月5日", date(2021, 4, 5)),
        ("R3.4.5", date(2021, 4, 5)),
        ("R3/4/5", date(2021, 4, 5)),
        ("r3.4.5", date(2021, 4, 5)),
        ("R3-4-5", date(2021, 4, 5)),
        ("令和3年4月5日", date(2021, 4, 5)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("S64.1.7", date(1989, 1, 7)),
        ("H1.1.8", date(1989, 1, 8)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("S1.12.25", date(1926, 12, 25)),
        ("T15.12.24", date(1926, 12, 24)),
        ("M45.7.29", date(1912, 7, 29)),
        ("Ｒ３．４．５", date(2021, 4, 5)),
        ("２０２１／４／５", date(2021, 4, 5)),
        ("令和３年４月５日", date(2021, 4, 5)),
        ("  2021/4/5  ", date(2021, 4, 5)),
        ("\u3000R3.4.5\u3000", date(2021, 4, 5)),
        ("2021-04-05 00:00:00", date(2021, 4, 5)),
        ("2021-04-05T00:00:00", date(2021, 4, 5)),
        ("2021/4/5 0:00", date(2021, 4, 5)),
        ("2020/2/29", date(2020, 2, 29)),
        ("R2.2.29", date(2020, 2, 29)),
        # issue 9: the spellings people type
        ("2024-04-05", date(2024, 4, 5)),
        ("2024/4/5", date(2024, 4, 5)),
        ("R6.4.5", date(2024, 4, 5)),
        ("令和6年4月5日", date(2024, 4, 5)),
        ("平成元年5月1日", date(1989, 5, 1)),
        ("Ｒ６．４．５", date(2024, 4, 5)),
        ("２０２４－０４－０５", date(2024, 4, 5)),
        ("2024 / 4 / 5", date(2024, 4, 5)),
        ("R6. 4. 5", date(2024, 4, 5)),
        ("R 6.4.5", date(2024, 4, 5)),
        ("令和 6 年 4 月 5 日", date(2024, 4, 5)),
        ("令和６年\u30004月\u30005日", date(2024, 4, 5)),
        ("20240405", date(2024, 4, 5)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


# --- parse_date: rejected input ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("R3.2.30", "「R3.2.30」は日付として正しくありません（2月30日は存在しません）"),
        ("2021/2/29", "「2021/2/29」は日付として正しくありません（2月29日は存在しません）"),
        ("2021/13/1", "「2021/13/1」は日付として正しくありません（13月は存在しません）"),
        ("2021/4/0", "「2021/4/0」は日付として正しくありません（4月0日は存在しません）"),
        ("Ｒ３．２．３０", "「Ｒ３．２．３０」は日付として正しくありません（2月30日は存在しません）"),
        ("H32.1.1", "平成32年は存在しません（平成は31年4月30日まで）"),
        ("H31.5.1", "平成31年5月1日は存在しません（平成は31年4月30日まで）"),
        ("S65.1.1", "昭和65年は存在しません（昭和は64年1月7日まで）"),
        ("S64.1.8", "昭和64年1月8日は存在しません（昭和は64年1月7日まで）"),
        ("R1.4.30", "令和1年4月30日は令和の始まり（2019年5月1日）より前です"),
        ("令和元年4月30日", "令和1年4月30日は令和の始まり（2019年5月1日）より前です"),
        ("H1.1.7", "平成1年1月7日は平成の始まり（1989年1月8日）より前です"),
        ("R0.5.1", "令和0年は存在しません（和暦は元年（1年）から数えます）"),
        ("", FORMAT_HELP),
        ("   ", FORMAT_HELP),
        ("abc", FORMAT_HELP),
        ("2021/4", FORMAT_HELP),
        ("2021/4-5", FORMAT_HELP),
        ("X3.4.5", FORMAT_HELP),
        ("21/4/5", FORMAT_HELP),
    ],
)
def test_parse_date_errors(text, message):
    with pytest.raises(DateParseError) as excinfo:
        parse_date(text)
    assert str(excinfo.value) == message
    assert excinfo.value.text == text.strip()


def test_date_parse_error_is_value_error():
    with pytest.raises(ValueError):
        parse_date("abc")


# --- round trips --------------------------------------------------------------------


def _every_37th_day(start=date(1927, 1, 1), end=date(2030, 12, 31)):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=37)


def test_round_trip_short_and_long():
    days = list(_every_37th_day())
    assert len(days) > 1000
    for d in days:
        assert parse_date(format_date(d, style="short")) == d
        assert parse_date(format_date(d, style="long")) == d


@pytest.mark.parametrize(
    "d",
    [date(1926, 12, 24), date(1926, 12, 25), date(1989, 1, 7), date(1989, 1, 8), date(2019, 4, 30), date(2019, 5, 1)],
)
def test_round_trip_at_era_boundaries(d):
    assert parse_date(format_date(d, style="short")) == d
    assert parse_date(format_date(d, style="long")) == d


# --- age_on ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "birth, on, age",
    [
        (date(2000, 4, 5), date(2021, 4, 4), 20),
        (date(2000, 4, 5), date(2021, 4, 5), 21),
        (date(2000, 4, 5), date(2000, 4, 5), 0),
        (date(2000, 12, 31), date(2001, 1, 1), 0),
        # Feb 29 birthdays: Mar 1 in non-leap years, Feb 29 in leap years.
        (date(2004, 2, 29), date(2021, 2, 28), 16),
        (date(2004, 2, 29), date(2021, 3, 1), 17),
        (date(2004, 2, 29), date(2024, 2, 28), 19),
        (date(2004, 2, 29), date(2024, 2, 29), 20),
    ],
)
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age


def test_age_on_before_birth():
    with pytest.raises(ValueError):
        age_on(date(2000, 4, 5), date(2000, 4, 4))
