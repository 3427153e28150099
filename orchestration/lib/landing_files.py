"""Byte-level handling of landing files: discovery, content hash, encoding, and normalisation for DuckDB.

Everything here works on whole files with C-speed byte operations (hashing, decoding, `bytes.replace`),
never row by row: parsing and validation happen in DuckDB (`orchestration.lib.loader`).

The normalised copy that DuckDB reads is UTF-8 without a byte-order mark, with `\\n` line ends, and with every
empty line replaced by a marker line (`blank_line`: `BLANK_LINE_MARKER` followed by as many commas as make the
header's number of fields). DuckDB's CSV reader skips empty lines, which would shift the line numbers of
everything after them; a marker line instead is read as a record at its own line number, which the loader
recognises and does not count as a row (a full record, not a rejected one: rejects are slow in DuckDB). Empty
lines inside a quoted field are marked too (telling them apart would take a CSV parser: a quote inside an
unquoted field, as in `5" screen`, opens nothing); there the marker line is text of the field, and the loader
removes it from every value it keeps, which restores the empty line.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

BLANK_LINE_MARKER = b"\x1f__wres_blank_line__\x1f"

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class LandingFile:
    source: str
    file_name: str  # relative to the source folder, with forward slashes
    path: Path


def discover(landing_dir: Path, source: str) -> list[LandingFile]:
    """Every `*.csv` file (any case) under the source's folder, in name order."""
    folder = landing_dir / source
    if not folder.is_dir():
        return []
    files = [
        LandingFile(source, p.relative_to(folder).as_posix(), p)
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() == ".csv"
    ]
    return sorted(files, key=lambda f: f.file_name)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


StatKey = tuple[int, int, int, int]


def stat_key(path: Path) -> StatKey:
    """What the stat caches compare (the loader's in the warehouse, the landing sensor's in its cursor): size,
    modification time, change time and inode. A file is hashed again only when this differs; the content hash
    stays the truth, so a file touched but not changed is not a change."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def sha256_file(path: Path) -> str:
    """The file's SHA-256, read in 1 MiB blocks (a file is never held in memory just to hash it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cp1252_with_c1_fallback(error: UnicodeError) -> tuple[str, int]:
    """Windows maps the five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) to C1 controls."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("wres_c1", _cp1252_with_c1_fallback)


class UnreadableFile(ValueError):
    """The file is not text the loader can read; the message says why."""


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding used: UTF-8 (with or without BOM), else Windows-1252.

    A UTF-16 file with a byte-order mark is read as UTF-16 (the load log says so). A file holding NUL bytes
    without a UTF-16 byte-order mark is not a text CSV and is refused.
    """
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return data[len(_UTF8_BOM) :].decode("cp1252", errors="wres_c1"), "windows-1252"
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise UnreadableFile(f"starts with a UTF-16 byte-order mark but is not valid UTF-16: {error}") from error
    if b"\x00" in data:
        raise UnreadableFile(
            "contains NUL bytes: not a CSV text file (UTF-16 without a byte-order mark, or a binary file?)"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="wres_c1"), "windows-1252"


def blank_line(n_fields: int) -> bytes:
    """The marker line that replaces an empty line in a file whose header has `n_fields` fields."""
    return BLANK_LINE_MARKER + b"," * (max(n_fields, 1) - 1)


def _mark_empty_lines(data: bytes, n_fields: int) -> bytes:
    """Replace every empty line of LF-terminated data by the marker line (see the module docstring)."""
    if b"\n\n" not in data and not data.startswith(b"\n"):
        return data
    marked_line = b"\n" + blank_line(n_fields) + b"\n"
    # A leading newline lets an empty first line be found like the others; two passes, because `replace` does
    # not see the second of two overlapping "\n\n" (a run of empty lines).
    marked = (b"\n" + data).replace(b"\n\n", marked_line).replace(b"\n\n", marked_line)
    return marked[1:]


@dataclass(frozen=True)
class NormalisedFile:
    data: bytes  # what DuckDB reads
    encoding: str
    header: list[str]  # header field names as written (not yet trimmed or lower-cased)
    unbalanced_quote_line: int | None  # physical line of an unclosed quoted field, if any


def _unclosed_quote_line(text: str) -> int | None:
    """The physical line where a quoted field opens and never closes (an odd number of quote characters)."""
    if text.count('"') % 2 == 0:
        return None
    last_opening = text.rfind('"')
    return text.count("\n", 0, last_opening) + 1


_LEADING_BLANK_LINES = re.compile(r'(?:[ \t,"]*(?:\n|\Z))*')


def normalise(data: bytes) -> NormalisedFile:
    text, encoding = decode(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # The header is the first non-blank record: blank records before it (empty lines, spaces, commas) are skipped.
    leading_blank = _LEADING_BLANK_LINES.match(text).end()
    header_text = text[leading_blank:].split("\n", 1)[0]
    header = next(csv.reader(io.StringIO(header_text)), []) if header_text else []
    out = text.encode("utf-8")
    return NormalisedFile(
        data=_mark_empty_lines(out, len(header)),
        encoding=encoding,
        header=header,
        unbalanced_quote_line=_unclosed_quote_line(text),
    )



def header_key(name: str) -> str:
    """Column names are matched case-insensitively, surrounding spaces ignored."""
    return name.strip().lower()


@dataclass(frozen=True)
class CleanShape:
    """A file DuckDB can read as it is, together with other files of the same header (see `clean_shape`)."""

    header: tuple[str, ...]
    new_line: str  # "\n" or "\r\n"
    encoding: str  # "utf-8" or "utf-8-sig"


LONG_LINE = 1_000_000  # longer lines go to the per-file path, which sizes DuckDB's buffers for them
# A file with quoted line breaks is read with the clean files up to this size: well below DuckDB's largest line
# (2 MB by default), so that none of its records is rejected for its length, nor split between DuckDB's threads.
QUOTED_LINE_BREAKS_MAX_BYTES = 1_000_000


def plain_utf8(data: bytes) -> tuple[str, bytes] | None:
    """The encoding ("utf-8", or "utf-8-sig" with a byte-order mark) and the body (without the mark) of a file
    of plain UTF-8 text; None when it is empty, UTF-16, holds a NUL byte or is not UTF-8."""
    encoding, body = ("utf-8-sig", data[len(_UTF8_BOM):]) if data.startswith(_UTF8_BOM) else ("utf-8", data)
    if not body or data.startswith(_UTF16_BOMS) or b"\x00" in body:
        return None
    if not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return encoding, body


def has_long_line(body: bytes, limit: int = LONG_LINE) -> bool:
    """Whether a line (without its line feed) is longer than `limit`, looking at about one window of `limit`
    bytes per step rather than at each line: each window that holds a line feed ends lines no longer than it."""
    start = 0
    while len(body) - start > limit:
        last_feed = body.rfind(b"\n", start, start + limit + 1)
        if last_feed < 0:
            return True
        start = last_feed + 1
    return False


_ALL_BUT_QUOTES_AND_LINE_FEEDS = bytes(byte for byte in range(256) if byte not in b'"\n')


def has_odd_quotes_line(body: bytes) -> bool:
    """Whether a line holds an odd number of quotes. Without every other byte, a line's quotes are side by side,
    so removing pairs of quotes leaves a quote only where a line had an odd number (at C speed: 0.4 s for the
    national training files, 1.7 s splitting them into lines)."""
    return b'"' in body.translate(None, _ALL_BUT_QUOTES_AND_LINE_FEEDS).replace(b'""', b"")


def readable_line_breaks(body: bytes) -> bool:
    """Whether DuckDB reads a file whose quoted fields hold line breaks as the per-file path does: LF line ends
    (the per-file path turns a CRLF inside a field into LF), an even number of quotes (else the per-file path
    rejects the file), a header on its first line, and a small file (`QUOTED_LINE_BREAKS_MAX_BYTES`)."""
    return (len(body) <= QUOTED_LINE_BREAKS_MAX_BYTES and b"\r" not in body and body.count(b'"') % 2 == 0
            and body[:body.find(b"\n")].count(b'"') % 2 == 0)


def clean_shape(data: bytes, numbered: bool = True, quoted_line_breaks: bool = False) -> CleanShape | None:
    """The shape of a file that needs no normalisation, or None when it needs the per-file path.

    Clean means: UTF-8 (a byte-order mark allowed), no NUL byte, one kind of line end throughout (LF or CRLF),
    no empty line before the last record (trailing empty lines at the end are harmless), no blank record before
    the header, no quoted line break (so that a record is a line), and no line longer than `LONG_LINE`. Such a
    file's records are numbered by DuckDB's own reading order, so many of them can be read in one scan.
    Without `numbered` (the organisation scan, which reads codes, not line numbers), empty lines are allowed:
    DuckDB skips them, and looking for them is most of the check's time (2.9 s of the national landing set).
    With `quoted_line_breaks` (the loader), a file whose quoted fields hold line breaks is clean too when
    `readable_line_breaks`: DuckDB reads such a file in one piece and numbers its records as the per-file path
    does, record by record (the national employee-relations files, whose case notes span lines, took 5.6 s one
    by one; docs/performance.md, item 65).
    """
    plain = plain_utf8(data)
    if plain is None:
        return None
    encoding, body = plain
    if b"\r" not in body:  # found by memchr; counting looks at every byte
        new_line = "\n"
    elif body.count(b"\r") == body.count(b"\r\n") == body.count(b"\n"):
        new_line = "\r\n"
    else:
        return None
    end = new_line.encode()
    content_end = len(body)  # without the trailing line ends (found in place: a file is not copied)
    while content_end and body[content_end - 1] in b"\r\n":
        content_end -= 1
    if body.startswith(end) or (numbered and body.find(end + end, 0, content_end) >= 0):
        return None
    if b'"' in body and has_odd_quotes_line(body) and not (quoted_line_breaks and readable_line_breaks(body)):
        return None  # a quoted field spans lines (or a quote is unbalanced)
    if has_long_line(body):
        return None
    first_end = body.find(end, 0, content_end)
    first_line = body[: first_end if first_end >= 0 else content_end].decode("utf-8")
    if not first_line.strip(" \t,\""):
        return None  # a blank record before the header: the per-file path skips it
    header = next(csv.reader(io.StringIO(first_line)), [])
    return CleanShape(tuple(header), new_line, encoding)
