"""A small reader of WARC files (ISO 28500, WARC/1.0 and 1.1) as Common Crawl News publishes them.

A WARC file is a sequence of records, each a version line (`WARC/1.0`), header lines, an empty line,
a block of exactly `Content-Length` bytes and two line breaks. Files are usually gzip-compressed one
record per gzip member, which `gzip` reads as one stream. A `response` record's block is the HTTP
response: status line, headers, empty line, body. Only HTML pages answered with status 200 are
articles; every other response is reported with the reason, and request, metadata and warcinfo
records are passed over.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, cast

from rasad.stages.ingest import Skipped

MAX_LINE = 64 * 1024  # a header line longer than this is not a WARC header
HTML_TYPES = ("text/html", "application/xhtml+xml")


class WarcError(Exception):
    """The bytes are not (or no longer) a well-formed WARC record or HTTP response."""


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    low = name.lower()
    for k, v in headers:
        if k.lower() == low:
            return v
    return None


@dataclass(frozen=True, slots=True)
class WarcRecord:
    version: str  # "WARC/1.0"
    headers: tuple[tuple[str, str], ...]  # in file order; names as written
    block: bytes

    def header(self, name: str) -> str | None:
        """The first header of that name (names compare case-insensitively)."""
        return _header(self.headers, name)

    @property
    def type(self) -> str:
        return (self.header("WARC-Type") or "").strip().lower()


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes  # with transfer and content encodings undone

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """An HTML page from a WARC response record, before its main text is extracted."""

    doc_id: str  # the target URI, else the record id
    url: str | None
    html: bytes
    crawled: str | None  # WARC-Date: when the page was fetched, not when it was published


def _decompressed(stream: IO[bytes]) -> io.BufferedIOBase:
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, stream))
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=buffered, mode="rb")
    return buffered


def _parse_header_lines(lines: list[bytes], where: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for raw in lines:
        if raw[:1] in (b" ", b"\t") and out:  # a folded continuation of the previous header
            name, value = out[-1]
            out[-1] = (name, f"{value} {raw.strip().decode('utf-8', 'replace')}")
            continue
        name, sep, value = raw.decode("utf-8", "replace").partition(":")
        if not sep or not name.strip():
            raise WarcError(f"{where}: bad header line {raw[:60]!r}")
        out.append((name.strip(), value.strip()))
    return tuple(out)


def iter_records(stream: IO[bytes]) -> Iterator[WarcRecord]:
    """Every record of a WARC file, gzip-compressed or not; raises `WarcError` where the file breaks."""
    f = _decompressed(stream)
    n = 0
    while True:
        line = f.readline(MAX_LINE)
        if not line:
            return
        if not line.strip():
            continue  # the line breaks that end the previous record
        n += 1
        where = f"record {n}"
        if not line.startswith(b"WARC/"):
            raise WarcError(f"{where}: expected a WARC/ version line, found {line[:40]!r}")
        header_lines: list[bytes] = []
        while True:
            h = f.readline(MAX_LINE)
            if not h:
                raise WarcError(f"{where}: file ends inside the headers")
            if not h.strip():
                break
            header_lines.append(h.rstrip(b"\r\n"))
        headers = _parse_header_lines(header_lines, where)
        raw_length = _header(headers, "Content-Length")
        try:
            length = int(raw_length or "")
        except ValueError:
            raise WarcError(f"{where}: no valid Content-Length ({raw_length!r})") from None
        if length < 0:
            raise WarcError(f"{where}: negative Content-Length")
        block = f.read(length)
        if len(block) < length:
            raise WarcError(f"{where}: file ends inside the block ({len(block)} of {length} bytes)")
        yield WarcRecord(line.strip().decode("ascii", "replace"), headers, block)


def _dechunk(body: bytes) -> bytes:
    """The payload of a `Transfer-Encoding: chunked` body."""
    out = bytearray()
    pos = 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            raise WarcError("chunked body: missing chunk size")
        size_text = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise WarcError(f"chunked body: bad chunk size {size_text[:20]!r}") from None
        if size == 0:
            return bytes(out)
        start = eol + 2
        if start + size > len(body):
            raise WarcError("chunked body: truncated chunk")
        out += body[start : start + size]
        pos = start + size + 2


def _looks_like_markup(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _decode_body(body: bytes, transfer: str, content: str) -> bytes:
    # Crawlers differ: some store the payload as sent (chunked, compressed), others already decoded with
    # the headers kept. An encoding is undone only where the bytes really carry it.
    if "chunked" in transfer.lower() and not _looks_like_markup(body):
        body = _dechunk(body)
    enc = content.strip().lower()
    if enc in ("", "identity", "none") or _looks_like_markup(body):
        return body
    try:
        if enc in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if enc == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some servers send it
    except (OSError, EOFError, zlib.error) as e:
        raise WarcError(f"body: cannot undo content encoding {enc!r} ({e})") from None
    raise WarcError(f"body: content encoding {enc!r} is not supported")


def parse_http_response(block: bytes) -> HttpResponse:
    """Status, headers and decoded body of the HTTP response in a WARC response block."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    if not sep:
        raise WarcError("HTTP response without an empty line after its headers")
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    status_line = lines[0].split(None, 2)
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/") or not status_line[1].isdigit():
        raise WarcError(f"not an HTTP status line: {lines[0][:60]!r}")
    headers = _parse_header_lines([ln for ln in lines[1:] if ln], "HTTP response")
    body = _decode_body(body, _header(headers, "Transfer-Encoding") or "", _header(headers, "Content-Encoding") or "")
    return HttpResponse(int(status_line[1]), headers, body)


def iter_pages(stream: IO[bytes], name: str) -> Iterator[HtmlPage | Skipped]:
    """The HTML pages of a WARC file, and a `Skipped` for every response that is not one.

    A file that breaks off yields the pages read so far and then a `Skipped` named after the file.
    """
    try:
        for n, rec in enumerate(iter_records(stream), start=1):
            if rec.type != "response":
                continue
            uri = rec.header("WARC-Target-URI")
            doc_id = uri or (rec.header("WARC-Record-ID") or "").strip("<>") or f"{name}#{n}"
            if not (rec.header("Content-Type") or "").lower().startswith("application/http"):
                continue  # a DNS or other non-HTTP capture
            try:
                http = parse_http_response(rec.block)
            except WarcError as e:
                yield Skipped(doc_id, str(e))
                continue
            if http.status != 200:
                yield Skipped(doc_id, f"HTTP status {http.status}, not a page")
                continue
            mime = (http.header("Content-Type") or "").split(";", 1)[0].strip().lower()
            if mime and mime not in HTML_TYPES:
                yield Skipped(doc_id, f"not an HTML page ({mime})")
                continue
            yield HtmlPage(doc_id, uri, http.body, rec.header("WARC-Date"))
    except WarcError as e:
        yield Skipped(name, f"broken WARC file: {e}")
    except (OSError, EOFError, zlib.error) as e:  # gzip's errors for a damaged or truncated file
        yield Skipped(name, f"broken WARC file: {type(e).__name__}: {e}")
