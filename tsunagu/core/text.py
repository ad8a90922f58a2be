"""Folding Japanese text for search: full-width/half-width and hiragana/katakana are the same letter."""

import re
import unicodedata

_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC (ｶﾅ→カナ, ＡＢ→AB), katakana→hiragana, lower case, no spaces: 'ヤマダ　タロウ' → 'やまだたろう'."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.translate(_KATAKANA_TO_HIRAGANA)
    return _SPACES.sub("", text).lower()
