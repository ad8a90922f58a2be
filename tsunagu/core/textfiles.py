"""CSV files that people send, read so that no file, however it was made, costs more than its own size or
answers with anything but a Japanese message that names it.

Japanese Excel saves 「CSV（コンマ区切り）」 in CP932 and 「CSV UTF-8」 with a BOM; both are read. What is
refused, with a message saying what the file is instead: an empty file, a workbook or zip renamed to .csv,
an old .xls or encrypted workbook (an OLE file), UTF-16 (Excel's 「Unicode テキスト」), a file with NUL
bytes (binary, whatever its name), an encoding that is neither UTF-8 nor CP932, and more cells than a
caller allows (counted before the csv module builds them).
"""

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class TextFileError(ValueError):
    """The file cannot be read as a CSV file; the message is for the person who sent it."""


def describe_binary(data: bytes, name: str) -> str | None:
    """What a file that is not text is, from its first bytes; None when it may be text."""
    if data.startswith(ZIP_SIGNATURE):
        return _("「%(name)s」はCSVではなく、Excelファイル（.xlsx）かZIPファイルです。") % {"name": name}
    if data.startswith(OLE_SIGNATURE):
        return _(
            "「%(name)s」はCSVではなく、Excelの古い形式（.xls）のファイルか、パスワードで保護されたExcelファイルです。"
        ) % {"name": name}
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _(
            "「%(name)s」はUTF-16（Excelの「Unicode テキスト」）で保存されています。"
            "「CSV UTF-8（コンマ区切り）」か「CSV（コンマ区切り）」で保存し直してください。"
        ) % {"name": name}
    nul = data.find(b"\0")
    if nul != -1:
        return _("「%(name)s」の%(line)d行目にNUL文字（0x00）があります。テキストのCSVファイルではないようです。") % {
            "name": name,
            "line": data.count(b"\n", 0, nul) + 1,
        }
    return None


def encoding_of(data: bytes, name: str) -> str:
    """UTF-8 with or without BOM, else CP932 (what Japanese Excel writes); refuses what is not text."""
    if not data:
        raise TextFileError(_("「%(name)s」は空のファイルです（0バイト）。") % {"name": name})
    problem = describe_binary(data, name)
    if problem:
        raise TextFileError(problem)
    # Decoded to see whether it can be, and let go: the records are decoded again as they are read, so
    # that the whole text and its cells are never in memory together.
    for encoding in ("utf-8-sig", "cp932"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError as error:
            failure = error
            continue
        return encoding
    raise TextFileError(
        _(
            "「%(name)s」の%(line)d行目の文字コードが読み取れません（UTF-8 または Shift_JIS（CP932）で保存してください）。"
        )
        % {"name": name, "line": data.count(b"\n", 0, failure.start) + 1}
    )


def records(data: bytes, name: str, *, max_cells: int) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) of each CSV record; a quoted cell keeps its line breaks, so the number is
    the row Excel shows. Refuses, before parsing, a file that could hold more than max_cells cells."""
    encoding = encoding_of(data, name)
    # Every comma and line break may start a cell: counted in C, before the csv module builds a list of
    # millions of empty strings out of a line of commas (neither byte is ever part of a CP932 character).
    if data.count(b",") + data.count(b"\n") > max_cells:
        raise TextFileError(
            _("「%(name)s」はセルが多すぎます（空のセルも含めて%(max)s個まで）。")
            % {"name": name, "max": f"{max_cells:,}"}
        )
    # The csv module refuses fields over 131,072 characters by default; no field can be longer than the
    # file, and the caller says which lengths are too long, on their cell.
    csv.field_size_limit(max(csv.field_size_limit(), len(data) + 1))
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error:
        raise TextFileError(
            _("「%(name)s」の%(row)d行目がCSVとして読めません。") % {"name": name, "row": number + 1}
        ) from None
