"""A small news web site on 127.0.0.1 for the monitoring tests: feeds and article pages written for them.

`FeedServer` serves whatever routes a test sets (status, type, body, ETag, a hold before answering),
counts every request and keeps what was POSTed. `publish_site` fills it with two outlets that report
one meeting, one in Arabic (RSS 2.0) and one in Persian (Atom), a news sitemap and a robots.txt.
The articles are invented for these tests.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"  # None: no Content-Type header
    etag: str | None = None  # sent, and If-None-Match with it gives 304
    last_modified: str | None = None  # sent, and If-Modified-Since with it gives 304
    hold: float = 0.0  # seconds to wait before answering (ended early by FeedServer.release)
    statuses: list[int] = field(default_factory=list)  # statuses of the next requests, then `status`
    headers: dict[str, str] = field(default_factory=dict)


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.request_headers: list[tuple[str, dict[str, str]]] = []
        self.posts: list[tuple[str, bytes]] = []
        self.entered: dict[str, threading.Event] = {}  # path -> set when a request for it arrives
        self.release = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                server._serve(self, None)

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                server._serve(self, self.rfile.read(n))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        # a short poll interval so that stopping the server costs a few milliseconds, not half a second
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def set(self, path: str, route: Route) -> None:
        with self._lock:
            self.routes[path] = route
            self.entered.setdefault(path, threading.Event())

    def _serve(self, h: BaseHTTPRequestHandler, posted: bytes | None) -> None:
        path = h.path
        with self._lock:
            self.hits[path] += 1
            self.request_headers.append((path, dict(h.headers.items())))
            if posted is not None:
                self.posts.append((path, posted))
            route = self.routes.get(path)
            status = route.statuses.pop(0) if route and route.statuses else (route.status if route else 404)
            event = self.entered.get(path)
        if event is not None:
            event.set()
        if route is None:
            route = Route(b"not found", 404, "text/plain")
        if route.hold:
            self.release.wait(route.hold)
        not_modified = (route.etag and h.headers.get("If-None-Match") == route.etag) or (
            route.last_modified and h.headers.get("If-Modified-Since") == route.last_modified
        )
        body = b"" if not_modified else route.body
        try:
            h.send_response(304 if not_modified and status == 200 else status)
            if route.content_type:
                h.send_header("Content-Type", route.content_type)
            h.send_header("Content-Length", str(len(body)))
            if route.etag:
                h.send_header("ETag", route.etag)
            if route.last_modified:
                h.send_header("Last-Modified", route.last_modified)
            for k, v in route.headers.items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test, or a killed watcher)


# --------------------------------------------------------------------------- the site


def article_page(lang: str, site: str, title: str, paragraphs: list[str], published: str) -> bytes:
    paras = "\n".join(f"      <p>{p}</p>" for p in paragraphs)
    nav = "الرئيسية | سياسة | اقتصاد" if lang == "ar" else "صفحه اصلی | سیاسی | اقتصادی"
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="rtl">
  <head>
    <meta charset="utf-8">
    <title>{title} | {site}</title>
    <meta property="og:site_name" content="{site}">
    <meta property="article:published_time" content="{published}">
  </head>
  <body>
    <header><nav>{nav}</nav></header>
    <main>
      <h1>{title}</h1>
      <article>
{paras}
      </article>
    </main>
    <footer>© {site}</footer>
  </body>
</html>
""".encode()


AR_SITE = "الرصد العربي"
FA_SITE = "خبرنامه پارسی"

# One meeting told by two outlets: the foreign ministers of Iran and Tajikistan meet in Dushanbe.
AR_MEETING = (
    "وزير الخارجية الإيراني يلتقي نظيره الطاجيكي في دوشنبه",
    [
        "دوشنبه (وكالات) - التقى وزير الخارجية الإيراني نظيره الطاجيكي في دوشنبه يوم الثلاثاء، وبحث الجانبان "
        "التعاون في مكافحة تهريب المخدرات على الحدود.",
        "وقال الوزيران في مؤتمر صحفي مشترك إن الأجهزة الأمنية في البلدين ستتبادل المعلومات عن شبكات التهريب.",
        "ومن المقرر أن تعقد لجنة مشتركة اجتماعها الأول خلال الأشهر المقبلة.",
    ],
)
FA_MEETING = (
    "دیدار وزیران امور خارجه ایران و تاجیکستان در دوشنبه",
    [
        "وزیر امور خارجه ایران روز سه‌شنبه در دوشنبه با همتای تاجیک خود دیدار و درباره همکاری در مبارزه با "
        "قاچاق مواد مخدر گفت‌وگو کرد.",
        "به گفته دو وزیر، نهادهای امنیتی دو کشور اطلاعات خود درباره شبکه‌های قاچاق را با یکدیگر به اشتراک "
        "می‌گذارند.",
        "کمیسیون مشترک دو کشور نخستین نشست خود را در ماه‌های آینده برگزار خواهد کرد.",
    ],
)
# Unrelated reports
AR_CAIRO = (
    "وزير الخارجية المصري يستقبل نظيره السعودي في القاهرة",
    [
        "القاهرة - استقبل وزير الخارجية المصري في القاهرة يوم الاثنين نظيره السعودي وبحث معه تعزيز "
        "التعاون الاقتصادي بين البلدين.",
        "وتناول اللقاء الاستعدادات لاجتماع اللجنة العليا المشتركة المقرر عقده في الرياض.",
    ],
)
AR_ANKARA = (
    "الرئيس التركي يتصل بنظيره الأذربيجاني",
    [
        "أنقرة - أجرى الرئيس التركي اتصالا هاتفيا يوم الأربعاء مع نظيره الأذربيجاني بحثا خلاله العلاقات "
        "الثنائية والتطورات في المنطقة.",
        "وأكد الجانبان عزمهما على توسيع التعاون في مجال الطاقة والنقل.",
    ],
)
FA_MOSCOW = (
    "دیدار وزیران کشور روسیه و قزاقستان در مسکو",
    [
        "وزیر کشور روسیه روز چهارشنبه در مسکو با همتای قزاق خود دیدار و درباره مبارزه با تروریسم "
        "گفت‌وگو کرد.",
        "دو طرف بر ادامه همکاری نیروهای انتظامی در مرزهای مشترک تاکید کردند.",
    ],
)

ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def rss(base: str, title: str, items: list[tuple[str, str, str]]) -> bytes:
    """RSS 2.0: items as (path, title, pubDate)."""
    entries = "\n".join(
        f"""    <item>
      <title>{t}</title>
      <link>{base}{p}?utm_source=rss</link>
      <guid isPermaLink="false">{p}</guid>
      <pubDate>{d}</pubDate>
    </item>"""
        for p, t, d in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>{title}</title>
    <link>{base}/</link>
    <description>آخر الأخبار</description>
{entries}
  </channel>
</rss>
""".encode()


def atom(base: str, title: str, entries: list[tuple[str, str, str]]) -> bytes:
    """Atom: entries as (path, title, published); links relative to the feed."""
    body = "\n".join(
        f"""  <entry>
    <id>tag:example.invalid,2025:{p}</id>
    <title>{t}</title>
    <link rel="alternate" type="text/html" href="{p}"/>
    <published>{d}</published>
    <updated>{d}</updated>
  </entry>"""
        for p, t, d in entries
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{title}</title>
  <id>tag:example.invalid,2025:fa</id>
  <updated>2025-06-11T10:00:00+03:30</updated>
  <link rel="self" href="{base}/fa/atom.xml"/>
{body}
</feed>
""".encode()


def news_sitemap(base: str, urls: list[tuple[str, str, str]]) -> bytes:
    body = "\n".join(
        f"""  <url>
    <loc>{base}{p}</loc>
    <news:news>
      <news:publication><news:name>{FA_SITE}</news:name><news:language>fa</news:language></news:publication>
      <news:publication_date>{d}</news:publication_date>
      <news:title>{t}</news:title>
    </news:news>
  </url>"""
        for p, t, d in urls
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{body}
</urlset>
""".encode()


AR_FEED = "/ar/rss.xml"
FA_FEED = "/fa/atom.xml"
SITEMAP = "/fa/sitemap-news.xml"
AR_ITEMS = [
    ("/ar/news/1001.html", AR_MEETING, "Tue, 10 Jun 2025 09:15:00 +0300", "2025-06-10T09:15:00+03:00"),
    ("/ar/news/1002.html", AR_CAIRO, "Mon, 09 Jun 2025 13:00:00 +0300", "2025-06-09T13:00:00+03:00"),
]
AR_LATER = ("/ar/news/1003.html", AR_ANKARA, "Wed, 11 Jun 2025 16:20:00 +0300", "2025-06-11T16:20:00+03:00")
FA_ITEMS = [("/fa/news/77.html", FA_MEETING, "2025-06-10T11:40:00+03:30")]
SITEMAP_ITEMS = [("/fa/news/78.html", FA_MOSCOW, "2025-06-11T12:00:00+03:30")]


def publish_ar_feed(server: FeedServer, items: list[tuple[str, tuple[str, list[str]], str, str]], etag: str) -> None:
    server.set(
        AR_FEED,
        Route(
            rss(server.base, AR_SITE, [(p, t, d) for p, (t, _), d, _ in items]),
            content_type="application/rss+xml; charset=utf-8",
            etag=etag,
        ),
    )
    for path, (title, paras), _, iso in items:
        server.set(path, Route(article_page("ar", AR_SITE, title, paras, iso)))


def publish_site(server: FeedServer) -> None:
    """Both outlets, the sitemap and robots.txt, as the site stands on the first day."""
    server.set("/robots.txt", Route(ROBOTS, content_type="text/plain"))
    publish_ar_feed(server, AR_ITEMS, '"ar-1"')
    server.set(
        FA_FEED,
        Route(
            atom(server.base, FA_SITE, [(p, t, d) for p, (t, _), d in FA_ITEMS]),
            content_type="application/atom+xml",
            last_modified="Tue, 10 Jun 2025 08:10:00 GMT",
        ),
    )
    for path, (title, paras), iso in [*FA_ITEMS, *SITEMAP_ITEMS]:
        server.set(path, Route(article_page("fa", FA_SITE, title, paras, iso)))
    server.set(
        SITEMAP,
        Route(news_sitemap(server.base, [(p, t, d) for p, (t, _), d in SITEMAP_ITEMS]), content_type="text/xml"),
    )
