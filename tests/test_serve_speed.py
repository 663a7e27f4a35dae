"""What makes the web interface fast on a big store and steady under load, checked on a small one: the
aggregates split over threads give exactly what one connection gives, the cache computes an entry once
however many requests want it together, and the load script's own rules (loopback only, its figures)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sqlite3
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from rasad.pipeline import Pipeline
from rasad.serve import app as app_module
from rasad.serve import queries
from rasad.serve.app import create_app
from rasad.serve.labels import load_labels
from rasad.serve.site import ACTORS_PER_PAGE, Cache
from rasad.store.query import EventFilter, make_filter
from test_serve_corpus import build_corpus

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about httpx's successor
    from fastapi.testclient import TestClient

BASE = "http://127.0.0.1"
LOAD_SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "load.py"


@pytest.fixture(scope="module")
def db(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(pipeline, tmp_path_factory.mktemp("serve-speed") / "corpus.db")


@pytest.fixture(scope="module")
def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rasad_bench_load", LOAD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def opener(db: Path) -> queries.Connect:
    @contextlib.contextmanager
    def connect() -> Iterator[sqlite3.Connection]:
        c = queries.connect_readonly(db)
        try:
            yield c
        finally:
            c.close()

    return connect


def test_aggregates_over_threads_equal_those_on_one_connection(db: Path) -> None:
    connect = opener(db)
    with connect() as conn:
        assert queries.overview(conn, connect=connect) == queries.overview(conn)
        listing = queries.actor_list(conn, q=None, type_=None, limit=50, offset=0)
        assert listing == queries.actor_list(conn, q=None, type_=None, limit=50, offset=0, connect=connect)
        assert listing[0] and listing[1] == len(listing[0])
        for f in (EventFilter(limit=None), make_filter(type="CONSULT", limit=None)):
            one = queries.actor_links(conn, f)
            split = queries.actor_links(conn, f, connect=connect)
            assert sorted(one[0], key=repr) == sorted(split[0], key=repr) and one[1] == split[1]
        assert queries.actor_links(conn, EventFilter(limit=None))[0], "the corpus has actors meeting"


def test_actor_links_count_the_events_each_pair_of_actors_shares(db: Path) -> None:
    with contextlib.closing(queries.connect_readonly(db)) as conn:
        members: dict[tuple[int, str], set[int]] = {}
        for ev, type_, actor_id in conn.execute(
            "SELECT p.event_id, e.type, en.actor_id FROM event_participants p JOIN entities en ON en.id = p.entity_id "
            "JOIN events e ON e.id = p.event_id WHERE en.actor_id IS NOT NULL"
        ):
            members.setdefault((int(ev), str(type_)), set()).add(int(actor_id))
        keys = {int(i): str(k) for i, k in conn.execute("SELECT id, key FROM actors")}
        expected: dict[tuple[str, str, str], int] = {}
        for (_, type_), ids in members.items():
            present = sorted(keys[i] for i in ids)
            for i, a in enumerate(present):
                for b in present[i + 1 :]:
                    expected[(a, b, type_)] = expected.get((a, b, type_), 0) + 1
        links, names = queries.actor_links(conn, EventFilter(limit=None))
        assert {(x.a, x.b, x.type): x.events for x in links} == expected and expected
        assert set(names) == {k for a, b, _ in expected for k in (a, b)}


def test_actor_event_counts_match_a_direct_count(db: Path) -> None:
    with contextlib.closing(queries.connect_readonly(db)) as conn:
        pairs = [(int(i), int(n)) for i, n in conn.execute("SELECT actor_id, count(*) FROM entities "
                                                           "WHERE actor_id IS NOT NULL GROUP BY 1")]  # fmt: skip
        counts = queries.event_counts(conn, pairs, connect=opener(db))
        for actor_id, _ in pairs:
            direct = conn.execute(
                "SELECT count(DISTINCT p.event_id) FROM event_participants p JOIN entities en ON en.id = p.entity_id "
                "WHERE en.actor_id = ?",
                (actor_id,),
            ).fetchone()[0]
            assert counts[actor_id] == direct
        assert any(counts.values())


def test_top_actors_are_those_in_most_events(db: Path) -> None:
    with contextlib.closing(queries.connect_readonly(db)) as conn:
        direct = [
            (str(k), int(n))
            for k, n in conn.execute(
                "SELECT a.key, count(DISTINCT p.event_id) AS n FROM actors a JOIN entities en ON en.actor_id = a.id "
                "JOIN event_participants p ON p.entity_id = en.id WHERE a.type != 'STATE' GROUP BY a.id "
                "ORDER BY n DESC, a.key"
            )
        ]
        assert len(direct) < 40, "every actor is a candidate in this corpus"
        assert [(a.key, a.events) for a in queries.top_actors(conn, 10)] == direct[:10] and direct


def test_actor_list_ranks_actors_by_the_entities_naming_them(db: Path) -> None:
    with contextlib.closing(queries.connect_readonly(db)) as conn:
        for type_ in (None, "PERSON", "STATE"):
            direct = [
                str(k)
                for (k,) in conn.execute(
                    "SELECT a.key FROM actors a JOIN entities en ON en.actor_id = a.id WHERE a.merged_into IS NULL "
                    "AND (? IS NULL OR a.type = ?) GROUP BY a.id ORDER BY count(*) DESC, a.key",
                    (type_, type_),
                )
            ]
            listing, total = queries.actor_list(conn, q=None, type_=type_, limit=3, offset=1)
            assert [a.key for a in listing] == direct[1:4] and total == len(direct) > 1, type_


def test_actor_roles_and_documents_as_the_entities_say(db: Path) -> None:
    labels = load_labels()
    with contextlib.closing(queries.connect_readonly(db)) as conn:
        keys = [(str(k), int(i)) for k, i in conn.execute("SELECT key, id FROM actors WHERE merged_into IS NULL")]
        seen_role = False
        for key, actor_id in keys:
            view = queries.actor(conn, key, state_names=labels.countries)
            roles = [
                (str(r), f, last, int(n))
                for r, f, last, n in conn.execute(
                    "SELECT en.role, min(d.published_day), max(d.published_day), count(DISTINCT d.id) FROM entities en "
                    "JOIN documents d ON d.id = en.document_id WHERE en.actor_id = ? AND en.role IS NOT NULL "
                    "GROUP BY en.role ORDER BY min(d.published_day), en.role",
                    (actor_id,),
                )
            ]
            docs = conn.execute(
                "SELECT count(DISTINCT document_id) FROM entities WHERE actor_id = ?", (actor_id,)
            ).fetchone()[0]
            assert [(r.role, r.first, r.last, r.documents) for r in view.roles] == roles, key
            assert view.documents == docs, key
            seen_role = seen_role or bool(roles)
        assert seen_role, "the corpus has actors with roles"


def test_actor_page_holds_what_each_query_gives(db: Path) -> None:
    labels = load_labels()
    with contextlib.closing(queries.connect_readonly(db)) as conn:
        keys = [str(k) for (k,) in conn.execute("SELECT key FROM actors WHERE merged_into IS NULL")]
        assert any(k.isalpha() for k in keys) and any(":" in k for k in keys), "states and other actors"
        assert queries.roles(conn, ()) == ((), 0)  # a state named only through its officials: no entities
        for key in keys:
            page = queries.actor_page(conn, queries.find(conn, key, state_names=labels.countries))
            assert page.view == queries.actor(conn, key, state_names=labels.countries), key
            assert (page.types, page.months) == queries.actor_event_counts(conn, page.view), key
            assert page.others == queries.counterparts(conn, page.view), key
            assert page.recent == queries.rows(conn, page.view.where, page.view.args, limit=25), key


def test_an_actors_latest_events_whichever_way_they_are_found(db: Path) -> None:
    labels = load_labels()
    walked = sorted_ = 0
    with contextlib.closing(queries.connect_readonly(db)) as conn:
        size = conn.execute("SELECT max(id) FROM events").fetchone()[0]
        keys = [str(k) for (k,) in conn.execute("SELECT key FROM actors WHERE merged_into IS NULL")]
        for key in keys:
            view = queries.actor(conn, key, state_names=labels.countries)
            events = sum(queries.actor_event_counts(conn, view)[0].values())
            for limit in range(1, events + 2):
                expected = queries.rows(conn, view.where, view.args, limit=limit)
                assert queries.latest_of_actor(conn, view, events, limit) == expected, (key, limit)
                if events * events * 10 >= limit * size:
                    walked += 1
                else:
                    sorted_ += 1
    assert walked and sorted_, "both ways tried"


def test_months_are_counted_as_the_dates_say(db: Path) -> None:
    with contextlib.closing(queries.connect_readonly(db)) as conn:
        expected = {
            (str(m), str(t)): int(c)
            for m, t, c in conn.execute(
                "SELECT substr(when_date, 1, 7), type, count(*) FROM events WHERE when_date IS NOT NULL "
                "AND historical = 0 GROUP BY 1, 2"
            )
        }
        assert queries.month_type_counts(conn) == expected and expected


def test_the_overview_timeline_reads_an_index_only(db: Path) -> None:
    with contextlib.closing(queries.connect_readonly(db)) as conn:
        plan = " ".join(
            str(r[3])
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT e.type, e.when_date, count(*) FROM events e WHERE (1) "
                "AND e.when_date IS NOT NULL AND e.historical = 0 GROUP BY 1, 2"
            )
        )
    assert "events_news" in plan and "TEMP B-TREE" not in plan, plan


def test_one_computation_for_requests_arriving_together(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"")
    cache = Cache(path)
    calls = []
    started = threading.Event()

    def slow() -> int:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return 42

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8 and len(calls) == 1
    assert cache.get("k", slow) == 42 and len(calls) == 1  # kept
    path.write_bytes(b"changed")  # the store changed: computed again
    assert cache.get("k", slow) == 42 and len(calls) == 2


def test_a_failed_computation_is_not_kept_and_others_retry(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"")
    cache = Cache(path)

    def broken() -> int:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get("k", broken)
    assert cache.get("k", lambda: 7) == 7


def _until(condition: Callable[[], bool], limit: float = 30.0) -> bool:
    t = time.monotonic()
    while time.monotonic() - t < limit:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_warm_computes_again_once_the_store_has_changed_and_settled(db: Path) -> None:
    site = create_app(db).state.site
    thread = site.warm(poll=0.02, settle=0.3)
    try:
        assert _until(lambda: site.cache.fresh(("overview",)) and site.cache.fresh(("links", "actors", (), None, None)))
        st = os.stat(db)
        os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # what a commit does to the token
        assert not site.cache.fresh(("overview",))
        time.sleep(0.1)
        assert not site.cache.fresh(("overview",)), "computed again before the store settled"
        assert _until(lambda: site.cache.fresh(("overview",)))
    finally:
        site.stop()
        thread.join(5)
    assert not thread.is_alive()


def test_start_up_computes_the_aggregates_before_the_first_request(db: Path) -> None:
    app = create_app(db)
    site = app.state.site
    keys = [("overview",), ("facets",), ("actors", "", "", 1, ACTORS_PER_PAGE), ("links", "actors", (), None, None)]
    assert not any(site.cache.fresh(k) for k in keys)
    with TestClient(app, base_url=BASE) as client:  # runs the application's start-up, as an ASGI server does
        assert all(site.cache.fresh(k) for k in keys)
        assert client.get("/").status_code == 200
        thread = site.warm()
        assert site.warm() is thread and thread.is_alive(), "started once, and still watching the store"
    thread.join(5)
    assert not thread.is_alive(), "stopped with the application"


def test_start_up_waits_a_bounded_time_for_the_warm_up(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(db)
    site = app.state.site
    release = threading.Event()

    def stuck() -> queries.Overview:
        release.wait(10)
        raise RuntimeError("never computed")

    monkeypatch.setattr(site, "overview", stuck)
    monkeypatch.setattr(app_module, "WARM_WAIT", 0.2)
    t = time.monotonic()
    try:
        with TestClient(app, base_url=BASE) as client:
            assert time.monotonic() - t < 5
            assert client.get("/events").status_code == 200, "served while the warm-up goes on"
    finally:
        release.set()


def test_load_script_refuses_other_machines(load_script: ModuleType) -> None:
    assert load_script.loopback_only("127.0.0.1") == "127.0.0.1"
    assert load_script.loopback_only("[::1]") == "::1"
    assert load_script.loopback_only("localhost") == "localhost"
    for host in ("192.0.2.1", "10.0.0.1", "8.8.8.8", "0.0.0.0"):
        with pytest.raises(SystemExit, match="not a loopback"):
            load_script.loopback_only(host)
    with pytest.raises(SystemExit):
        load_script.main(["--db", str(LOAD_SCRIPT), "--url", "http://192.0.2.1:8000/", "--no-write"])


def test_load_script_percentiles_and_block(load_script: ModuleType, tmp_path: Path) -> None:
    values = [float(i) for i in range(1, 101)]
    assert [load_script.percentile(values, p) for p in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    assert load_script.percentile([], 50) == 0.0
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nother figures\n", encoding="utf-8")
    block = f"{load_script.BEGIN}\nfirst\n{load_script.END}"
    load_script.write_block(doc, block)
    load_script.write_block(doc, block.replace("first", "second"))
    text = doc.read_text(encoding="utf-8")
    assert text.count(load_script.BEGIN) == 1 and "second" in text and "first" not in text
    assert text.startswith("# Performance\n\nother figures\n")
