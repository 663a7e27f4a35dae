"""Polite, bounded HTTP: what the monitor uses to read feeds and articles.

Every request names rasad in its User-Agent, honours robots.txt (RFC 9309), waits its turn per host
(a politeness delay, or the site's Crawl-delay when longer), gives up after a timeout and a size cap,
and retries transient failures (timeouts, refused connections, 5xx, 429) with exponential back-off.
Conditional requests (ETag, Last-Modified) let an unchanged feed cost a 304 and no parsing.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import urllib.robotparser
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPException, HTTPMessage, HTTPResponse
from typing import Any
from urllib.parse import urlsplit

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB of robots.txt
ROBOTS_RETRY = 300.0  # seconds before a robots.txt that could not be read is asked for again
_CHUNK = 64 * 1024
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def default_user_agent() -> str:
    from rasad import __version__

    return f"rasad/{__version__} (+https://example.invalid/rasad)"


class FetchError(Exception):
    """A request that did not give a usable response; `transient` when trying again later may help."""

    def __init__(self, message: str, *, transient: bool, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchConfig:
    timeout: float = 20.0  # seconds to connect, and to wait for each piece of the response
    max_seconds: float = 120.0  # the whole transfer
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 2  # further attempts after a transient failure
    backoff: float = 2.0  # seconds before the first retry, doubled for each next one
    max_backoff: float = 60.0
    delay: float = 2.0  # seconds between two requests to the same host
    max_crawl_delay: float = 30.0  # a robots.txt Crawl-delay is honoured up to this
    robots: bool = True
    robots_ttl: float = 6 * 3600.0  # how long a host's robots.txt is trusted
    use_proxy: bool = True  # honour http_proxy/https_proxy/no_proxy from the environment
    user_agent: str = field(default_factory=default_user_agent)


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # the address asked for
    final_url: str  # after redirects
    status: int
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None  # media type only, lower case

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects only to http(s): a feed must not send the fetcher to ftp:// or file://."""

    max_redirections = 5

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: HTTPMessage, newurl: str
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FetchError(f"redirected to a non-web address {newurl[:80]}", transient=False, status=code)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _retry_after(headers: Message | None) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if value and value.strip().isdigit():
        return float(value.strip())
    return None  # an HTTP date is rare here; the back-off stands in for it


def _mb(n: int) -> str:
    return f"{n} bytes" if n < 1024 * 1024 else f"{n / (1024 * 1024):.1f} MB"


class Fetcher:
    """One fetcher per process: it remembers when each host was last asked and its robots.txt."""

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or FetchConfig()
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}  # host -> when its last response ended
        self._host_delay: dict[str, float] = {}  # host -> Crawl-delay, when robots.txt gives one
        self._robots: dict[str, tuple[urllib.robotparser.RobotFileParser, float]] = {}
        # origin -> (why its robots.txt could not be read, when): not asked again for a while, so that
        # every article of a site whose robots.txt is down does not cost one more request
        self._robots_down: dict[str, tuple[str, float]] = {}
        handlers: list[urllib.request.BaseHandler] = [_SafeRedirects()]
        if not self.config.use_proxy:
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)

    # ----------------------------------------------------------------------- public

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """The response to a GET of `url` (status 304 when the validators still hold)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not a web address: {url[:80]}", transient=False)
        if self.config.robots and not self._allowed(url):
            raise FetchError("disallowed by the site's robots.txt", transient=False)
        headers = {"Accept": "*/*"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._with_retries(url, headers, self.config.max_bytes)

    def post_json(self, url: str, payload: object) -> int:
        """POST `payload` as JSON (a webhook); the status, or FetchError. Not retried here: the caller
        keeps what was not delivered and tries again later."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"User-Agent": self.config.user_agent, "Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with self._opener.open(req, timeout=self.config.timeout) as resp:
                resp.read(_CHUNK)
                return int(resp.status)
        except urllib.error.HTTPError as e:
            e.close()
            transient = e.code in _TRANSIENT_STATUS or e.code >= 500
            raise FetchError(f"HTTP {e.code}", transient=transient, status=e.code) from None
        except (urllib.error.URLError, OSError, HTTPException) as e:
            raise FetchError(_describe(e), transient=True) from None

    # ----------------------------------------------------------------------- internals

    def _with_retries(self, url: str, headers: dict[str, str], cap: int) -> Response:
        cfg = self.config
        attempt = 0
        while True:
            try:
                return self._once(url, headers, cap)
            except FetchError as e:
                if not e.transient or attempt >= cfg.retries:
                    raise
                wait = cfg.backoff * (2**attempt)
                if e.retry_after is not None:
                    wait = max(wait, e.retry_after)
                self._sleep(min(wait, cfg.max_backoff))
                attempt += 1

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is None:
            return
        delay = max(self.config.delay, self._host_delay.get(host, 0.0))
        remaining = last + delay - self._clock()
        if remaining > 0:
            self._sleep(remaining)

    def _once(self, url: str, headers: dict[str, str], cap: int, *, truncate: bool = False) -> Response:
        host = (urlsplit(url).netloc or "").lower()
        self._wait_turn(host)
        req = urllib.request.Request(url, headers={"User-Agent": self.config.user_agent, **headers})
        try:
            with self._opener.open(req, timeout=self.config.timeout) as resp:
                body = self._read(resp, cap, truncate)
                return Response(
                    url=url,
                    final_url=resp.geturl(),
                    status=int(resp.status),
                    body=body,
                    etag=resp.headers.get("ETag"),
                    last_modified=resp.headers.get("Last-Modified"),
                    # get_content_type() says text/plain when there is no header: only trust a real one
                    content_type=resp.headers.get_content_type() if resp.headers.get("Content-Type") else None,
                )
        except urllib.error.HTTPError as e:
            e.close()
            if e.code == 304:
                return Response(url, url, 304, b"", etag=e.headers.get("ETag"),
                                last_modified=e.headers.get("Last-Modified"))  # fmt: skip
            raise FetchError(
                f"HTTP {e.code} {e.reason}".strip(),
                transient=e.code in _TRANSIENT_STATUS or e.code >= 500,
                status=e.code,
                retry_after=_retry_after(e.headers),
            ) from None
        except FetchError:
            raise
        except (urllib.error.URLError, OSError, HTTPException) as e:
            raise FetchError(_describe(e), transient=True) from None
        except ValueError as e:  # an address http.client cannot send (e.g. a raw non-ASCII redirect target)
            raise FetchError(f"unusable address: {e}"[:200], transient=False) from None
        finally:
            self._last[host] = self._clock()

    def _read(self, resp: HTTPResponse, cap: int, truncate: bool) -> bytes:
        """The body, at most `cap` bytes: beyond that an error, or (`truncate`) the first `cap` bytes."""
        length = resp.headers.get("Content-Length")
        if not truncate and length and length.strip().isdigit() and int(length) > cap:
            raise FetchError(f"too large ({_mb(int(length))} > {_mb(cap)})", transient=False)
        deadline = self._clock() + self.config.max_seconds
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = resp.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > cap and truncate:
                chunks.append(chunk[: len(chunk) - (size - cap)])
                break
            if size > cap:
                raise FetchError(f"too large (more than {_mb(cap)})", transient=False)
            if self._clock() > deadline:
                raise FetchError(f"too slow (over {self.config.max_seconds:.0f} s)", transient=True)
            chunks.append(chunk)
        body = b"".join(chunks)
        encoding = (resp.headers.get("Content-Encoding") or "").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            body = _inflate(body, cap)
        return body

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        cached = self._robots.get(origin)
        now = self._clock()
        if cached is None or now - cached[1] > self.config.robots_ttl:
            down = self._robots_down.get(origin)
            if down is not None and now - down[1] < ROBOTS_RETRY:
                raise FetchError(down[0], transient=True)
            try:
                parser = self._read_robots(origin)
                self._robots_down.pop(origin, None)
            except FetchError as e:
                if cached is None:
                    self._robots_down[origin] = (str(e), now)
                    raise
                parser = cached[0]  # an older copy beats none while the site has trouble
            self._robots[origin] = (parser, now)
            delay = parser.crawl_delay(self.config.user_agent)
            if delay is not None:
                self._host_delay[parts.netloc.lower()] = min(float(delay), self.config.max_crawl_delay)
            cached = (parser, now)
        return cached[0].can_fetch(self.config.user_agent, url)

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            resp = self._once(origin + "/robots.txt", {}, ROBOTS_MAX_BYTES, truncate=True)
        except FetchError as e:
            if e.status is not None and 400 <= e.status < 500 and e.status != 429:
                parser.parse([])  # RFC 9309: robots.txt "unavailable" (4xx) allows everything
                return parser
            # "unreachable" (5xx, network): assume everything is disallowed, for now
            raise FetchError(f"robots.txt unreachable ({e}); trying again later", transient=True) from None
        parser.parse(resp.body.decode("utf-8", errors="replace").splitlines())
        return parser


def _inflate(data: bytes, cap: int) -> bytes:
    # bounded: a small compressed body must not expand into gigabytes; wbits 47 reads gzip and zlib
    d = zlib.decompressobj(wbits=47)
    try:
        out = d.decompress(data, cap + 1)
    except zlib.error:
        raise FetchError("broken compressed response", transient=False) from None
    if len(out) > cap or d.unconsumed_tail:
        raise FetchError(f"too large once decompressed (more than {_mb(cap)})", transient=False)
    return out


def _describe(e: BaseException) -> str:
    reason = getattr(e, "reason", None)
    inner = reason if isinstance(reason, BaseException) else e
    if isinstance(inner, TimeoutError):
        return "timed out"
    if isinstance(inner, ConnectionRefusedError):
        return "connection refused"
    if isinstance(inner, socket.gaierror):
        return "host not found"
    text = str(reason if reason is not None else e) or type(e).__name__
    return text[:200]
