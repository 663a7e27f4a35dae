"""The HTML pages. Each handler reads the store through `queries` (or the store's own query functions),
then renders one template; registered on the application by `create_app`."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, HTTPException, Query
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from rasad.records import Document
from rasad.serve import charts, marks, queries
from rasad.serve.params import PER_PAGE, FilterForm, filter_form
from rasad.serve.site import ACTORS_PER_PAGE, Site, actor_href, dyad_href, text_dir
from rasad.store import query
from rasad.store.db import StoreError
from rasad.store.query import EventFilter, EventRow, Story

EVENT_UID = re.compile(r"^[0-9a-f]{16}-\d{1,6}$")
DOCUMENT_UID = re.compile(r"^[0-9a-f]{16}$")
DYAD = re.compile(r"^[A-Za-z]{3}(?:-[A-Za-z]{3}){0,5}$")
STORY_REF = re.compile(r"^[Ss]?(\d{1,12})$")
MAX_ANALYSE_CHARS = 200_000
DYAD_STORIES = 20  # the latest; the events table has the rest
ALERTS_PER_PAGE = 50


def site_of(request: Request) -> Site:
    return cast(Site, request.app.state.site)


def not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=what)


# --------------------------------------------------------------------------- overview


def overview(request: Request) -> HTMLResponse:
    site = site_of(request)
    t = site.translator(request)
    data = site.overview()
    types = data.types
    bins, unit = charts.bin_months(data.months, list(site.labels.types))
    ordered = [(ty, types[ty]) for ty in site.labels.types if ty in types]
    ordered += [(ty, n) for ty, n in types.items() if ty not in site.labels.types]
    return site.render(
        request,
        "overview.html",
        totals=data.totals,
        types=ordered,
        type_max=max(types.values(), default=0),
        timeline=charts.timeline_svg(bins, site.colours, title=t("overview.timeline")),
        timeline_types=_legend(site, [c for b in bins for c in b.counts]),
        unit=unit,
        dyads=data.dyads,
        states=data.states,
        people=data.actors,
        stories=data.stories,
        hbar=charts.hbar,
    )


def _legend(site: Site, counts: list[tuple[str, int]]) -> list[str]:
    present = {ty for ty, n in counts if n}
    return [ty for ty in site.labels.types if ty in present] + sorted(present - set(site.labels.types))


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    per: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per))

    @property
    def first(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per)

    def window(self, around: int = 3) -> list[int]:
        lo, hi = max(1, self.page - around), min(self.pages, self.page + around)
        return list(range(lo, hi + 1))


def check_types(site: Site, form: FilterForm) -> None:
    unknown = [ty for ty in form.type.split(",") if ty and ty not in site.labels.types]
    if unknown:
        raise HTTPException(status_code=422, detail=f"unknown event type: {', '.join(unknown)}")


def events(
    request: Request,
    form: Annotated[FilterForm, Depends(filter_form)],
    sort: Annotated[str, Query(pattern="^(" + "|".join(queries.SORTS) + ")$")] = "date",
    dir: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per: Annotated[int, Query(ge=1, le=max(PER_PAGE))] = 50,
) -> HTMLResponse:
    site = site_of(request)
    check_types(site, form)
    error: str | None = None
    rows: list[queries.Row] = []
    total = 0
    facets = site.facets()
    with site.conn() as conn:
        try:
            f = form.to_filter(limit=per, offset=(page - 1) * per)
            rows, total = queries.event_table(conn, f, sort=sort, descending=dir == "desc")
        except StoreError as e:
            error = str(e)
    return site.render(
        request,
        "events.html",
        status=422 if error else 200,
        form=form,
        facets=facets,
        rows=rows,
        paging=Paging(page, per, total),
        sort=sort,
        dir=dir,
        error=error,
        per_page=PER_PAGE,
    )


# --------------------------------------------------------------------------- event and story


@dataclass(frozen=True, slots=True)
class ReportView:
    row: EventRow
    detail: queries.EventDetail | None
    doc: queries.DocumentView
    html: Markup
    focused: bool


def mention_marks(ments: list[queries.MentionView]) -> list[marks.Mark]:
    out = []
    for m in ments:
        title = " · ".join(x for x in (m.name, m.role or "", m.country or "") if x)
        out.append(
            marks.Mark(
                m.start,
                m.end,
                "a" if m.actor_key else "span",
                f"m m-{m.type}",
                1,
                title=title,
                href=actor_href(m.actor_key) if m.actor_key else None,
            )
        )
    return out


def bidi_marks(text: str) -> list[marks.Mark]:
    """Latin runs isolated inside right-to-left text (nothing to do in left-to-right text)."""
    return marks.latin_runs(text) if text_dir(text) == "rtl" else []


def _report_views(c: sqlite3.Connection, st: Story, focus: str) -> list[ReportView]:
    details = queries.event_details(c, [r.id for r in st.reports])
    views = []
    for r in st.reports:
        doc = queries.document(c, r.document)
        d = details.get(r.id)
        ms = mention_marks(queries.mentions(c, doc.id))
        ms.append(marks.Mark(r.evidence_start, r.evidence_end, "mark", "evidence", 0, anchor=f"evidence-{r.uid}"))
        if d is not None and d.trigger_start is not None and d.trigger_end is not None:
            ms.append(marks.Mark(d.trigger_start, d.trigger_end, "span", "trigger", 2))
        ms += bidi_marks(doc.text)
        views.append(ReportView(r, d, doc, marks.render(doc.text, ms), r.uid == focus))
    views.sort(key=lambda v: not v.focused)
    return views


def _story_response(request: Request, st: Story, focus: str) -> HTMLResponse:
    site = site_of(request)
    with site.conn() as conn:
        reports = _report_views(conn, st, focus)
    main = reports[0]
    return site.render(request, "event.html", story=st, main=main, reports=reports)


def event_page(request: Request, uid: str) -> HTMLResponse:
    if not EVENT_UID.match(uid):
        raise not_found(f"no event {uid}")
    site = site_of(request)
    with site.conn() as conn:
        try:
            st = query.show(conn, uid)
        except StoreError as e:
            raise not_found(str(e)) from None
    return _story_response(request, st, uid)


def story_page(request: Request, ref: str) -> HTMLResponse:
    m = STORY_REF.match(ref)
    if not m:
        raise not_found(f"no story {ref}")
    site = site_of(request)
    with site.conn() as conn:
        try:
            st = query.story(conn, int(m.group(1)))
        except StoreError as e:
            raise not_found(str(e)) from None
    best = sorted(st.reports, key=lambda r: (r.date_basis != "event", -len(r.participants), r.id))[0]
    return _story_response(request, st, best.uid)


def document_page(request: Request, uid: str) -> HTMLResponse:
    if not DOCUMENT_UID.match(uid):
        raise not_found(f"no document {uid}")
    site = site_of(request)
    with site.conn() as conn:
        try:
            doc = queries.document(conn, uid)
        except StoreError as e:
            raise not_found(str(e)) from None
        ms = mention_marks(queries.mentions(conn, doc.id))
        for ev_uid, start, end in queries.evidence_spans(conn, doc.id):
            ms.append(marks.Mark(start, end, "mark", "evidence", 0, anchor=f"evidence-{ev_uid}", title=ev_uid))
        ms += bidi_marks(doc.text)
        rows = queries.document_events(conn, doc.id)
    return site.render(request, "document.html", doc=doc, html=marks.render(doc.text, ms), rows=rows)


# --------------------------------------------------------------------------- actors


def actors_page(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    type: Annotated[str, Query(pattern="^(|PERSON|ORG|STATE)$")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    site = site_of(request)
    per = ACTORS_PER_PAGE

    found, total = site.actor_list(q.strip(), type, page, per)
    return site.render(request, "actors.html", actors=found, q=q, type=type, paging=Paging(page, per, total))


def actor_page(request: Request, key: str) -> HTMLResponse:
    if len(key) > 300:
        raise HTTPException(status_code=422, detail="actor key too long")
    site = site_of(request)
    t = site.translator(request)
    with site.conn() as conn:
        try:
            found = queries.find(conn, key, state_names=site.labels.countries)
        except StoreError as e:
            raise not_found(str(e)) from None
        if found.actor.key != key:
            # a merged actor's old key, or a name: show the page under the key that stands for it now
            return cast(HTMLResponse, RedirectResponse(actor_href(found.actor.key), status_code=307))
        data = queries.actor_page(conn, found, recent=25)
    bins, _ = charts.bin_months(data.months, list(site.labels.types))
    return site.render(
        request,
        "actor.html",
        view=data.view,
        types=data.types,
        type_max=max(data.types.values(), default=0),
        others=data.others,
        timeline=charts.timeline_svg(bins, site.colours, title=t("actor.timeline")),
        timeline_types=_legend(site, [c for b in bins for c in b.counts]),
        recent=data.recent,
        hbar=charts.hbar,
    )


# --------------------------------------------------------------------------- dyads


def dyad_page(request: Request, dyad: str) -> Response:
    if not DYAD.match(dyad):
        raise not_found(f"no dyad {dyad}: use ISO 3166 alpha-3 codes joined by '-', e.g. IRN-TJK")
    states = sorted({s.upper() for s in dyad.split("-")})
    canonical = "-".join(states)
    if canonical != dyad:
        return RedirectResponse(dyad_href(canonical), status_code=307)
    site = site_of(request)
    t = site.translator(request)
    where, args = "e.dyad = ?", [canonical]
    with site.conn() as conn:
        f = EventFilter(dyad=canonical, limit=None)
        types = queries.type_counts(conn, f)
        months = queries.month_type_counts(conn, where, args)
        years = {m[:4] for m, _ in months}
        by_year = len(years) > 1
        topics = queries.topic_periods(conn, where, args, by_year=by_year)
        stories = query.stories(conn, EventFilter(dyad=canonical, limit=DYAD_STORIES))
    bins, unit = charts.bin_months(months, list(site.labels.types))
    periods = sorted({p for _, p in topics})
    topic_names = sorted({tp for tp, _ in topics}, key=lambda tp: -sum(c for (x, _), c in topics.items() if x == tp))
    peak = max(topics.values(), default=0)
    return site.render(
        request,
        "dyad.html",
        states=states,
        dyad=canonical,
        types=types,
        total=sum(types.values()),
        timeline=charts.timeline_svg(bins, site.colours, title=t("dyad.timeline", dyad=canonical)),
        timeline_types=_legend(site, [c for b in bins for c in b.counts]),
        unit=unit,
        topics=topics,
        topic_names=topic_names,
        periods=periods,
        peak=peak,
        stories=stories,
    )


# --------------------------------------------------------------------------- network


def network_page(
    request: Request,
    kind: Annotated[str, Query(pattern="^(states|actors)$")] = "states",
    type: Annotated[str, Query(max_length=200, pattern=r"^(?:[A-Za-z]+(?:,[A-Za-z]+)*)?$")] = "",
    since: Annotated[str, Query(max_length=10, pattern=r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")] = "",
    until: Annotated[str, Query(max_length=10, pattern=r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")] = "",
    nodes: Annotated[int, Query(ge=2, le=120)] = 40,
) -> HTMLResponse:
    site = site_of(request)
    t = site.translator(request)
    form = FilterForm(type=type.upper(), since=since, until=until)
    check_types(site, form)
    lang = t.lang
    links, names = site.links(kind, form.to_filter())
    if kind == "states":
        names = {k: (site.labels.country(k, lang), "STATE") for link in links for k in (link.a, link.b)}
    graph_nodes, graph_edges = build_graph(links, names, kind, nodes)
    svg = charts.network_svg(graph_nodes, graph_edges, site.colours, title=t("network.title"))
    return site.render(
        request,
        "network.html",
        svg=svg,
        kind=kind,
        type=form.type,
        since=since,
        until=until,
        nodes=nodes,
        node_count=len(graph_nodes),
        edge_count=len(graph_edges),
        legend=[ty for ty in site.labels.types if ty in {e.type for e in graph_edges}],
        top_edges=sorted(graph_edges, key=lambda e: -e.weight)[:15],
        node_names={n.key: n.label for n in graph_nodes},
    )


def build_graph(
    links: list[queries.Link], names: dict[str, tuple[str, str]], kind: str, limit: int
) -> tuple[list[charts.Node], list[charts.Edge]]:
    """The `limit` busiest nodes and the edges among them; each edge typed by its most frequent type."""
    weight: dict[str, int] = {}
    pairs: dict[tuple[str, str], dict[str, int]] = {}
    for link in links:
        weight[link.a] = weight.get(link.a, 0) + link.events
        weight[link.b] = weight.get(link.b, 0) + link.events
        by_type = pairs.setdefault((link.a, link.b), {})
        by_type[link.type] = by_type.get(link.type, 0) + link.events
    keep = sorted(weight, key=lambda k: (-weight[k], k))[:limit]
    kept = set(keep)
    nodes = [
        charts.Node(k, names.get(k, (k, ""))[0], weight[k], dyad_href([k]) if kind == "states" else actor_href(k))
        for k in keep
    ]
    edges = []
    for (a, b), by_type in sorted(pairs.items()):
        if a in kept and b in kept:
            main = max(sorted(by_type), key=lambda ty: by_type[ty])
            href = dyad_href(sorted((a, b))) if kind == "states" else None
            edges.append(charts.Edge(a, b, sum(by_type.values()), main, href))
    return nodes, edges


# --------------------------------------------------------------------------- search


@dataclass(frozen=True, slots=True)
class HitView:
    hit: query.SearchHit
    snippet: Markup
    title: Markup | None


def search_page(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    site = site_of(request)
    q = q.strip()
    hits: list[HitView] = []
    found_actors: list[queries.ActorListing] = []
    error: str | None = None
    if q:
        with site.conn() as conn:
            try:
                for h in query.search(conn, q, limit=50):
                    title = marks.highlight(h.title, q) if h.title else None
                    hits.append(HitView(h, marks.highlight(h.snippet, q), title))
            except StoreError as e:
                error = str(e)
            found_actors, _ = queries.actor_list(conn, q=q, type_=None, limit=12, offset=0)
            found_actors = [a for a in found_actors if a.events or a.variants]
    return site.render(request, "search.html", q=q, hits=hits, actors=found_actors, error=error)


# --------------------------------------------------------------------------- watchlist alerts


def alerts_page(request: Request, page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    """The alerts raised by `rasad watch`, newest first; a store no watcher opened says how to start one."""
    site = site_of(request)
    found: list[queries.AlertView] = []
    counts = queries.AlertCounts(0, 0)
    error: str | None = None
    with site.conn() as conn:
        monitored = queries.monitor_present(conn)
        if monitored:
            try:
                counts = queries.alert_counts(conn)
                found = queries.alerts(conn, limit=ALERTS_PER_PAGE, offset=(page - 1) * ALERTS_PER_PAGE)
            except sqlite3.OperationalError as e:
                # the monitor's tables as another rasad version made them
                error = f"the monitor's tables cannot be read by this rasad: {e}"
    return site.render(
        request,
        "alerts.html",
        status=500 if error else 200,
        monitored=monitored,
        counts=counts,
        alerts=found,
        paging=Paging(page, ALERTS_PER_PAGE, counts.alerts),
        error=error,
    )


# --------------------------------------------------------------------------- analyse


def analyse_form(request: Request) -> HTMLResponse:
    return site_of(request).render(request, "analyse.html", result=None, text="", title="", published="", error=None)


async def analyse_submit(request: Request) -> HTMLResponse:
    site = site_of(request)
    form = await request.form(max_files=1, max_fields=8)
    text = form.get("text")
    title = str(form.get("title") or "")[:500]
    published = str(form.get("published") or "")[:10]
    upload = form.get("file")
    value = text if isinstance(text, str) else ""
    if upload is not None and not isinstance(upload, str):
        data = await upload.read(MAX_ANALYSE_CHARS * 4 + 1)
        if data:
            value = data.decode("utf-8", errors="replace")
    error = None
    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        error = "published: use YYYY-MM-DD"
    if len(value) > MAX_ANALYSE_CHARS:
        raise HTTPException(status_code=413, detail=f"text longer than {MAX_ANALYSE_CHARS:,} characters")
    result: AnalysedView | None = None
    if value.strip() and error is None:
        from starlette.concurrency import run_in_threadpool

        result = await run_in_threadpool(analyse_text, site, value, title or None, published or None)
    return site.render(
        request, "analyse.html", result=result, text=value, title=title, published=published, error=error
    )


@dataclass(frozen=True, slots=True)
class AnalysedView:
    doc: Document
    html: Markup
    names: dict[str, str]


def analyse_text(site: Site, text: str, title: str | None, published: str | None) -> AnalysedView:
    from rasad.records import InputDoc

    doc = site.pipeline().analyze(InputDoc(doc_id="pasted", text=text, title=title, published=published))
    ms: list[marks.Mark] = []
    for ent in doc.entities:
        title_ = " · ".join(x for x in (ent.name, ent.role or "", ent.country or "") if x)
        for m in ent.mentions:
            ms.append(marks.Mark(m.start, m.end, "span", f"m m-{ent.type}", 1, title=title_))
    for i, ev in enumerate(doc.events, 1):
        ms.append(
            marks.Mark(
                ev.evidence.start,
                ev.evidence.end,
                "mark",
                "evidence",
                0,
                anchor=f"evidence-{i}",
                title=f"{i}: {ev.type}",
            )
        )
        if ev.trigger is not None:
            ms.append(marks.Mark(ev.trigger.start, ev.trigger.end, "span", "trigger", 2))
    ms += bidi_marks(text)
    names = {e.id: e.name for e in doc.entities}
    return AnalysedView(doc, marks.render(text, ms), names)
