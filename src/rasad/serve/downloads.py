"""Downloads of the events table's current filter: CSV, JSON (event records) and PLOVER JSON.

Records come from the store's own functions (`query.events`, `export.plover_records`), so a download
holds what `rasad events --format json` and `rasad export --format plover --unit event` write. They are
streamed in pages with their own connection, which lives as long as the response does.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, HTTPException
from starlette.requests import Request
from starlette.responses import StreamingResponse

from rasad.serve.pages import check_types, site_of
from rasad.serve.params import FilterForm, filter_form
from rasad.serve.site import Site
from rasad.store import export, query
from rasad.store.db import StoreError
from rasad.store.query import EventFilter

PAGE = 1000
CSV_COLUMNS = (
    "id", "story", "date", "date_basis", "type", "mode", "cameo", "dyad", "source", "target", "location",
    "topics", "context", "historical", "confidence", "lang", "outlet", "document", "document_name", "url",
    "evidence",
)  # fmt: skip
# A spreadsheet runs a cell starting with one of these as a formula; article text is untrusted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _filter(site: Site, form: FilterForm) -> EventFilter:
    check_types(site, form)
    try:
        f = form.to_filter(limit=None)
        with site.conn() as conn:
            query.where_clause(conn, f)  # the filter's own errors (an unknown actor) answer 422 before streaming
    except StoreError as e:
        raise HTTPException(status_code=422, detail=str(e)) from None
    return f


def _pages(site: Site, f: EventFilter) -> Iterator[query.EventRow]:
    with site.conn() as conn:
        offset = 0
        while True:
            rows = query.events(conn, replace(f, limit=PAGE, offset=offset))
            yield from rows
            if len(rows) < PAGE:
                return
            offset += PAGE


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(map(str, value))
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def events_csv(request: Request, form: Annotated[FilterForm, Depends(filter_form)]) -> StreamingResponse:
    site = site_of(request)
    f = _filter(site, form)

    def lines() -> Iterator[str]:
        buf = io.StringIO()
        buf.write("\ufeff")  # a byte-order mark, so that spreadsheets read the file as UTF-8 (Arabic script)
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(CSV_COLUMNS)
        for row in _pages(site, f):
            d = row.to_dict()
            w.writerow([_cell(d.get(c)) for c in CSV_COLUMNS])
            if buf.tell() > 64_000:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=_attachment("rasad-events.csv"))


def _json_array(items: Iterator[object]) -> Iterator[str]:
    yield "["
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]\n"


def events_json(request: Request, form: Annotated[FilterForm, Depends(filter_form)]) -> StreamingResponse:
    site = site_of(request)
    f = _filter(site, form)
    items = (row.to_dict() for row in _pages(site, f))
    return StreamingResponse(
        _json_array(items), media_type="application/json", headers=_attachment("rasad-events.json")
    )


def events_plover(request: Request, form: Annotated[FilterForm, Depends(filter_form)]) -> StreamingResponse:
    site = site_of(request)
    f = _filter(site, form)

    def records() -> Iterator[object]:
        with site.conn() as conn:
            yield from export.plover_records(conn, f, unit="event")

    return StreamingResponse(
        _json_array(records()), media_type="application/json", headers=_attachment("rasad-events.plover.json")
    )
