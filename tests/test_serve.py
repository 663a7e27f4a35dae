"""The web interface through FastAPI's test client, on a small corpus analysed by the real pipeline."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sqlite3
import warnings
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import click
import jsonschema
import pytest

from rasad.cli.serve import DEMO_DB, allowed_hosts, find_database
from rasad.pipeline import Pipeline
from rasad.serve.app import create_app
from rasad.serve.i18n import LANGUAGES, load_catalogues
from rasad.store.db import StoreError
from rasad.store.export import plover_schema
from test_serve_corpus import ARABIC_NAME, PERSIAN_NAME, XSS_OUTLET, XSS_TITLE, build_corpus

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about httpx's successor
    from fastapi.testclient import TestClient

BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def db(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(pipeline, tmp_path_factory.mktemp("serve") / "corpus.db")


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(db), base_url=BASE)


def sql(db: Path, query: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in conn.execute(query, args)]
    finally:
        conn.close()


class _Text(HTMLParser):
    """Text content of the elements with a given id, and every element opened (tag, attrs)."""

    def __init__(self, wanted_id: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted_id
        self.depth = 0
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if self.depth:
            self.depth += 1
        elif self.wanted is not None and a.get("id") == self.wanted:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def parse(html: str, wanted_id: str | None = None) -> _Text:
    p = _Text(wanted_id)
    p.feed(html)
    return p


def event_uids(db: Path, where: str = "1", args: tuple[object, ...] = ()) -> list[str]:
    return [str(r[0]) for r in sql(db, f"SELECT e.uid FROM events e JOIN documents d ON d.id = e.document_id "
                                       f"WHERE {where} ORDER BY e.id", args)]  # fmt: skip


# --------------------------------------------------------------------------- every route


def test_every_page_answers(client: TestClient, db: Path) -> None:
    uid = event_uids(db)[0]
    doc = sql(db, "SELECT uid FROM documents LIMIT 1")[0][0]
    story = sql(db, "SELECT min(id) FROM stories")[0][0]
    person = sql(db, "SELECT key FROM actors WHERE type = 'PERSON' LIMIT 1")[0][0]
    org = sql(db, "SELECT key FROM actors WHERE type = 'ORG' LIMIT 1")[0][0]
    urls = [
        "/", "/events", "/events?dyad=IRN-TJK", "/events.csv", "/events.json", "/events.plover.json",
        f"/event/{uid}", f"/story/{story}", f"/story/S{story}", f"/document/{doc}", "/actors", "/actors?type=PERSON",
        "/actor/IRN", f"/actor/{quote(str(person), safe=':')}", f"/actor/{quote(str(org), safe=':')}",
        "/dyad/IRN-TJK", "/network", "/network?kind=actors", "/search", f"/search?q={PERSIAN_NAME}",
        "/palette.css", "/static/rasad.css",
    ]  # fmt: skip
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        if url.endswith((".css", ".csv", ".json")):
            continue
        assert r.headers["content-type"].startswith("text/html"), url
        assert "<html" in r.text and "</html>" in r.text, url


def test_unknown_ids_are_404(client: TestClient) -> None:
    for url in ("/event/0000000000000000-1", "/event/nonsense", "/event/..%2F..%2Fetc%2Fpasswd", "/story/999999",
                "/story/Sx", "/document/ffffffffffffffff", "/document/abc", "/actor/NOPE", "/actor/PER:XXX:nobody",
                "/dyad/IRN-TJK-", "/dyad/1RN", "/no-such-page", "/static/../pyproject.toml",
                "/static/%2e%2e/%2e%2e/pyproject.toml"):  # fmt: skip
        r = client.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert "pyproject" not in r.text or url.startswith("/static")


def test_dyad_url_is_made_canonical(client: TestClient) -> None:
    r = client.get("/dyad/tjk-irn", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/dyad/IRN-TJK"


# --------------------------------------------------------------------------- overview


def test_overview_counts_match_the_store(client: TestClient, db: Path) -> None:
    html = client.get("/").text
    n_events = sql(db, "SELECT count(*) FROM events")[0][0]
    n_docs = sql(db, "SELECT count(*) FROM documents")[0][0]
    assert f'<span class="kpi-n">{n_events}</span>' in html
    assert f'<span class="kpi-n">{n_docs}</span>' in html
    for type_, n in sql(db, "SELECT type, count(*) FROM events GROUP BY type"):
        row = re.search(rf'href="/events\?type={type_}">.*?<td class="num">(\d+)</td>', html, re.S)
        assert row is not None and int(row.group(1)) == n, type_
    assert 'href="/dyad/IRN-TJK"' in html
    assert '<svg class="chart timeline"' in html


def test_empty_database_shows_how_to_fill_it(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    connect_and_close(path)
    r = TestClient(create_app(path), base_url=BASE).get("/")
    assert r.status_code == 200
    assert "rasad ingest" in r.text


def connect_and_close(path: Path) -> None:
    from rasad.store.db import connect

    connect(path).conn.close()


# --------------------------------------------------------------------------- events table


def table_uids(html: str) -> list[str]:
    return re.findall(r'<td class="num nowrap"><a href="/event/([0-9a-f]{16}-\d+)">', html)


def test_events_filter_by_dyad_keeps_the_filter_in_links(client: TestClient, db: Path) -> None:
    expected = set(event_uids(db, "e.dyad = 'IRN-TJK'"))
    assert expected
    r = client.get("/events?dyad=TJK-IRN")
    assert set(table_uids(r.text)) == expected
    assert 'value="TJK-IRN"' in r.text
    assert "/events.csv?dyad=TJK-IRN" in r.text and "/events.plover.json?dyad=TJK-IRN" in r.text
    sort_link = re.search(r'href="(\?[^"]*sort=type[^"]*)"', r.text)
    assert sort_link and "dyad=TJK-IRN" in sort_link.group(1)


def test_events_filters_by_every_field(client: TestClient, db: Path) -> None:
    person = str(sql(db, "SELECT key FROM actors WHERE type = 'PERSON' AND id IN (SELECT actor_id FROM entities "
                         "WHERE id IN (SELECT entity_id FROM event_participants)) LIMIT 1")[0][0])  # fmt: skip
    cases = {
        "type=ACCUSE": "e.type = 'ACCUSE'",
        "state=AFG": "e.id IN (SELECT event_id FROM event_states WHERE state = 'AFG')",
        "language=ar": "d.lang = 'ar'",
        "outlet=Test+Persian+News": "d.source = 'Test Persian News'",
        "since=2024-01&until=2024-12": "e.when_date BETWEEN '2024-01-01' AND '2024-12-31'",
        "news=background": "e.historical = 1",
        f"actor={quote(person)}": "e.id IN (SELECT p.event_id FROM event_participants p JOIN entities en ON "
        f"en.id = p.entity_id JOIN actors a ON a.id = en.actor_id WHERE a.key = '{person}')",
        "topic=drug_trafficking": "e.id IN (SELECT event_id FROM event_topics WHERE topic = 'drug_trafficking')",
    }
    for params, where in cases.items():
        r = client.get(f"/events?{params}")
        assert r.status_code == 200, params
        assert set(table_uids(r.text)) == set(event_uids(db, where)), params


def test_events_sort_and_pages(client: TestClient, db: Path) -> None:
    asc = [str(r[0]) for r in sql(db, "SELECT uid FROM events ORDER BY when_date ASC, when_date DESC, id DESC")]
    html = client.get("/events?sort=date&dir=asc").text
    assert table_uids(html) == asc
    page2 = client.get("/events?sort=date&dir=asc&per=2&page=2").text
    assert table_uids(page2) == asc[2:4]
    assert 'aria-sort="ascending"' in html
    by_type = table_uids(client.get("/events?sort=type&dir=asc").text)
    types = dict(sql(db, "SELECT uid, type FROM events"))
    assert [types[u] for u in by_type] == sorted(types[u] for u in by_type)


# --------------------------------------------------------------------------- downloads


def test_downloads_hold_the_current_filter(client: TestClient, db: Path) -> None:
    expected = set(event_uids(db, "e.dyad = 'IRN-TJK'"))
    r = client.get("/events.csv?dyad=IRN-TJK")
    assert r.headers["content-disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {row["id"] for row in rows} == expected
    assert all(row["dyad"] == "IRN;TJK" for row in rows)
    records = client.get("/events.json?dyad=IRN-TJK").json()
    assert {rec["id"] for rec in records} == expected
    plover = client.get("/events.plover.json?dyad=IRN-TJK").json()
    validator = jsonschema.Draft202012Validator(plover_schema())
    assert plover and len(plover) <= len(expected)
    for rec in plover:
        validator.validate(rec)
        assert rec["id"] in expected


def test_csv_cells_cannot_run_as_formulas(client: TestClient) -> None:
    from rasad.serve.downloads import _cell

    assert _cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("-0.5") == "-0.5"
    assert _cell(["IRN", "TJK"]) == "IRN;TJK"
    assert _cell(None) == ""


# --------------------------------------------------------------------------- event and story pages


def test_event_page_highlights_the_evidence_in_the_original_text(client: TestClient, db: Path) -> None:
    for uid, evidence, start, end, lang, text in sql(
        db,
        "SELECT e.uid, e.evidence, e.evidence_start, e.evidence_end, d.lang, d.text FROM events e "
        "JOIN documents d ON d.id = e.document_id",
    ):
        html = client.get(f"/event/{uid}").text
        marked = "".join(parse(html, f"evidence-{uid}").text)
        assert marked == evidence == str(text)[int(start) : int(end)], uid  # type: ignore[call-overload]
        article = re.search(rf'<div class="report-body" dir="(\w+)" lang="{lang}">', html)
        assert article and article.group(1) == "rtl"


def test_event_page_gives_codes_with_meanings_and_participants(client: TestClient, db: Path) -> None:
    uid, cameo, type_ = sql(db, "SELECT uid, cameo, type FROM events WHERE dyad = 'IRN-TJK' AND cameo IS NOT NULL")[0]
    html = client.get(f"/event/{uid}").text
    label = sql_tsv_label(str(cameo))
    assert label and label in html
    assert f'class="badge t-{type_}"' in html
    for name, native in sql(db, "SELECT coalesce(a.name, en.name), en.native FROM event_participants p "
                                "JOIN entities en ON en.id = p.entity_id LEFT JOIN actors a ON a.id = en.actor_id "
                                "JOIN events e ON e.id = p.event_id WHERE e.uid = ?", (uid,)):  # fmt: skip
        assert f"<bdi>{name}</bdi>" in html
        assert str(native) in html


def sql_tsv_label(code: str) -> str | None:
    from rasad.serve.labels import load_labels

    info = load_labels().cameo_info(code)
    return info.label if info else None


def test_entity_mentions_are_marked_at_their_stored_offsets(client: TestClient, db: Path) -> None:
    doc_uid, doc_id, text = sql(db, "SELECT uid, id, text FROM documents WHERE name = 'ar-dushanbe'")[0]
    article = client.get(f"/document/{doc_uid}").text.split('<div class="article"', 1)[1]
    spans = re.findall(r'<(?:a|span) class="m m-(\w+)"[^>]*>([^<]*)<', article)
    stored = sql(db, "SELECT en.type, m.text FROM mentions m JOIN entities en ON en.id = m.entity_id "
                     "WHERE en.document_id = ?", (doc_id,))  # fmt: skip
    assert sorted(spans) == sorted((str(t), str(x)) for t, x in stored)
    assert ARABIC_NAME in str(text)


def test_story_page_shows_every_report(client: TestClient, db: Path) -> None:
    for (story,) in sql(db, "SELECT id FROM stories"):
        reports = event_uids(db, "e.story_id = ?", (story,))
        html = client.get(f"/story/{story}").text
        for uid in reports:
            assert f'id="evidence-{uid}"' in html


# --------------------------------------------------------------------------- actors, dyads, network


def test_actor_page_lists_name_forms_in_every_script(client: TestClient, db: Path) -> None:
    key, actor_id = sql(db, "SELECT key, id FROM actors WHERE key LIKE 'PER:TJK:%'")[0]
    html = client.get(f"/actor/{quote(str(key), safe=':')}").text
    variants = sql(db, "SELECT name, script FROM actor_names WHERE actor_id = ?", (actor_id,))
    assert {s for _, s in variants} >= {"Arab", "Latn"}
    for name, _ in variants:
        assert str(name) in html
    assert "Ahmad Vahidi" in html  # the counterpart met in both reports


def test_state_actor_page_counts_its_events(client: TestClient, db: Path) -> None:
    html = client.get("/actor/TJK").text
    for type_, n in sql(db, "SELECT e.type, count(*) FROM events e JOIN event_states s ON s.event_id = e.id "
                            "WHERE s.state = 'TJK' GROUP BY e.type"):  # fmt: skip
        assert re.search(rf't-{type_}"[^>]*>{type_}</span></td><td class="num">{n}</td>', html), type_
    assert 'href="/dyad/IRN-TJK"' in html


def test_dyad_page_draws_each_month_and_type(client: TestClient, db: Path) -> None:
    html = client.get("/dyad/IRN-TJK").text
    cells = sql(db, "SELECT substr(when_date, 1, 7), type, count(*) FROM events WHERE dyad = 'IRN-TJK' "
                    "AND historical = 0 GROUP BY 1, 2")  # fmt: skip
    titles = re.findall(r"<rect [^>]*><title>([^<]*)</title></rect>", html)
    assert sorted(titles) == sorted(f"{m} · {t}: {n}" for m, t, n in cells)
    for (story,) in sql(db, "SELECT DISTINCT story_id FROM events WHERE dyad = 'IRN-TJK'"):
        assert f'href="/story/{story}"' in html


def test_dyad_without_events_has_an_empty_state(client: TestClient) -> None:
    r = client.get("/dyad/FRA-NZL")
    assert r.status_code == 200 and 'class="empty"' in r.text


def test_network_links_states_by_their_events(client: TestClient, db: Path) -> None:
    html = client.get("/network").text
    pairs = {tuple(str(d).split("-")) for (d,) in sql(db, "SELECT dyad FROM events WHERE dyad LIKE '%-%'")}
    assert html.count('<line class="edge"') == len(pairs)
    assert html.count('<circle class="node"') == len({s for p in pairs for s in p})
    only = client.get("/network?type=ACCUSE").text
    accuse = {str(d) for (d,) in sql(db, "SELECT dyad FROM events WHERE type = 'ACCUSE' AND dyad LIKE '%-%'")}
    assert only.count('<line class="edge"') == len(accuse)
    assert client.get("/network?type=BOGUS").status_code == 422
    assert client.get("/network?since=2099").status_code == 200


# --------------------------------------------------------------------------- search


def test_search_in_persian_finds_the_arabic_spelling(client: TestClient, db: Path) -> None:
    arabic_doc = sql(db, "SELECT uid FROM documents WHERE name = 'ar-dushanbe'")[0][0]
    html = client.get("/search", params={"q": PERSIAN_NAME}).text
    assert f'href="/document/{arabic_doc}"' in html
    marked = re.findall(r'<mark class="hit">([^<]*)</mark>', html)
    assert ARABIC_NAME in marked and PERSIAN_NAME.replace("\u200c", "\u200c") in marked


def test_search_survives_query_syntax(client: TestClient) -> None:
    for q in ('"', "NEAR(a b)", "* OR 1=1 --", "'; DROP TABLE events; --", "()", "\u200c"):
        r = client.get("/search", params={"q": q})
        assert r.status_code == 200, q
    assert client.get("/search", params={"q": "x" * 201}).status_code == 422


# --------------------------------------------------------------------------- hostile input


def test_markup_in_titles_outlets_urls_and_text_is_only_text(client: TestClient, db: Path) -> None:
    doc_uid, doc_id = sql(db, "SELECT uid, id FROM documents WHERE name = 'fa-xss'")[0]
    ev_uid = event_uids(db, "e.document_id = ?", (doc_id,))[0]
    pages = [f"/document/{doc_uid}", f"/event/{ev_uid}", "/events", "/", "/search?q=alert", "/dyad/IRN-PAK"]
    for url in pages:
        html = client.get(url).text
        tags = {tag for tag, _ in parse(html).elements}
        assert "script" not in tags and "img" not in tags, url
        assert not any(k.startswith("on") for _, attrs in parse(html).elements for k in attrs), url
        assert "javascript:" not in html, url
    html = client.get(f"/document/{doc_uid}").text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=alert(3)&gt;Evil Outlet&lt;/b&gt;" in html
    assert XSS_TITLE not in html and XSS_OUTLET not in html


def test_malformed_and_oversized_parameters_are_refused(client: TestClient) -> None:
    cases = {
        "/events?since=last-week": 422,
        "/events?until=2024-1": 422,
        "/events?page=0": 422,
        "/events?page=abc": 422,
        "/events?per=100000": 422,
        "/events?sort=evil": 422,
        "/events?sort=e.id;DROP": 422,
        "/events?dir=sideways": 422,
        "/events?dyad=" + "A" * 100: 422,
        "/events?dyad=IRN'--": 422,
        "/events?type=NOT_A_TYPE": 422,
        "/events?cameo=04x": 422,
        "/events?story=S1;x": 422,
        "/events?actor=x'+OR+1=1+--": 422,
        "/events.csv?type=NOPE": 422,
        "/events.json?actor=nobody": 422,
        "/actors?type=ROBOT": 422,
        "/network?nodes=100000": 422,
        "/?lang=xx": 400,
        "/events?lang=en&lang=fa": 400,
        "/events?text=" + "a" * 3000: 414,
    }
    for url, status in cases.items():
        r = client.get(url)
        assert r.status_code == status, (url, r.status_code)
        assert "Traceback" not in r.text


def test_methods_other_than_get_are_refused(client: TestClient) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        assert client.request(method, "/events").status_code == 405, method
    head = client.head("/events")
    assert head.status_code == 200 and head.headers["x-frame-options"] == "DENY"
    assert client.get("/analyse").status_code == 404  # off unless allowed
    assert client.post("/analyse", data={"text": "x"}).status_code in (404, 405)


def test_host_header_must_name_this_machine(client: TestClient) -> None:
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_security_headers_on_every_response(client: TestClient) -> None:
    for url in ("/", "/no-such-page", "/events?page=0", "/static/rasad.css", "/events.csv", "/?lang=xx"):
        h = client.get(url).headers
        assert h["content-security-policy"].startswith("default-src 'self'"), url
        assert "script-src 'self'" in h["content-security-policy"] and "unsafe-inline" not in h[
            "content-security-policy"]  # fmt: skip
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"


def test_pages_use_no_inline_script_or_style(client: TestClient, db: Path) -> None:
    uid = event_uids(db)[0]
    for url in ("/", "/events", f"/event/{uid}", "/dyad/IRN-TJK", "/network", "/actor/IRN"):
        elements = parse(client.get(url).text).elements
        assert not [t for t, _ in elements if t in ("script", "style")], url
        assert not [a for _, a in elements if "style" in a], url
        for tag, attrs in elements:
            if tag == "link":
                assert str(attrs.get("href", "")).startswith("/"), url  # nothing from elsewhere


def test_the_database_is_never_written(client: TestClient, db: Path) -> None:
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for url in ("/", "/events", "/network?kind=actors", "/search?q=x", "/events.plover.json", "/actor/IRN"):
        client.get(url)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    site = client.app.state.site  # type: ignore[attr-defined]
    with site.conn() as conn, pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM events")


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError):
        create_app(other)
    with pytest.raises(StoreError):
        create_app(tmp_path / "missing.db")


# --------------------------------------------------------------------------- analyse


def test_analyse_draws_entities_and_events_on_pasted_text(db: Path, pipeline: Pipeline) -> None:
    c = TestClient(create_app(db, allow_analyse=True, max_body=50_000, pipeline=pipeline), base_url=BASE)
    assert c.get("/analyse").status_code == 200
    text = "تهران - سخنگوی وزارت امور خارجه ایران امروز حمله طالبان به پاسگاه مرزی در مرز افغانستان را محکوم کرد."
    html = c.post("/analyse", data={"text": text, "published": "2024-02-20"}).text
    assert 'class="m m-COUNTRY"' in html
    assert 'id="evidence-1"' in html
    assert "".join(parse(html, "evidence-1").text) in text
    upload = c.post("/analyse", files={"file": ("a.txt", text.encode(), "text/plain")})
    assert upload.status_code == 200 and 'id="evidence-1"' in upload.text
    assert c.post("/analyse", data={"text": "x" * 60_000}).status_code == 413
    hostile = c.post("/analyse", data={"text": "<script>alert(1)</script> ایران"}).text
    assert "<script>alert(1)" not in hostile and "&lt;script&gt;alert(1)" in hostile


# --------------------------------------------------------------------------- interface languages


def test_language_switch_flips_the_page_and_sticks(db: Path) -> None:
    client = TestClient(create_app(db), base_url=BASE)
    assert '<html lang="en" dir="ltr">' in client.get("/").text
    r = client.get("/events?lang=fa")
    assert '<html lang="fa" dir="rtl">' in r.text and "رویدادها" in r.text
    assert r.cookies.get("rasad_lang") == "fa"
    assert '<html lang="fa" dir="rtl">' in client.get("/events").text  # the cookie remembers
    ar = client.get("/?lang=ar").text
    assert '<html lang="ar" dir="rtl">' in ar and "نظرة عامة" in ar
    client.cookies.set("rasad_lang", "zz")
    assert '<html lang="en" dir="ltr">' in client.get("/").text


def test_message_catalogues_are_complete_and_cover_the_templates() -> None:
    cats = load_catalogues()
    keys = set(cats["en"])
    placeholders = {k: set(re.findall(r"\{(\w+)\}", v)) for k, v in cats["en"].items()}
    for lang in LANGUAGES:
        assert set(cats[lang]) == keys, lang
        for k, v in cats[lang].items():
            assert set(re.findall(r"\{(\w+)\}", v)) == placeholders[k], (lang, k)
    templates = Path(__file__).resolve().parents[1] / "src" / "rasad" / "serve" / "templates"
    used = set()
    for f in templates.glob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_.]+)'", f.read_text(encoding="utf-8")))
    assert {k for k in used if not k.endswith(".")} - keys == set()
    # keys the templates compose from a code: every code they can meet has its message
    from rasad.records import ENTITY_TYPES
    from rasad.serve.labels import load_labels

    composed = {f"quad.{q}" for q in (1, 2, 3, 4)} | {"side.source", "side.target", "unit.month", "unit.quarter",
                                                      "unit.year"}  # fmt: skip
    composed |= {f"entity.{e}" for e in ENTITY_TYPES} | {f"actor.type.{a}" for a in ("PERSON", "ORG", "STATE")}
    composed |= {f"type.{t}" for t in load_labels().types} | {f"error.{c}" for c in (400, 404, 405, 413, 414, 422)}
    assert composed - keys == set()


# --------------------------------------------------------------------------- rasad serve


def test_serve_finds_the_database_or_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(click.ClickException, match="rasad demo"):
        find_database(None, cwd=tmp_path)
    (tmp_path / DEMO_DB).write_bytes(b"")
    assert find_database(None, cwd=tmp_path) == tmp_path / DEMO_DB
    (tmp_path / "rasad.db").write_bytes(b"")
    assert find_database(None, cwd=tmp_path) == tmp_path / "rasad.db"
    with pytest.raises(click.ClickException, match="no such database"):
        find_database(str(tmp_path / "missing.db"))
    assert "*" not in allowed_hosts("127.0.0.1") and allowed_hosts("0.0.0.0") == ["*"]


def test_serve_command_refuses_a_bad_database(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from rasad.cli import main

    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    result = CliRunner().invoke(main, ["serve", "--db", str(bad)])
    assert result.exit_code == 1 and "not a" in result.output
    assert "Traceback" not in result.output


def test_a_state_known_only_from_dyads_still_has_a_page(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(db)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute("UPDATE entities SET actor_id = NULL WHERE actor_id = (SELECT id FROM actors WHERE key = 'AFG')")
    dst.execute("DELETE FROM actor_names WHERE actor_id = (SELECT id FROM actors WHERE key = 'AFG')")
    dst.execute("DELETE FROM actors WHERE key = 'AFG'")
    dst.commit()
    dst.close()
    c = TestClient(create_app(copy), base_url=BASE)
    r = c.get("/actor/AFG")
    assert r.status_code == 200 and "Afghanistan" in r.text
    assert 'href="/dyad/AFG-IRN"' in r.text
    assert c.get("/actor/FRA").status_code == 404  # a state in no event


def test_cached_aggregates_follow_new_data(pipeline: Pipeline, tmp_path: Path) -> None:
    from rasad.records import InputDoc
    from rasad.store.db import connect
    from rasad.store.ingest import ingest_documents

    path = build_corpus(pipeline, tmp_path / "growing.db")
    c = TestClient(create_app(path), base_url=BASE)
    before = sql(path, "SELECT count(*) FROM documents")[0][0]
    assert f'<span class="kpi-n">{before}</span>' in c.get("/").text
    assert f'<span class="kpi-n">{before}</span>' in c.get("/").text  # served from the cache
    conn = connect(path).conn
    more = InputDoc(
        "fa-more",
        "تهران - سخنگوی وزارت امور خارجه ایران امروز حمله به پاسگاه مرزی در مرز عراق را محکوم کرد و از بغداد "
        "خواست امنیت مرز را تأمین کند.",
        published="2024-06-01",
    )
    ingest_documents(conn, [pipeline.analyze(more)])
    assert sql(path, "SELECT count(*) FROM documents")[0][0] == before + 1
    html = c.get("/").text  # read while the writer still holds the database open
    conn.close()
    assert f'<span class="kpi-n">{before + 1}</span>' in html
