"""Read input files into `InputDoc`s: plain text, HTML, JSON Lines, directories and stdin.

Every bad input becomes a `Skipped` with a reason a person can act on; nothing here raises
for a bad file. Text encodings are detected, not guessed: UTF-8 (with or without BOM),
UTF-16/UTF-32 with BOM, and Windows-1256 only when the decoded text really looks like
Arabic-script text.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from rasad.records import InputDoc

MAX_BYTES = 10 * 1024 * 1024  # per text file, per HTML page and per JSON Lines record

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")

NOT_TEXT = "not UTF-8, UTF-16 or Windows-1256 text"

# Windows-1256 acceptance thresholds, measured on the decoded text (see `_looks_arabic`)
_CP1256_MIN_ARABIC_SHARE = 0.7  # of all letters
_CP1256_MIN_SPACE_SHARE = 0.05  # of all characters: real prose has word breaks, byte soup does not
_CP1256_MAX_ODD_SHARE = 0.05  # symbols that are neither letters, digits, spaces nor punctuation
_MAX_CONTROL_SHARE = 0.05  # control characters beyond tab/newline/CR/form feed mark a binary file
_SNIFF_CHARS = 65536

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was not read, and why."""

    name: str
    reason: str


class _Bad(Exception):
    """A reason to skip the input at hand; internal control flow only."""


# --------------------------------------------------------------------------- decoding


def _is_arabic_letter(ch: str) -> bool:
    cp = ord(ch)
    return 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF


def _control_share(text: str) -> float:
    sample = text[:_SNIFF_CHARS]
    if not sample:
        return 0.0
    n = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ord(ch) == 0x7F)
    return n / len(sample)


def _looks_arabic(text: str) -> bool:
    """Whether a Windows-1256 decoding reads as Arabic-script prose rather than byte soup.

    Every byte decodes in Windows-1256, so decoding alone proves nothing; Latin-1 or
    Shift-JIS text decoded this way gives Latin letters and symbols, random bytes give
    letters without word breaks.
    """
    sample = text[:_SNIFF_CHARS]
    letters = arabic = spaces = odd = 0
    for ch in sample:
        if ch.isalpha():
            letters += 1
            if _is_arabic_letter(ch):
                arabic += 1
        elif ch.isspace():
            spaces += 1
        elif not (ch.isdigit() or unicodedata.category(ch).startswith("P")):
            odd += 1
    total = len(sample)
    return (
        total > 0
        and letters > 0
        and arabic / letters >= _CP1256_MIN_ARABIC_SHARE
        and spaces / total >= _CP1256_MIN_SPACE_SHARE
        and odd / total <= _CP1256_MAX_ODD_SHARE
    )


def _decode(data: bytes) -> str:
    """Decode file bytes to text or raise `_Bad` with the reason."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as e:
                raise _Bad(f"{NOT_TEXT} (invalid {codec} after its byte order mark at byte {e.start})") from None
            return _check_text(text.removeprefix("\ufeff"))
    if b"\x00" in data:
        raise _Bad("binary file (NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data":
            # a file cut in the middle of its last character (truncated download): keep what is complete
            return _check_text(data[: e.start].decode("utf-8"))
        text = data.decode("cp1256", errors="replace")
        if "\ufffd" in text or not _looks_arabic(text):
            if _control_share(text) > _MAX_CONTROL_SHARE:
                raise _Bad("binary file (control characters)") from None
            raise _Bad(NOT_TEXT) from None
    return _check_text(text)


def _check_text(text: str) -> str:
    if "\x00" in text or _control_share(text) > _MAX_CONTROL_SHARE:
        raise _Bad("binary file (control characters)")
    if not text.strip():
        raise _Bad("empty")
    return text


def _mb(n: int) -> str:
    """`20 MB`, `10.5 MB`; small sizes (test caps) in bytes."""
    if n < 1024 * 1024:
        return f"{n} bytes"
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def _too_large(size: int, cap: int) -> _Bad:
    return _Bad(f"too large ({_mb(size)} > {_mb(cap)})")


def _read_capped(stream: IO[bytes], cap: int) -> bytes:
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise _Bad(f"too large (more than {_mb(cap)})")
    return data


# --------------------------------------------------------------------------- formats


def _str_field(rec: dict[str, Any], key: str) -> str | None:
    v = rec.get(key)
    if isinstance(v, str) and v.strip():
        return v.strip()
    return None


def _jsonl_record(line: bytes, where: str, cap: int) -> InputDoc | Skipped:
    if len(line) > cap:
        return Skipped(where, f"record too large ({_mb(len(line))} > {_mb(cap)})")
    try:
        rec = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return Skipped(where, "not UTF-8 (JSON Lines must be UTF-8)")
    except json.JSONDecodeError as e:
        return Skipped(where, f"broken JSON: {e.msg} at column {e.colno}")
    if not isinstance(rec, dict):
        return Skipped(where, f"not a JSON object but {type(rec).__name__}")
    text = rec.get("text")
    if not isinstance(text, str):
        return Skipped(where, "record has no string 'text'")
    if not text.strip():
        return Skipped(where, "empty text")
    rid = rec.get("id")
    doc_id = str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid).strip() else where
    return InputDoc(
        doc_id=doc_id,
        text=text,
        title=_str_field(rec, "title"),
        published=_str_field(rec, "published"),
        source=_str_field(rec, "source"),
        url=_str_field(rec, "url"),
    )


def _lines(stream: IO[bytes], cap: int) -> Iterator[bytes]:
    """Lines of a binary stream, each read in bounded memory; an over-long line yields cap+1 bytes."""
    while True:
        line = stream.readline(cap + 1)
        if not line:
            return
        if len(line) > cap and not line.endswith(b"\n"):
            # drain the rest of the over-long line without holding it
            while True:
                rest = stream.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def iter_jsonl(lines: Iterable[bytes], name: str, *, cap: int = MAX_BYTES) -> Iterator[InputDoc | Skipped]:
    """Records of a JSON Lines stream; each bad line is one `Skipped` named `name:line`."""
    for n, raw in enumerate(lines, start=1):
        line = raw.removeprefix(codecs.BOM_UTF8) if n == 1 else raw
        if not line.strip():
            continue
        yield _jsonl_record(line.strip(), f"{name}:{n}", cap)


# trafilatura deletes ZWNJ, which Persian needs inside words (سه‌شنبه, همکاری‌ها): it is carried through the
# extractor as a printable stand-in that news text does not use, then put back
_ZWNJ = "\u200c"
_ZWNJ_STANDIN = "\u2422"  # ␢ BLANK SYMBOL
_ZWNJ_FORMS = (_ZWNJ, "&zwnj;", "&#8204;", "&#x200c;", "&#x200C;", "&#X200C;", "&#X200c;")


def html_input(data: bytes, doc_id: str) -> InputDoc | Skipped:
    """The article in an HTML page (title, date, outlet and address from its metadata), or why there is none."""
    try:
        return _html_doc(data, doc_id)
    except _Bad as e:
        return Skipped(doc_id, str(e))


def _html_doc(data: bytes, doc_id: str) -> InputDoc:
    # trafilatura takes about a second to import: only pay for it when HTML is read
    import trafilatura

    standin = False
    html: str | bytes
    try:
        decoded = _decode(data)
        if _ZWNJ_STANDIN not in decoded:
            for form in _ZWNJ_FORMS:
                decoded = decoded.replace(form, _ZWNJ_STANDIN)
            standin = True
        html = decoded
    except _Bad as e:
        if str(e) != NOT_TEXT:
            raise
        html = data  # let trafilatura honour the page's declared charset
    try:
        result = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
        )
    except Exception as e:  # third-party parser on arbitrary markup: a bad page, not a bug of ours
        raise _Bad(f"HTML page could not be parsed ({type(e).__name__})") from None
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise _Bad("no article text found in the HTML page")

    def back(value: str | None) -> str | None:
        return value.replace(_ZWNJ_STANDIN, _ZWNJ) if value and standin else value or None

    return InputDoc(
        doc_id=doc_id,
        text=back(text) or text,
        title=back(getattr(result, "title", None)),
        published=getattr(result, "date", None) or None,
        source=back(getattr(result, "sitename", None)),
        url=getattr(result, "url", None) or None,
    )


def _kind(path: str) -> str:
    low = path.lower()
    if low.endswith(HTML_SUFFIXES):
        return "html"
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(TEXT_SUFFIXES):
        return "text"
    return "other"


def _sniff_kind(data: bytes) -> str:
    """Kind of content with an unknown file name: JSON Lines, HTML or text."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        first = head.split(b"\n", 1)[0]
        try:
            if isinstance(json.loads(first.decode("utf-8", errors="strict")), dict):
                return "jsonl"
        except (UnicodeDecodeError, json.JSONDecodeError):
            pass
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


# --------------------------------------------------------------------------- files


def _read_file(path: str, doc_id: str, kind: str, cap: int) -> Iterator[InputDoc | Skipped]:
    try:
        st = os.stat(path)
        regular = stat.S_ISREG(st.st_mode)
        if regular and st.st_size > cap and kind != "jsonl":
            raise _too_large(st.st_size, cap)
        with open(path, "rb") as f:
            if kind == "jsonl":
                yield from iter_jsonl(_lines(f, cap), doc_id, cap=cap)
                return
            data = _read_capped(f, cap)
        if kind == "other":
            kind = _sniff_kind(data)
            if kind == "jsonl":
                yield from iter_jsonl(data.splitlines(keepends=True), doc_id, cap=cap)
                return
        if kind == "html":
            yield _html_doc(data, doc_id)
        else:
            yield InputDoc(doc_id=doc_id, text=_decode(data))
    except _Bad as e:
        yield Skipped(doc_id, str(e))
    except OSError as e:
        yield Skipped(doc_id, e.strerror or str(e))


def _walk(top: str, rel: str, visited: set[str]) -> Iterator[tuple[str, str] | Skipped]:
    """(path, id) of every input file under `top`, sorted; symlinked directories are followed once."""
    try:
        with os.scandir(top) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        yield Skipped(rel or top, e.strerror or str(e))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child_rel = f"{rel}/{entry.name}" if rel else entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
            is_file = entry.is_file(follow_symlinks=True)
        except OSError as e:  # a symbolic link loop
            if _kind(entry.name) != "other":
                yield Skipped(child_rel, e.strerror or str(e))
            continue
        if is_dir:
            real = os.path.realpath(entry.path)
            if real in visited:
                continue  # a symlink back into a directory already read: a loop or a duplicate
            visited.add(real)
            yield from _walk(entry.path, child_rel, visited)
        elif _kind(entry.name) == "other":
            continue  # directories hold other files too (README, images); read only known input kinds
        elif not is_file:
            broken = entry.is_symlink() and not os.path.exists(entry.path)
            yield Skipped(child_rel, "broken symbolic link" if broken else "not a regular file")
        else:
            yield entry.path, child_rel


def iter_inputs(
    paths: Sequence[str],
    *,
    root_ids: bool = True,
    cap: int = MAX_BYTES,
    stdin: IO[bytes] | None = None,
) -> Iterator[InputDoc | Skipped]:
    """Every document in `paths`, in a deterministic order, or a `Skipped` for each input that cannot be read.

    A path is a text, HTML or JSON Lines file, a directory (read recursively, sorted; files of other
    kinds in it are ignored) or `-` for stdin (text, or JSON Lines when its first line is a JSON object).
    Document ids are the path relative to the directory given, or the file name for a file argument
    (`root_ids=True`), or the path as reached from the argument (`root_ids=False`); a JSON Lines record
    keeps its `id`, or gets `file:line`.
    """
    for arg in paths:
        if arg == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, cap)
            continue
        if os.path.isdir(arg):
            visited = {os.path.realpath(arg)}
            for item in _walk(arg, "", visited):
                if isinstance(item, Skipped):
                    name = item.name if root_ids else os.path.join(arg, item.name)
                    yield Skipped(name, item.reason)
                    continue
                path, rel = item
                yield from _read_file(path, rel if root_ids else path, _kind(path), cap)
            continue
        doc_id = os.path.basename(arg.rstrip(os.sep)) if root_ids else arg
        if not os.path.lexists(arg):
            yield Skipped(doc_id or arg, "no such file or directory")
            continue
        yield from _read_file(arg, doc_id or arg, _kind(arg), cap)


def _read_stdin(stream: IO[bytes], cap: int) -> Iterator[InputDoc | Skipped]:
    try:
        first = stream.readline(cap + 1)
        if len(first) > cap:
            raise _Bad(f"too large (more than {_mb(cap)})")
        if _sniff_kind(first) == "jsonl":
            # streamed, so a large JSON Lines corpus can be piped through in bounded memory
            yield from iter_jsonl(_chain(first, _lines(stream, cap)), "stdin", cap=cap)
            return
        data = first + _read_capped(stream, cap - len(first))
        if _sniff_kind(data) == "html":
            yield _html_doc(data, "stdin")
        else:
            yield InputDoc(doc_id="stdin", text=_decode(data))
    except _Bad as e:
        yield Skipped("stdin", str(e))
    except OSError as e:
        yield Skipped("stdin", e.strerror or str(e))


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest
