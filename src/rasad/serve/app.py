"""The application factory: routes, security headers, request limits and error pages.

    from rasad.serve.app import create_app
    app = create_app("corpus.db")            # any ASGI server; `rasad serve` uses uvicorn

The database is opened read-only for every request. Articles are untrusted input: every template
escapes, the Content-Security-Policy allows no inline script or style and nothing from elsewhere, and
the Host header must name this machine (a web page cannot reach the server through DNS rebinding).

The application's start-up (the ASGI lifespan, which uvicorn runs before it accepts a connection)
computes the heavy aggregates, `WARM_WAIT` seconds at most: the first visitor after a start does not wait
for the overview, the actor list or the networks (`Site.warm`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from anyio import to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rasad.serve import downloads, i18n, pages
from rasad.serve.site import LOOPBACK_HOSTS, Settings, Site

if TYPE_CHECKING:
    from rasad.pipeline import Pipeline

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)

# seconds the server's start waits for the warm-up (`Site.warm`: about 1 s of CPU at 100,000 events) before
# it accepts connections all the same (a far bigger store, or a slow disk: the first visitors of the
# overview, the actor list or the network then wait for what is left of it)
WARM_WAIT = 10.0


class _BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"request body larger than {limit:,} bytes")


class Guard:
    """Pure ASGI middleware: security headers on every response; oversized or malformed requests refused
    before the application sees them (query string length, `?lang=`, request body size)."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_query: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_query = max_query

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _BodyTooLarge(self.max_body)
            return message

        await self.app(scope, limited_receive, send_with_headers)

    def _refusal(self, scope: Scope) -> Response | None:
        query: bytes = scope.get("query_string", b"")
        if len(query) > self.max_query:
            return PlainTextResponse(f"query string longer than {self.max_query} characters", status_code=414)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    return PlainTextResponse("malformed Content-Length", status_code=400)
                if length > self.max_body:
                    return PlainTextResponse(f"request body larger than {self.max_body:,} bytes", status_code=413)
        lang = Request(scope).query_params.getlist("lang")
        if any(v not in i18n.LANGUAGES for v in lang) or len(lang) > 1:
            return PlainTextResponse(f"lang must be one of {', '.join(i18n.LANGUAGES)}", status_code=400)
        return None


def _error_page(request: Request, status: int, detail: str) -> Response:
    site: Site = request.app.state.site
    return site.render(request, "error.html", status=status, code=status, detail=detail)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    response = _error_page(request, exc.status_code, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    return _error_page(request, 422, "; ".join(problems) or "invalid request")


def create_app(
    db_path: str | Path,
    *,
    allow_analyse: bool = False,
    allowed_hosts: Sequence[str] | None = None,
    max_body: int = 1_000_000,
    pipeline: Pipeline | None = None,
) -> FastAPI:
    """The web interface over the store at `db_path` (opened read-only; a `StoreError` if it cannot be).

    `allow_analyse` adds the page that analyses pasted text. `allowed_hosts` are the Host header values
    accepted (default: this machine's loopback names; "*" for any). `pipeline`: one already loaded, for the
    analyse page (else it is loaded on first use).
    """
    settings = Settings(
        db_path=Path(db_path),
        allow_analyse=allow_analyse,
        allowed_hosts=tuple(allowed_hosts) if allowed_hosts is not None else LOOPBACK_HOSTS,
        max_body=max_body,
    )
    site = Site(settings, pipeline=pipeline)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # run by the ASGI server before it accepts a connection (uvicorn binds its socket after this): the
        # first visitor after a start finds the overview, the networks and the actor list computed
        site.warm()
        await to_thread.run_sync(site.wait_warm, WARM_WAIT)
        try:
            yield
        finally:
            site.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="rasad",
        docs_url=None,  # the interactive API pages load scripts from a CDN; this interface serves pages
        redoc_url=None,
        openapi_url=None,
        exception_handlers={StarletteHTTPException: _http_error, RequestValidationError: _validation_error},
    )
    app.state.site = site
    get: dict[str, Any] = {"methods": ["GET", "HEAD"], "response_model": None}
    app.add_api_route("/", pages.overview, **get)
    app.add_api_route("/events", pages.events, **get)
    app.add_api_route("/events.csv", downloads.events_csv, **get)
    app.add_api_route("/events.json", downloads.events_json, **get)
    app.add_api_route("/events.plover.json", downloads.events_plover, **get)
    app.add_api_route("/event/{uid}", pages.event_page, **get)
    app.add_api_route("/story/{ref}", pages.story_page, **get)
    app.add_api_route("/document/{uid}", pages.document_page, **get)
    app.add_api_route("/actors", pages.actors_page, **get)
    app.add_api_route("/actor/{key:path}", pages.actor_page, **get)
    app.add_api_route("/dyad/{dyad}", pages.dyad_page, **get)
    app.add_api_route("/network", pages.network_page, **get)
    app.add_api_route("/search", pages.search_page, **get)
    app.add_api_route("/alerts", pages.alerts_page, **get)
    if allow_analyse:
        app.add_api_route("/analyse", pages.analyse_form, **get)
        app.add_api_route("/analyse", pages.analyse_submit, methods=["POST"], response_model=None)
    app.add_api_route("/palette.css", lambda: _palette(site), **get)
    app.mount("/static", StaticFiles(packages=[("rasad.serve", "static")]), name="static")
    # added last = outermost: every response, the host check's refusals included, gets the headers
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(Guard, max_body=settings.max_body, max_query=settings.max_query)
    return app


def _palette(site: Site) -> Response:
    return Response(site.palette_css, media_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})
