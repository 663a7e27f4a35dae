"""Input records of every format the Spark job reads, as `InputDoc`s (or `Skipped` with the reason).

JSON Lines records go through `rasad.stages.ingest.iter_jsonl` and HTML pages through the same
main-text extractor as `rasad extract`, so an input reads the same whichever command reads it.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote, urlparse

from rasad.records import InputDoc
from rasad.scale.warc import HtmlPage
from rasad.stages import ingest
from rasad.stages.ingest import MAX_BYTES, Skipped, iter_jsonl

FORMATS = ("jsonl", "parquet", "warc")
_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".lz4", ".snappy")
_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".warc": "warc",
}
METADATA_FIELDS = ("title", "published", "source", "url")


def input_format(path: str) -> str | None:
    """jsonl, parquet or warc by the path's suffix (a compression suffix is looked through); None if unknown."""
    low = path.lower().rstrip("/")
    for comp in _COMPRESSED:
        if low.endswith(comp):
            low = low[: -len(comp)]
            break
    for suffix, fmt in _SUFFIXES.items():
        if low.endswith(suffix):
            return fmt
    return None


def file_name(uri: str) -> str:
    """The last path component of a file path or URI (`file:///a/b%20c.jsonl` -> `b c.jsonl`)."""
    path = urlparse(uri).path if "://" in uri or uri.startswith("file:") else uri
    return posixpath.basename(unquote(path).rstrip("/")) or uri


def block_name(uri: str, block_start: int) -> str:
    """The name records of one file block are reported under: the file name, and the block's byte offset
    when the file was split (line numbers then count from the block's start)."""
    name = file_name(uri)
    return name if block_start == 0 else f"{name}@{block_start}"


def jsonl_block(lines: Iterable[str], name: str) -> Iterator[InputDoc | Skipped]:
    """Records of the lines of one JSON Lines file block, named `name:line` where they lack an id."""
    # Spark has already decoded the lines; surrogatepass keeps a lone surrogate for iter_jsonl to judge
    return iter_jsonl((line.encode("utf-8", "surrogatepass") for line in lines), name, cap=MAX_BYTES)


def _text_value(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _metadata(value: Any) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, list) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return dict(value)  # a map column, as Arrow hands it over: (key, value) pairs
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def table_record(rec: Mapping[str, Any], where: str) -> InputDoc | Skipped:
    """One row of an input table: `id`, `text`, and optional `title`, `published`, `source`, `url`, either as
    columns or inside a `metadata` column (a struct, a map or a JSON object string)."""
    text = rec.get("text")
    if not isinstance(text, str):
        return Skipped(where, "record has no string 'text'")
    if not text.strip():
        return Skipped(where, "empty text")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return Skipped(where, f"record too large (more than {MAX_BYTES // (1024 * 1024)} MB of text)")
    rid = rec.get("id")
    ok_id = isinstance(rid, str | int) and not isinstance(rid, bool) and str(rid).strip()
    meta = _metadata(rec.get("metadata"))
    fields = {k: _text_value(rec.get(k)) or _text_value(meta.get(k)) for k in METADATA_FIELDS}
    return InputDoc(doc_id=str(rid) if ok_id else where, text=text, **fields)


def page_input(page: HtmlPage) -> InputDoc | Skipped:
    """The article in a crawled HTML page, by the extractor `rasad extract` uses for HTML files."""
    if len(page.html) > MAX_BYTES:
        return Skipped(page.doc_id, f"too large ({len(page.html):,} bytes of HTML)")
    doc = ingest.html_input(page.html, page.doc_id)
    if isinstance(doc, Skipped):
        return doc
    # the address the page was fetched from outranks the one the page claims
    return replace(doc, url=page.url or doc.url)
