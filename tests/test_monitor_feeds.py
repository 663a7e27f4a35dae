"""Feed parsing (RSS 2.0, RSS 1.0, Atom, news sitemaps), hostile XML, canonical URLs and intervals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasad.monitor.feeds import MAX_ITEMS, FeedError, canonical_url, parse_feed
from rasad.monitor.schema import MonitorError
from rasad.monitor.sources import format_interval, parse_interval

BASE = "https://news.example.invalid/feeds/main.xml"


def test_rss2_items_links_dates_and_cleanup() -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>أخبار اليوم</title>
    <item><title>خبر أول</title><link>/politics/1.html?utm_source=rss&amp;id=7</link>
      <pubDate>Tue, 10 Jun 2025 09:15:00 +0300</pubDate></item>
    <item><title>خبر ثان</title><guid>https://news.example.invalid/2.html</guid>
      <dc:date>2025-06-11T08:00:00+03:30</dc:date></item>
    <item><title>no address</title><guid isPermaLink="false">abc-3</guid></item>
    <item><title>script</title><link>javascript:alert(1)</link></item>
    <item><title>again</title><link>https://NEWS.example.invalid/politics/1.html?id=7#top</link></item>
  </channel>
</rss>""".encode()
    feed = parse_feed(xml, BASE)
    assert feed.kind == "rss"
    assert feed.title == "أخبار اليوم"
    assert [i.url for i in feed.items] == [
        "https://news.example.invalid/politics/1.html?id=7",
        "https://news.example.invalid/2.html",
    ]
    assert feed.items[0].published == "2025-06-10T09:15:00+03:00"
    assert feed.items[0].title == "خبر أول"
    assert feed.items[1].published == "2025-06-11T08:00:00+03:30"


def test_rss_in_windows_1256_is_decoded_by_its_declaration() -> None:
    xml = '<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>الأخبار</title>' \
          "<item><title>زيارة رسمية</title><link>https://a.example.invalid/x</link></item></channel></rss>"  # fmt: skip
    feed = parse_feed(xml.encode("cp1256"), BASE)
    assert feed.title == "الأخبار"
    assert feed.items[0].title == "زيارة رسمية"


def test_atom_prefers_the_html_alternate_link() -> None:
    xml = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Khabar</title>
  <entry>
    <id>tag:x,2025:1</id><title>one</title>
    <link rel="self" href="https://x.example.invalid/api/1.json"/>
    <link rel="enclosure" href="https://x.example.invalid/1.mp3"/>
    <link rel="alternate" type="text/html" href="news/1.html"/>
    <updated>2025-06-10T11:40:00+03:30</updated>
  </entry>
  <entry><id>tag:x,2025:2</id><title>two</title><link href="https://x.example.invalid/news/2.html"/>
    <published>2025-06-09T08:00:00Z</published><updated>2025-06-12T08:00:00Z</updated></entry>
</feed>"""
    feed = parse_feed(xml, "https://x.example.invalid/fa/atom.xml")
    assert feed.kind == "atom"
    assert [i.url for i in feed.items] == [
        "https://x.example.invalid/fa/news/1.html",
        "https://x.example.invalid/news/2.html",
    ]
    assert feed.items[0].published == "2025-06-10T11:40:00+03:30"
    assert feed.items[1].published == "2025-06-09T08:00:00+00:00"  # published wins over updated
    assert feed.items[0].guid == "tag:x,2025:1"


def test_rss1_rdf() -> None:
    xml = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://r.example.invalid/"><title>R</title></channel>
  <item rdf:about="https://r.example.invalid/a"><title>A</title><link>https://r.example.invalid/a</link>
    <dc:date>2025-06-10</dc:date></item>
</rdf:RDF>"""
    feed = parse_feed(xml, BASE)
    assert (feed.kind, feed.title) == ("rdf", "R")
    assert feed.items[0].url == "https://r.example.invalid/a"
    assert feed.items[0].published == "2025-06-10T00:00:00"


def test_news_sitemap() -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://s.example.invalid/fa/news/78</loc>
    <image:image><image:loc>https://s.example.invalid/img/78.jpg</image:loc></image:image>
    <news:news>
      <news:publication><news:name>خبر</news:name><news:language>fa</news:language></news:publication>
      <news:publication_date>2025-06-11T12:00:00+03:30</news:publication_date>
      <news:title>دیدار وزیران</news:title>
    </news:news>
  </url>
  <url><loc>https://s.example.invalid/fa/news/79</loc><lastmod>2025-06-12</lastmod></url>
</urlset>""".encode()
    feed = parse_feed(xml, BASE)
    assert feed.kind == "sitemap"
    assert [i.url for i in feed.items] == ["https://s.example.invalid/fa/news/78", "https://s.example.invalid/fa/news/79"]
    assert feed.items[0].title == "دیدار وزیران"
    assert feed.items[0].published == "2025-06-11T12:00:00+03:30"
    assert feed.items[1].published == "2025-06-12T00:00:00"


def test_sitemap_index_says_what_to_add_instead() -> None:
    xml = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://s.example.invalid/sitemap-news.xml</loc></sitemap></sitemapindex>"""
    with pytest.raises(FeedError, match=r"sitemap index.*sitemap-news\.xml"):
        parse_feed(xml, BASE)


def test_items_are_bounded() -> None:
    items = "".join(f"<item><link>https://b.example.invalid/{i}</link></item>" for i in range(MAX_ITEMS + 10))
    feed = parse_feed(f"<rss><channel>{items}</channel></rss>".encode(), BASE)
    assert len(feed.items) == MAX_ITEMS


# --------------------------------------------------------------------------- hostile and broken input

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY a "lollollollollollollollollollol">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<rss version="2.0"><channel><title>&d;</title></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title>
<item><link>https://e.example.invalid/1</link></item></channel></rss>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/never-fetched.dtd">
<rss version="2.0"><channel><title>t</title><item><link>https://e.example.invalid/1</link></item></channel></rss>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["entity-expansion", "external-entity"])
def test_entity_declarations_are_refused(xml: bytes) -> None:
    with pytest.raises(FeedError, match="entit"):
        parse_feed(xml, BASE)


def test_an_external_dtd_is_never_loaded() -> None:
    # a DOCTYPE naming a DTD is harmless as long as nothing is fetched: the feed reads as usual
    feed = parse_feed(EXTERNAL_DTD, BASE)
    assert [i.url for i in feed.items] == ["https://e.example.invalid/1"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<!DOCTYPE html><html><body><p>Service unavailable</p></body></html>", "HTML"),
        (b"<rss><channel><item><link>x</link></channel></rss>", "not well-formed XML.*line 1"),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>", "XHTML"),
        (b"<catalog><book/></catalog>", "not a feed.*<catalog>"),
        (b"<rss version='2.0'/>", "without a channel"),
        (b"  \n ", "empty"),
        (b'{"items": []}', "not well-formed XML"),
    ],
)
def test_what_is_not_a_feed_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(data, BASE)


def test_leading_blank_line_before_the_declaration_is_tolerated() -> None:
    feed = parse_feed(b"\n\n<?xml version='1.0'?><rss><channel><title>x</title></channel></rss>", BASE)
    assert feed.title == "x"


# --------------------------------------------------------------------------- addresses and intervals


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM:80/a/b?utm_source=x&id=3#frag", "http://example.com/a/b?id=3"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://x.example/news/خبر?q=ایران", "https://x.example/news/%D8%AE%D8%A8%D8%B1?q=%D8%A7%DB%8C%D8%B1%D8%A7%D9%86"),
        ("https://x.example/a%20b?p=1", "https://x.example/a%20b?p=1"),
        ("https://x.example/?123", "https://x.example/?123"),  # a query that is not key=value stays as it is
        ("javascript:alert(1)", None),
        ("ftp://x.example/feed.xml", None),
        ("file:///etc/passwd", None),
        ("https://user:secret@x.example/", None),
        ("not a url", None),
    ],
)
def test_canonical_url(url: str, canonical: str | None) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("1h", 3600), ("1h30m", 5400), ("90s", 90), ("1d", 86400)])
def test_parse_interval(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds
    assert parse_interval(format_interval(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "15", "m", "15x", "10s", "1h 30", "-5m"])
def test_bad_intervals_are_refused(text: str) -> None:
    with pytest.raises(MonitorError):
        parse_interval(text)


_URL_PART = st.text(alphabet="abcXYZ019-._~%/=&?+ ايرانپژگ#:", max_size=30)


@given(host=st.sampled_from(["Example.com", "news.example.invalid", "127.0.0.1:8080"]), rest=_URL_PART)
def test_canonical_url_is_idempotent(host: str, rest: str) -> None:
    once = canonical_url(f"https://{host}/{rest}")
    if once is not None:
        assert canonical_url(once) == once
        assert " " not in once and "#" not in once
