"""Hostile ledger files, built in code and small on disk: zip bombs, XML entity tricks, formulas without
values, broken and disguised containers. The benchmark `bench/ledger_bombs.py` builds its files here too.

A workbook is written by hand, part by part, so that a test can replace one part or lie about it in the
zip's directory; `deflate_repeated` makes a part that expands to gigabytes from a few kilobytes without
ever holding the expanded bytes.
"""

import struct
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from .builders import case_row, contact_row, ledger

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MB = 1024 * 1024
GB = 1024 * MB
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Member:
    """One file inside a zip, as its directory describes it (which a hostile file may get wrong)."""

    name: str
    data: bytes  # as stored: already compressed when method is 8
    size: int  # the uncompressed size the directory declares
    crc: int = 0
    method: int = 8  # 0 stored, 8 deflated
    flags: int = 0  # bit 0: encrypted


def member(name: str, content: bytes, method: int = 8) -> Member:
    data = raw_deflate(content) if method == 8 else content
    return Member(name, data, len(content), zlib.crc32(content), method)


def raw_deflate(content: bytes) -> bytes:
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


def deflate_repeated(head: bytes, block: bytes, times: int, tail: bytes, *, crc: bool = False) -> tuple[bytes, int]:
    """A deflate stream of head + block × times + tail, and its CRC-32 when asked (it takes reading
    every expanded byte; a file refused before it is expanded never gets that far). After a full
    flush the compressor starts afresh, so one compressed copy of the block can be repeated as it is."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    checksum = 0
    if crc:
        checksum = zlib.crc32(head)
        for _ in range(times):
            checksum = zlib.crc32(block, checksum)
        checksum = zlib.crc32(tail, checksum)
    return start + repeated * times + end, checksum


def zip_of(members: list[Member], *, declared_count: int | None = None) -> bytes:
    """The zip file the members make, written as the format says, with whatever sizes they declare."""
    local, central, offset = [], [], 0
    for m in members:
        name = m.name.encode()
        flags = m.flags | 0x800  # UTF-8 names
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, m.method, 0, 0x21, m.crc, len(m.data), m.size, len(name), 0
        )
        local.append(header + name + m.data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                m.method,
                0,
                0x21,
                m.crc,
                len(m.data),
                m.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        offset += len(header) + len(name) + len(m.data)
    directory = b"".join(central)
    count = len(members) if declared_count is None else declared_count
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), offset, 0)
    return b"".join(local) + directory + end


def _cell(ref: str, value, strings: dict[str, int] | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if strings is None:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'
    index = strings.setdefault(str(value), len(strings))
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def sheet_xml(
    rows: list[list], strings: dict[str, int] | None = None, *, raw_cells: dict[str, str] | None = None
) -> bytes:
    """A worksheet of the rows (row 1 first). raw_cells puts hand-written <c> elements in place of the
    cells they name ("B2": '<c r="B2"><f>1+1</f></c>'), or after a row's cells when it is further right."""
    raw_cells = dict(raw_cells or {})
    lines = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row, start=1):
            ref = f"{get_column_letter(column)}{number}"
            cells.append(raw_cells.pop(ref, None) or _cell(ref, value, strings))
        cells += [cell for ref, cell in raw_cells.items() if ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == str(number)]
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(lines)}</sheetData></worksheet>'.encode()


def shared_strings_xml(strings: dict[str, int], extra: str = "") -> bytes:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in sorted(strings, key=strings.get))
    return f'<sst xmlns="{MAIN}">{items}{extra}</sst>'.encode()


def workbook_parts(sheets: dict[str, bytes], *, shared_strings: bytes | None = None) -> dict[str, bytes]:
    """The parts of a workbook with these sheets (name → worksheet XML), in order."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>'
        for n in range(1, len(names) + 1)
    )
    if shared_strings is not None:
        overrides += (
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    rels = (
        f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Target="xl/workbook.xml" '
        f'Type="{REL}/officeDocument"/></Relationships>'
    )
    sheet_entries = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, start=1)
    )
    workbook = f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheet_entries}</sheets></workbook>'
    workbook_rels = "".join(
        f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="{REL}/worksheet"/>'
        for n in range(1, len(names) + 1)
    )
    if shared_strings is not None:
        workbook_rels += f'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="{REL}/sharedStrings"/>'
    parts = {
        "[Content_Types].xml": content_types.encode(),
        "_rels/.rels": rels.encode(),
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG_REL}">{workbook_rels}</Relationships>'.encode(),
    }
    for n, name in enumerate(names, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = sheets[name]
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    return parts


def small_ledger() -> dict[str, list[list]]:
    return ledger([case_row(number="A")], [contact_row(number="A")])


def xlsx_of(parts: dict[str, bytes], replace: dict[str, Member] | None = None) -> bytes:
    replace = replace or {}
    members = [replace.pop(name, None) or member(name, data) for name, data in parts.items()]
    return zip_of(members + list(replace.values()))


def ledger_parts(sheets: dict[str, list[list]] | None = None, *, raw_cells=None) -> dict[str, bytes]:
    """A well-formed workbook of the ledger with shared strings, as Excel writes it.
    raw_cells: sheet name → {cell reference: hand-written <c> element}."""
    sheets = sheets or small_ledger()
    strings: dict[str, int] = {}
    xml = {name: sheet_xml(rows, strings, raw_cells=(raw_cells or {}).get(name)) for name, rows in sheets.items()}
    return workbook_parts(xml, shared_strings=shared_strings_xml(strings))


# --- the hostile files ------------------------------------------------------------------------------


def shared_strings_bomb(expanded: int = 2 * GB, *, crc: bool = False) -> bytes:
    """The finding of the spine issue: a ~2 MB workbook whose sharedStrings.xml holds one string that
    expands to `expanded` bytes. The directory tells the truth about the size."""
    parts = ledger_parts()
    strings = parts["xl/sharedStrings.xml"]
    head, tail = strings[: -len(b"</sst>")] + b"<si><t>", b"</t></si></sst>"
    block = b"a" * MB
    times = max(1, (expanded - len(head) - len(tail)) // len(block))
    data, checksum = deflate_repeated(head, block, times, tail, crc=crc)
    size = len(head) + times * len(block) + len(tail)
    return xlsx_of(parts, {"xl/sharedStrings.xml": Member("xl/sharedStrings.xml", data, size, checksum)})


def lying_bomb(expanded: int = 256 * MB) -> bytes:
    """A sheet that expands to `expanded` bytes while the directory says it is 1 KB."""
    parts = ledger_parts()
    name = "xl/worksheets/sheet2.xml"
    head = parts[name][: -len(b"</sheetData></worksheet>")]
    block = b'<row r="3"><c r="G3" t="inlineStr"><is><t>' + b"a" * (MB - 64) + b"</t></is></c></row>"
    data, checksum = deflate_repeated(head, block, expanded // len(block), b"</sheetData></worksheet>", crc=True)
    return xlsx_of(parts, {name: Member(name, data, 1024, checksum)})


def billion_laughs() -> bytes:
    """The classic entity expansion, in the shared strings."""
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    parts = ledger_parts()
    strings = parts["xl/sharedStrings.xml"].decode()
    parts["xl/sharedStrings.xml"] = (
        f"<!DOCTYPE sst [{entities}]>" + strings.replace("<si><t>A</t></si>", "<si><t>&lol9;</t></si>")
    ).encode()
    return xlsx_of(parts)


def external_entity(path: str) -> bytes:
    """An entity that would read a local file into the case sheet's first name cell."""
    parts = ledger_parts()
    strings = parts["xl/sharedStrings.xml"].decode()
    parts["xl/sharedStrings.xml"] = (
        f'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file://{path}">]>'
        + strings.replace("<si><t>山田 太郎</t></si>", "<si><t>&xxe;</t></si>")
    ).encode()
    return xlsx_of(parts)


def formula_without_value() -> bytes:
    """氏名 is a formula that no spreadsheet has calculated: the file carries no value for it."""
    sheets = small_ledger()
    return xlsx_of(ledger_parts(sheets, raw_cells={"ケース": {"C2": '<c r="C2" t="str"><f>A2&amp;"様"</f></c>'}}))


def many_empty_rows(rows: int = 1_000_000) -> bytes:
    """The contact sheet with a million formatted but empty rows after its data, as Excel writes rows
    that someone once formatted."""
    parts = ledger_parts()
    name = "xl/worksheets/sheet2.xml"
    head = parts[name][: -len(b"</sheetData></worksheet>")]
    body = "".join(f'<row r="{n}" s="1" customFormat="1"/>' for n in range(3, rows + 3)).encode()
    parts[name] = head + body + b"</sheetData></worksheet>"
    return xlsx_of(parts)


def truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def plain_zip() -> bytes:
    """A zip with documents in it, but not a workbook."""
    return zip_of(
        [member("報告書.txt", "ケース一覧は別紙".encode()), member("写真.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64)]
    )


def ole_file() -> bytes:
    """What Excel writes for a password-protected workbook, and for the old .xls format: an OLE compound
    file, not a zip (only its header matters here)."""
    return OLE_SIGNATURE + b"\0" * 504
