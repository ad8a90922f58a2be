"""The zip of an .xlsx file and the XML parts in it, read within limits whatever the file holds.

A hostile workbook turns a 2 MB upload into gigabytes: a part that expands a thousandfold (a zip bomb),
entities that expand or read local files, elements or names without end. So the zip's directory is
checked before anything is expanded (what the file is, how many members, the size each part declares,
which zipfile never reads past, the compression ratio, encryption), and a part is then streamed through
expat in chunks: no DTD (so no entity, internal or external), no run of more than MAX_TOKEN_BYTES
between two '<' (expat holds a whole tag in memory), a bounded depth and number of distinct names
(expat keeps every one). xlsx.py says what to collect from each part.
"""

import struct
import zipfile
import zlib
from collections.abc import Iterator
from io import BytesIO
from xml.parsers import expat

from django.utils.translation import gettext as _

from tsunagu.core.textfiles import OLE_SIGNATURE

from .sheets import LedgerFileError

MB = 1024 * 1024
MAX_MEMBERS = 1_000  # files in the zip (Excel writes a dozen, a few hundred with images)
MAX_DIRECTORY_BYTES = MB  # the zip's central directory, which zipfile reads whole
MAX_EXPANDED_BYTES = 256 * MB  # every part read from one file, together
MAX_RATIO = 100  # expanded / compressed, for parts over a megabyte (Excel's own are 5 to 20)
CHUNK = 256 * 1024  # at most MAX_TOKEN_BYTES, so that a long run always spans chunks
MAX_TOKEN_BYTES = MB  # a whole cell of 32,767 characters is at most ~200 KB of XML
MAX_DEPTH = 32  # element nesting (a worksheet needs 6)
MAX_NAMES = 1_000  # distinct element, attribute and prefix names in one part (a worksheet uses a few dozen)


def mb(size: int) -> str:
    return f"{size / MB:,.0f}MB" if size >= MB else f"{size / 1024:,.0f}KB"


def encrypted(name: str) -> str:
    return _(
        "「%(name)s」はパスワードで保護されたExcelファイルか、古い形式（.xls）のファイルです。"
        "Excelでパスワードを外し、「Excel ブック（*.xlsx）」で保存し直してください。"
    ) % {"name": name}


def broken(name: str) -> str:
    return _(
        "「%(name)s」が壊れています（ファイルが途中で切れているか、中身が書き換わっています）。"
        "ダウンロードやコピーをし直すか、Excelで開けるか確かめて保存し直してください。"
    ) % {"name": name}


def too_many_members(name: str, count: int) -> LedgerFileError:
    return LedgerFileError(
        _("「%(name)s」は中に含むファイルが多すぎます（%(count)s個。Excelのファイルは多くても数百個です）。")
        % {"name": name, "count": f"{count:,}"}
    )


def _directory_end(data: bytes, name: str) -> tuple[int, int]:
    """(entries, size of the central directory) from the zip's last record, before zipfile reads the
    directory whole; a zip64 record is followed when the file has one."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end == -1 or len(data) < end + 22:
        raise LedgerFileError(broken(name))
    entries, size = struct.unpack("<10xHI6x", data[end : end + 22])
    locator = end - 20
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", data[locator + 8 : locator + 16])
        if data[offset : offset + 4] != b"PK\x06\x06":
            raise LedgerFileError(broken(name))
        entries, size = struct.unpack("<QQ", data[offset + 32 : offset + 48])
    return entries, size


def open_archive(data: bytes, name: str) -> zipfile.ZipFile:
    """The workbook's zip, once what it is and how big its directory is have been checked. Nothing is
    expanded, so the upload form can call it too."""
    if not data:
        raise LedgerFileError(_("「%(name)s」は空のファイルです（0バイト）。") % {"name": name})
    if data.startswith(OLE_SIGNATURE):
        raise LedgerFileError(encrypted(name))
    if not data.startswith(b"PK"):
        raise LedgerFileError(
            _("「%(name)s」はExcelファイル（.xlsx）ではありません（中身が別の形式のファイルです）。") % {"name": name}
        )
    entries, size = _directory_end(data, name)
    if entries > MAX_MEMBERS or size > MAX_DIRECTORY_BYTES:
        raise too_many_members(name, entries)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error):
        raise LedgerFileError(broken(name)) from None
    if len(archive.infolist()) > MAX_MEMBERS:
        raise too_many_members(name, len(archive.infolist()))
    return archive


class Handler:
    """What a part is read for. expat's events arrive here with qualified names; the guard of each part
    (depth, distinct names) is counted here too, so that the hot path is one call per event."""

    def __init__(self, where: str):
        self.where = where
        self.depth = 0
        self.local: dict[str, str] = {}  # qualified name -> local name, at most MAX_NAMES of them
        self.prefixes: set[str] = set()

    def broken(self) -> LedgerFileError:
        return LedgerFileError(
            _("%(where)sが壊れています（Excelのファイルにはない形のXMLです）。") % {"where": self.where}
        )

    def name(self, name: str) -> str:
        if len(self.local) >= MAX_NAMES:
            raise self.broken()
        local = self.local[name] = name.rpartition("}")[2]
        return local

    def enter(self, name: str, attrs: dict) -> str:
        local = self.local.get(name) or self.name(name)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.broken()
        for key in attrs:
            if key not in self.local:
                self.name(key)
        return local

    def start_element(self, name: str, attrs: dict) -> None:
        self.start(self.enter(name, attrs), attrs)

    def end_element(self, name: str) -> None:
        self.depth -= 1
        self.end(self.local[name])

    def start(self, name: str, attrs: dict) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass

    def prefix(self, prefix, uri) -> None:
        self.prefixes.add(prefix)
        if len(self.prefixes) > MAX_NAMES:
            raise self.broken()

    def refuse(self, *args) -> None:
        raise LedgerFileError(
            _(
                "%(where)sにDTD（文書型宣言）があります。Excelが保存するファイルにはないもので、"
                "ほかのファイルを読み込ませたり、展開して大きくしたりするのに使われるため、読み込みません。"
            )
            % {"where": self.where}
        )


class _TooLong(Exception):
    pass


class Book:
    """The zip of one workbook, checked, and the budget of bytes left to expand from it."""

    def __init__(self, data: bytes, name: str):
        self.name = name
        self.archive = open_archive(data, name)
        self.names = set(self.archive.namelist())
        self.budget = MAX_EXPANDED_BYTES

    def has(self, path: str) -> bool:
        return path in self.names

    def info(self, path: str, where: str, limit: int) -> zipfile.ZipInfo:
        if path not in self.names:
            raise LedgerFileError(
                _("「%(name)s」が壊れています（%(where)sのデータ %(part)s がありません）。")
                % {"name": self.name, "where": where, "part": path or "—"}
            )
        info = self.archive.getinfo(path)
        if info.flag_bits & 0x1:
            raise LedgerFileError(encrypted(self.name))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise LedgerFileError(
                _("「%(name)s」はExcelが使わない圧縮方式で保存されています。Excelで開き、保存し直してください。")
                % {"name": self.name}
            )
        if info.file_size > limit:
            raise LedgerFileError(
                _("%(where)sは展開すると%(size)sになり、読み込める大きさ（%(max)s）を超えています。")
                % {"where": where, "size": mb(info.file_size), "max": mb(limit)}
            )
        if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise LedgerFileError(
                _(
                    "%(where)sは圧縮率が異常に高く（%(ratio)s倍）、展開すると大きくなりすぎるため読み込みません"
                    "（Excelが保存するファイルは20倍程度までです）。"
                )
                % {"where": where, "ratio": f"{info.file_size // max(info.compress_size, 1):,}"}
            )
        self.budget -= info.file_size
        if self.budget < 0:
            raise LedgerFileError(
                _("「%(name)s」は展開すると全体で%(max)sを超え、大きすぎます。ファイルを分けて取り込んでください。")
                % {"name": self.name, "max": mb(MAX_EXPANDED_BYTES)}
            )
        return info

    def parse(self, path: str, limit: int, handler: Handler) -> Iterator[None]:
        """Feed the part to the handler, yielding after each chunk so that a caller can take what the
        handler has collected so far."""
        where = handler.where
        info = self.info(path, where, limit)
        parser = expat.ParserCreate(namespace_separator="}", intern=None)
        # What defusedxml does: a DTD is where entities are declared, and a workbook never has one.
        parser.StartDoctypeDeclHandler = handler.refuse
        parser.EntityDeclHandler = handler.refuse
        parser.UnparsedEntityDeclHandler = handler.refuse
        parser.ExternalEntityRefHandler = handler.refuse
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartNamespaceDeclHandler = handler.prefix
        parser.StartElementHandler = handler.start_element
        parser.EndElementHandler = handler.end_element
        parser.CharacterDataHandler = handler.data
        parser.buffer_text = True
        run = 0  # bytes since the last '<'
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    first = chunk.find(b"<")
                    if first == -1:
                        run += len(chunk)
                    elif run + first > MAX_TOKEN_BYTES:
                        raise _TooLong
                    else:
                        run = len(chunk) - chunk.rfind(b"<") - 1
                    if run > MAX_TOKEN_BYTES:
                        raise _TooLong
                    parser.Parse(chunk, False)
                    yield
            parser.Parse(b"", True)
            yield
        except _TooLong:
            raise LedgerFileError(
                _("%(where)sに長すぎるデータがあります（1つの値や要素が%(max)sを超えています）。")
                % {"where": where, "max": mb(MAX_TOKEN_BYTES)}
            ) from None
        except expat.ExpatError:
            raise LedgerFileError(
                _("%(where)sが壊れています（XMLとして読めません）。Excelで開けるか確かめ、保存し直してください。")
                % {"where": where}
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise LedgerFileError(broken(self.name)) from None

    def read(self, path: str, limit: int, handler: Handler) -> Handler:
        for _chunk in self.parse(path, limit, handler):
            pass
        return handler
