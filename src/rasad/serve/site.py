"""What every page needs: the database (read-only), the labels, the message catalogues and the templates.

One `Site` per application, made by `create_app` and kept on `app.state`; nothing module-global.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import quote, urlencode, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from rasad.serve import charts, i18n, queries
from rasad.serve.labels import Labels, load_labels
from rasad.serve.queries import connect_readonly
from rasad.store.query import EventFilter

if TYPE_CHECKING:
    from rasad.pipeline import Pipeline

T = TypeVar("T")

# query parameters that never travel in generated links (the language lives in its cookie)
_NOT_CARRIED = frozenset({"lang"})
COOKIE_MAX_AGE = 365 * 24 * 3600
_PATH_SAFE = "/:@-._~!$&'()*+,;="  # characters a URL path may hold unquoted (RFC 3986)
ACTORS_PER_PAGE = 50


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path
    allow_analyse: bool = False
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    max_body: int = 1_000_000  # bytes of a request body (the analyse form)
    max_query: int = 2_000  # characters of a query string


def actor_href(key: str) -> str:
    return "/actor/" + quote(key, safe=":~")


def dyad_href(states: tuple[str, ...] | list[str] | str) -> str:
    value = states if isinstance(states, str) else "-".join(states)
    return "/dyad/" + quote(value, safe="-")


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s); anything else (javascript:, data:) is not linked."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def text_dir(text: str | None, sample: int = 2000) -> str:
    """`dir` for a block of untrusted text, from its own letters (Unicode bidirectional classes): rtl when
    most strongly directed characters are right-to-left, ltr when most are left-to-right, else auto."""
    rtl = ltr = 0
    for ch in (text or "")[:sample]:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L":
            ltr += 1
    if rtl == ltr == 0:
        return "auto"
    return "rtl" if rtl >= ltr else "ltr"


def number(value: int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def other_calendars(day: str | None) -> tuple[str, str] | None:
    """(Solar Hijri, Lunar Hijri) of a YYYY-MM-DD day, numerically; None for a partial or odd date."""
    if not day or len(day) != 10:
        return None
    try:
        import hijridate
        import jdatetime

        g = date.fromisoformat(day)
        j = jdatetime.date.fromgregorian(date=g)
        h = hijridate.Gregorian(g.year, g.month, g.day).to_hijri()
    except (ValueError, OverflowError, ImportError):
        return None
    return f"{j.year:04d}-{j.month:02d}-{j.day:02d}", f"{h.year:04d}-{h.month:02d}-{h.day:02d}"


class _Flight:
    """One computation of a cache entry under way, which other threads wanting the same entry wait for."""

    __slots__ = ("done", "failed", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.failed = False


class Cache:
    """Results of the heavy aggregate queries (overview, network, actor list), kept while the database
    is unchanged.

    A commit, in WAL mode, changes the -wal file and a checkpoint the database file, so their sizes and
    modification times tell when a result may be stale: then it is computed again, once: threads that
    want an entry being computed wait for that computation rather than repeat it (fifty visitors arriving
    together after a start or an ingest would otherwise each compute the overview, and each wait for all).
    """

    WAIT = 60.0  # seconds to wait for another thread's computation before doing it here

    def __init__(self, path: Path, size: int = 64) -> None:
        self.path = path
        self.size = size
        self._lock = threading.Lock()
        self._data: OrderedDict[Hashable, tuple[object, Any]] = OrderedDict()
        self._flights: dict[tuple[Hashable, object], _Flight] = {}

    def token(self) -> object:
        out: list[tuple[int, int] | None] = []
        for p in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                st = p.stat()
            except OSError:
                out.append(None)
                continue
            out.append((st.st_mtime_ns, st.st_size))
        return tuple(out)

    def fresh(self, key: Hashable) -> bool:
        """Whether `key` is kept for the store as it is now."""
        token = self.token()
        with self._lock:
            hit = self._data.get(key)
        return hit is not None and hit[0] == token

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        token = self.token()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] == token:
                self._data.move_to_end(key)
                return cast(T, hit[1])
            flight = self._flights.get((key, token))
            mine = flight is None
            if flight is None:
                flight = self._flights[(key, token)] = _Flight()
        if not mine:
            if flight.done.wait(self.WAIT) and not flight.failed:
                return cast(T, flight.value)
            return compute()  # the other computation failed or is stuck: this request does its own
        try:
            value = compute()  # outside the lock: other keys are computed meanwhile
            flight.value = value
        except BaseException:
            flight.failed = True
            raise
        finally:
            with self._lock:
                self._flights.pop((key, token), None)
            flight.done.set()
        with self._lock:
            self._data[key] = (token, value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


class Site:
    """The application's resources; the analysis pipeline is loaded on first use, once."""

    def __init__(self, settings: Settings, *, pipeline: Pipeline | None = None) -> None:
        self.settings = settings
        self.labels: Labels = load_labels()
        self.colours = charts.type_colours(self.labels)
        self.palette_css = charts.palette_css(self.labels)
        self.catalogues = i18n.load_catalogues()
        self.env = Environment(
            loader=PackageLoader("rasad.serve", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            actor_href=actor_href,
            dyad_href=dyad_href,
            safe_url=safe_url,
            text_dir=text_dir,
            number=number,
            other_calendars=other_calendars,
            labels=self.labels,
            colours=self.colours,
            languages=i18n.LANGUAGES,
            native_names=i18n.NATIVE_NAMES,
            allow_analyse=settings.allow_analyse,
        )
        self.cache = Cache(settings.db_path)
        self._pipeline: Pipeline | None = pipeline
        self._pipeline_lock = threading.Lock()
        self._stopping = threading.Event()  # ends the thread of `warm`
        self._warm_lock = threading.Lock()
        self._warm_thread: threading.Thread | None = None
        self._warmed = threading.Event()  # the first pass of `warm` is over (computed, or failed)
        # fail at start-up, with the store's own message, rather than on the first request
        connect_readonly(settings.db_path).close()

    @contextmanager
    def conn(self) -> Iterator[sqlite3.Connection]:
        c = connect_readonly(self.settings.db_path)
        try:
            yield c
        finally:
            c.close()

    # ------------------------------------------------------------------ cached aggregates

    def overview(self) -> queries.Overview:
        def compute() -> queries.Overview:
            with self.conn() as conn:
                return queries.overview(conn, connect=self.conn)

        return self.cache.get(("overview",), compute)

    def facets(self) -> queries.Facets:
        def compute() -> queries.Facets:
            with self.conn() as conn:
                return queries.facets(conn)

        return self.cache.get(("facets",), compute)

    def links(self, kind: str, f: EventFilter) -> tuple[list[queries.Link], dict[str, tuple[str, str]]]:
        """The network's links (and, for actors, their names) for a filter of types and period."""

        def compute() -> tuple[list[queries.Link], dict[str, tuple[str, str]]]:
            with self.conn() as conn:
                if kind == "states":
                    return queries.state_links(conn, f), {}
                return queries.actor_links(conn, f, connect=self.conn)

        return self.cache.get(("links", kind, f.types, f.since, f.until), compute)

    def actor_list(self, q: str, type_: str, page: int, per: int) -> tuple[list[queries.ActorListing], int]:
        def compute() -> tuple[list[queries.ActorListing], int]:
            with self.conn() as conn:
                return queries.actor_list(
                    conn, q=q or None, type_=type_ or None, limit=per, offset=(page - 1) * per, connect=self.conn
                )

        return self.cache.get(("actors", q, type_, page, per), compute)

    def compile_templates(self) -> None:
        """Compile every template now (a fixed amount of work, whatever the store), rather than within the
        first request for each page."""
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)

    def warm(self, *, follow: bool = True, poll: float = 2.0, settle: float = 5.0) -> threading.Thread:
        """Compile the templates and compute the overview, the filter form's values, the first page of actors
        and the default networks in a background thread, so that no visitor waits for them on a big store.

        A fixed amount of work whatever the visitors (about a second at 100,000 events); `wait_warm` waits
        for it (the application's start-up does, before the server accepts a connection). Started once: a
        second call returns the thread of the first.

        With `follow`, the thread then watches the store and computes the same fixed set again once the
        store has changed and stayed unchanged for `settle` seconds (an ingest finished): the first visitor
        after an ingest does not wait either, and a long ingest is not slowed by repeated recomputation.
        """

        def compute() -> None:
            self.overview()
            self.facets()
            self.actor_list("", "", 1, ACTORS_PER_PAGE)
            for kind in ("states", "actors"):
                self.links(kind, EventFilter(limit=None))

        def run() -> None:
            done = self.cache.token()
            try:
                self.compile_templates()
                compute()
            except Exception:
                pass  # the page that needs the result meets the failure, with its own error page
            finally:
                self._warmed.set()
            seen, since = done, time.monotonic()
            while follow and not self._stopping.wait(poll):
                now = self.cache.token()
                if now != seen:
                    seen, since = now, time.monotonic()
                elif now != done and time.monotonic() - since >= settle:
                    done = now
                    try:
                        compute()
                    except Exception:
                        continue  # the next visitor of that page meets the failure, with its own error page

        with self._warm_lock:
            if self._warm_thread is None:
                self._warm_thread = threading.Thread(target=run, name="rasad-warm", daemon=True)
                self._warm_thread.start()
            return self._warm_thread

    def wait_warm(self, timeout: float) -> bool:
        """Wait, `timeout` seconds at most, for the first pass of `warm`; whether it is over."""
        return self._warmed.wait(timeout)

    def stop(self) -> None:
        """End the watching thread of `warm` (at its next poll)."""
        self._stopping.set()

    def pipeline(self) -> Pipeline:
        with self._pipeline_lock:
            if self._pipeline is None:
                from rasad.pipeline import Pipeline

                self._pipeline = Pipeline.load()
            return self._pipeline

    # ------------------------------------------------------------------ rendering

    def translator(self, request: Request) -> i18n.Translator:
        lang = i18n.choose(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))
        return i18n.translator(self.catalogues, lang)

    def render(self, request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        t = self.translator(request)
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in _NOT_CARRIED and v != ""]

        def qs(**changes: object) -> str:
            """This page's query string with some parameters changed (None drops one)."""
            kept = [(k, v) for k, v in params if k not in changes]
            kept += [(k, str(v)) for k, v in changes.items() if v is not None and v != ""]
            return "?" + urlencode(kept) if kept else "?"

        def lang_link(lang: str) -> str:
            # the path as received is decoded: quoted again, so that a link never holds raw characters
            return quote(request.url.path, safe=_PATH_SAFE) + "?" + urlencode([*params, ("lang", lang)])

        body = self.env.get_template(template).render(
            t=t,
            ui_lang=t.lang,
            ui_dir=t.dir,
            qs=qs,
            lang_link=lang_link,
            path=request.url.path,
            db_name=self.settings.db_path.name,
            **context,
        )
        response = HTMLResponse(body, status_code=status)
        chosen = request.query_params.get("lang")
        if chosen in i18n.LANGUAGES:
            response.set_cookie(i18n.COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True)
        return response

    def type_label(self, t: i18n.Translator, type_: str) -> str:
        return t.get(f"type.{type_}", type_)
