"""Organisation codes. Public bodies use the 6-digit 全国地方公共団体コード with its check digit."""

import re
import unicodedata

from django.utils.translation import gettext as _

OTHER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,19}$")


def check_digit(first_five: str) -> int:
    """The sixth digit of a local government code: weights 6..2, modulus 11, last digit of 11 - r."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


def normalise_code(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip()


def code_problem(code: str, *, public_body: bool) -> str | None:
    """None when the code is acceptable, otherwise a Japanese sentence saying what is wrong."""
    if public_body:
        if not re.fullmatch(r"\d{6}", code):
            return _("地方公共団体コードは6桁の数字です（例: 130001）。")
        if int(code[5]) != check_digit(code[:5]):
            return _("地方公共団体コード「%(code)s」の検査数字が合いません（6桁目は%(digit)sのはずです）。") % {
                "code": code,
                "digit": check_digit(code[:5]),
            }
        return None
    if not OTHER_CODE.match(code):
        return _("コードは2〜20文字の英数字・ハイフン・下線で、英数字で始めてください。")
    return None
