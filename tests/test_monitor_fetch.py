"""The polite HTTP client against a server on 127.0.0.1: conditional requests, politeness, retries,
timeouts, size caps, robots.txt, redirects and webhooks. Time is faked where waits are measured."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator

import pytest

from monitor_site import FeedServer, Route
from rasad import __version__
from rasad.monitor.fetch import FetchConfig, Fetcher, FetchError


class FakeTime:
    """A clock that moves only when the fetcher sleeps, so waits are exact and cost nothing."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def server() -> Iterator[FeedServer]:
    s = FeedServer().start()
    yield s
    s.stop()


def fetcher(fake: FakeTime | None = None, **kw: object) -> Fetcher:
    opts: dict[str, object] = {"delay": 0.0, "backoff": 0.01, "timeout": 5.0, "robots": False, "use_proxy": False}
    opts.update(kw)
    cfg = FetchConfig(**opts)  # type: ignore[arg-type]
    if fake is None:
        return Fetcher(cfg)
    return Fetcher(cfg, sleep=fake.sleep, clock=fake.clock)


def test_user_agent_names_rasad_and_etag_gives_304(server: FeedServer) -> None:
    server.set("/feed.xml", Route(b"<rss/>", content_type="application/rss+xml", etag='"v1"'))
    f = fetcher()
    first = f.get(server.url("/feed.xml"))
    assert (first.status, first.body, first.etag) == (200, b"<rss/>", '"v1"')
    assert first.content_type == "application/rss+xml"
    again = f.get(server.url("/feed.xml"), etag=first.etag)
    assert again.not_modified and again.body == b""
    ua = {h["User-Agent"] for _, h in server.request_headers}
    assert ua == {f"rasad/{__version__} (+https://example.invalid/rasad)"}
    assert server.request_headers[1][1]["If-None-Match"] == '"v1"'


def test_a_missing_content_type_is_not_guessed(server: FeedServer) -> None:
    server.set("/bare", Route(b"<html/>", content_type=None))
    assert fetcher().get(server.url("/bare")).content_type is None


def test_last_modified_gives_304(server: FeedServer) -> None:
    lm = "Tue, 10 Jun 2025 08:10:00 GMT"
    server.set("/atom.xml", Route(b"<feed/>", last_modified=lm))
    f = fetcher()
    assert f.get(server.url("/atom.xml")).last_modified == lm
    assert f.get(server.url("/atom.xml"), last_modified=lm).not_modified
    assert f.get(server.url("/atom.xml"), last_modified="Mon, 09 Jun 2025 08:10:00 GMT").status == 200


def test_politeness_delay_is_per_host(server: FeedServer) -> None:
    server.set("/a", Route(b"a"))
    fake = FakeTime()
    f = fetcher(fake, delay=5.0)
    f.get(server.url("/a"))
    assert fake.sleeps == []
    f.get(server.url("/a"))
    assert fake.sleeps == [5.0]
    f.get(f"http://localhost:{server.port}/a")  # another host name: its own turn, no wait
    assert fake.sleeps == [5.0]
    fake.now += 2.0  # time spent elsewhere counts toward the delay
    f.get(server.url("/a"))
    assert fake.sleeps == [5.0, 3.0]


def test_transient_failures_are_retried_with_exponential_backoff(server: FeedServer) -> None:
    server.set("/flaky", Route(b"ok", statuses=[500, 503]))
    fake = FakeTime()
    resp = fetcher(fake, retries=2, backoff=1.5).get(server.url("/flaky"))
    assert resp.body == b"ok"
    assert server.hits["/flaky"] == 3
    assert fake.sleeps == [1.5, 3.0]


def test_persistent_500_gives_up_after_the_retries(server: FeedServer) -> None:
    server.set("/down", Route(b"oops", status=500))
    fake = FakeTime()
    with pytest.raises(FetchError) as e:
        fetcher(fake, retries=2, backoff=1.0).get(server.url("/down"))
    assert e.value.transient and e.value.status == 500
    assert server.hits["/down"] == 3
    assert fake.sleeps == [1.0, 2.0]


def test_retry_after_is_honoured_up_to_the_cap(server: FeedServer) -> None:
    server.set("/busy", Route(b"ok", statuses=[429, 503], headers={"Retry-After": "7"}))
    fake = FakeTime()
    fetcher(fake, retries=2, backoff=1.0, max_backoff=5.0).get(server.url("/busy"))
    assert fake.sleeps == [5.0, 5.0]


def test_client_errors_are_not_retried(server: FeedServer) -> None:
    with pytest.raises(FetchError) as e:
        fetcher(retries=3).get(server.url("/missing"))
    assert not e.value.transient and e.value.status == 404
    assert server.hits["/missing"] == 1


def test_timeout(server: FeedServer) -> None:
    server.set("/slow", Route(b"late", hold=3.0))
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="timed out") as e:
        fetcher(timeout=0.2, retries=0).get(server.url("/slow"))
    assert e.value.transient
    assert time.monotonic() - t0 < 2.0


def test_connection_refused_is_transient() -> None:
    s = FeedServer()
    port = s.port
    s.httpd.server_close()  # the port is free again: nobody listens
    with pytest.raises(FetchError) as e:
        fetcher(retries=0).get(f"http://127.0.0.1:{port}/feed.xml")
    assert e.value.transient


def test_size_cap(server: FeedServer) -> None:
    server.set("/big", Route(b"x" * 5000))
    with pytest.raises(FetchError, match="too large") as e:
        fetcher(max_bytes=1000).get(server.url("/big"))
    assert not e.value.transient
    assert fetcher(max_bytes=5000).get(server.url("/big")).body == b"x" * 5000


def test_compressed_bodies_are_inflated_within_the_cap(server: FeedServer) -> None:
    server.set("/small.gz", Route(gzip.compress("سلام".encode()), headers={"Content-Encoding": "gzip"}))
    server.set("/bomb.gz", Route(gzip.compress(b"\0" * 2_000_000), headers={"Content-Encoding": "gzip"}))
    f = fetcher(max_bytes=100_000)
    assert f.get(server.url("/small.gz")).body == "سلام".encode()
    with pytest.raises(FetchError, match="decompressed"):
        f.get(server.url("/bomb.gz"))


def test_robots_txt_is_respected_and_read_once(server: FeedServer) -> None:
    server.set("/robots.txt", Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    server.set("/news/1.html", Route(b"<html/>"))
    server.set("/private/2.html", Route(b"<html/>"))
    f = fetcher(robots=True)
    f.get(server.url("/news/1.html"))
    with pytest.raises(FetchError, match=r"robots\.txt") as e:
        f.get(server.url("/private/2.html"))
    assert not e.value.transient
    f.get(server.url("/news/1.html"))
    assert server.hits["/robots.txt"] == 1
    assert server.hits["/private/2.html"] == 0


def test_robots_txt_rules_for_rasad_by_name(server: FeedServer) -> None:
    rules = b"User-agent: rasad\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    server.set("/robots.txt", Route(rules, content_type="text/plain"))
    with pytest.raises(FetchError, match=r"robots\.txt"):
        fetcher(robots=True).get(server.url("/news/1.html"))


def test_missing_robots_txt_allows_everything(server: FeedServer) -> None:
    server.set("/news/1.html", Route(b"<html/>"))
    assert fetcher(robots=True).get(server.url("/news/1.html")).status == 200


def test_unreachable_robots_txt_means_try_later(server: FeedServer) -> None:
    server.set("/robots.txt", Route(b"", status=503))
    server.set("/news/1.html", Route(b"<html/>"))
    fake = FakeTime()
    f = fetcher(fake, robots=True, retries=0)
    with pytest.raises(FetchError, match=r"robots\.txt unreachable") as e:
        f.get(server.url("/news/1.html"))
    assert e.value.transient
    with pytest.raises(FetchError, match=r"robots\.txt unreachable"):
        f.get(server.url("/news/1.html"))  # not asked again at once
    assert server.hits["/robots.txt"] == 1
    fake.now += 600
    server.set("/robots.txt", Route(b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    assert f.get(server.url("/news/1.html")).status == 200
    assert server.hits["/robots.txt"] == 2
    assert server.hits["/news/1.html"] == 1


def test_crawl_delay_longer_than_ours_wins(server: FeedServer) -> None:
    server.set("/robots.txt", Route(b"User-agent: *\nCrawl-delay: 4\n", content_type="text/plain"))
    server.set("/a", Route(b"a"))
    fake = FakeTime()
    f = fetcher(fake, robots=True, delay=1.0)
    f.get(server.url("/a"))
    f.get(server.url("/a"))
    assert fake.sleeps == [4.0, 4.0]  # after robots.txt itself, then between the two pages


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/feed.xml"])
def test_redirect_to_a_non_web_address_is_refused(server: FeedServer, target: str) -> None:
    server.set("/go", Route(b"", status=302, headers={"Location": target}))
    with pytest.raises(FetchError, match=r"not allowed|non-web address") as e:
        fetcher().get(server.url("/go"))
    assert not e.value.transient


def test_redirects_between_web_pages_are_followed(server: FeedServer) -> None:
    server.set("/old", Route(b"", status=301, headers={"Location": "/new"}))
    server.set("/new", Route(b"here"))
    resp = fetcher().get(server.url("/old"))
    assert resp.body == b"here" and resp.final_url == server.url("/new")


def test_only_web_addresses() -> None:
    with pytest.raises(FetchError, match="not a web address"):
        fetcher().get("file:///etc/passwd")


def test_post_json(server: FeedServer) -> None:
    server.set("/hook", Route(b"ok"))
    status = fetcher().post_json(server.url("/hook"), {"story": "S1", "title": "دیدار"})
    assert status == 200
    (path, body), = server.posts
    assert path == "/hook" and json.loads(body) == {"story": "S1", "title": "دیدار"}
    server.set("/hook", Route(b"no", status=500))
    with pytest.raises(FetchError) as e:
        fetcher().post_json(server.url("/hook"), {})
    assert e.value.transient
