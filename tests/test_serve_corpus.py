"""The small corpus the web interface's tests serve, and the facts about it those tests rely on.

Short Arabic and Persian articles written for these tests (a meeting told in both languages, an
agreement, a condemnation, hostile markup in a title, an outlet name, a URL and the text), analysed by
the real pipeline and stored through the store's own ingest. `build_corpus` is imported by
test_serve.py and test_browser.py; the tests here fail first when the corpus stops having what they need.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rasad.pipeline import Pipeline
from rasad.records import InputDoc
from rasad.store.db import connect
from rasad.store.ingest import ingest_documents

ARABIC_NAME = "رحيم زاده"  # as the Arabic report writes it
PERSIAN_NAME = "رحیم‌زاده"  # the Persian spelling: Persian yeh, a zero-width non-joiner
XSS_TITLE = "<script>alert('title')</script><img src=x onerror=alert(2)>"
XSS_OUTLET = "<b onmouseover=alert(3)>Evil Outlet</b>"
XSS_URL = "javascript:alert(4)"

ARTICLES = (
    InputDoc(
        "ar-dushanbe",
        "دوشنبه (أ ف ب) - استقبل وزير الداخلية الطاجيكي رمضان رحيم زاده اليوم الاثنين في دوشنبه وزير الداخلية "
        "الإيراني أحمد وحيدي، وبحث الجانبان تعزيز التعاون في مكافحة تهريب المخدرات عبر الحدود المشتركة.\n\n"
        "وقال رحيم زاده إن البلدين ضبطا أكثر من 1200 كيلوغرام من المخدرات خلال عام 2023، وإن الجانبين اتفقا على "
        "تبادل المعلومات الأمنية.",
        title="رحيم زاده يستقبل وحيدي في دوشنبه",
        published="2024-05-13",
        source="Test Arabic Agency",
        url="https://example.invalid/ar-dushanbe",
    ),
    InputDoc(
        "fa-dushanbe",
        "دوشنبه - احمد وحیدی وزیر کشور ایران روز دوشنبه در دوشنبه با رمضان رحیم‌زاده وزیر امور داخله تاجیکستان "
        "دیدار و درباره مبارزه با قاچاق مواد مخدر گفتگو کرد.",
        title="دیدار وحیدی و رحیم‌زاده در دوشنبه",
        published="2024-05-13",
        source="Test Persian News",
    ),
    InputDoc(
        "fa-tehran",
        "تهران - احمد وحیدی وزیر کشور ایران امروز در تهران با سفیر تاجیکستان دیدار و درباره امنیت مرزها و "
        "مبارزه با تروریسم گفتگو کرد.",
        title="دیدار وزیر کشور با سفیر تاجیکستان",
        published="2023-11-02",
        source="Test Persian News",
    ),
    InputDoc(
        "ar-cairo",
        "القاهرة - وقع وزير الخارجية المصري سامح شكري ونظيره الصيني وانغ يي اليوم الأربعاء في القاهرة مذكرة تفاهم "
        "للتعاون في مجال مكافحة الإرهاب وتبادل المعلومات الأمنية.",
        title="مصر والصين توقعان مذكرة تفاهم أمنية",
        published="2023-12-06",
        source="Test Arabic Agency",
    ),
    InputDoc(
        "fa-border",
        "تهران - سخنگوی وزارت امور خارجه ایران امروز حمله طالبان به پاسگاه مرزی در مرز افغانستان را محکوم کرد و از "
        "طالبان خواست امنیت مرز را تأمین کند.",
        title="ایران حمله مرزی را محکوم کرد",
        published="2024-02-20",
        source="Test Persian News",
    ),
    InputDoc(
        "fa-xss",
        "تهران - <script>alert(5)</script> سخنگوی وزارت امور خارجه ایران امروز حمله نیروهای پاکستانی به پاسگاه "
        "مرزی در مرز پاکستان را محکوم کرد <img src=x onerror=alert(6)> و از اسلام‌آباد خواست امنیت مرز را تأمین کند.",
        title=XSS_TITLE,
        published="2024-03-01",
        source=XSS_OUTLET,
        url=XSS_URL,
    ),
)


def build_corpus(pipeline: Pipeline, path: Path) -> Path:
    conn = connect(path).conn
    try:
        stats = ingest_documents(conn, [pipeline.analyze(a) for a in ARTICLES])
    finally:
        conn.close()
    assert stats.added == len(ARTICLES), stats
    return path


def test_corpus_has_what_the_web_tests_need(pipeline: Pipeline, tmp_path: Path) -> None:
    db = build_corpus(pipeline, tmp_path / "corpus.db")
    conn = sqlite3.connect(db)
    try:
        langs = {r[0] for r in conn.execute("SELECT lang FROM documents")}
        assert langs == {"ar", "fa"}
        dyads = {r[0] for r in conn.execute("SELECT dyad FROM events")}
        assert "IRN-TJK" in dyads, dyads
        assert conn.execute("SELECT count(*) FROM events e JOIN documents d ON d.id = e.document_id "
                            "WHERE d.source = ?", (XSS_OUTLET,)).fetchone()[0] > 0  # fmt: skip
        arabic = conn.execute("SELECT text FROM documents WHERE name = 'ar-dushanbe'").fetchone()[0]
        assert ARABIC_NAME in arabic and PERSIAN_NAME not in arabic
        persons = {r[0] for r in conn.execute("SELECT name FROM actors WHERE type = 'PERSON'")}
        assert persons, "no person reached the actor registry"
    finally:
        conn.close()
