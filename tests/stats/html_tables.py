"""Reads the tables of a statistics page back into lists of cell texts, keyed by data-testid, so tests
assert figures rather than markup."""

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None
        self._skip = 0  # inside <caption>: its note is not a cell

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("data-testid"):
            self._table = self.tables.setdefault(attrs["data-testid"].removeprefix("table-"), [])
        elif self._table is not None and tag == "caption":
            self._skip += 1
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._skip:
            self._skip -= 1
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """{"by_channel": [["方法", "件数", "割合（%）"], ["電話", "2", "40.0"], ...], ...}"""
    parser = _Tables()
    parser.feed(html)
    return parser.tables
