"""The dashboard's HTTP side: the page and its files, the live stream, a request opened. What it
shows is worked out without aiohttp by `mockserver.dashboard` (its feed); its page is there too.

Everything here is behind the admin API's guard (`web.guard`): this machine's Host names and
no page of another origin. The page and its files hold no data and need no token: a browser
cannot send one when it opens a page, and a browser on another machine has to load the page
before it can be asked for it. Every route with data takes the guard whole (the token when the
server has one, or loopback only without), and every change the page makes is a call of the
admin API itself. The stream is Server-Sent Events on a StreamResponse,
read by the page with fetch() rather than EventSource, which cannot send the token's header.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import time
from importlib import resources
from typing import Any, Final, Iterator

from aiohttp import web

from .. import control
from ..dashboard.feed import ROWS, Feed, detail, row, server
from ..journal import Query
from ..runtime import Runtime
from .admin import PREFIX, as_json, reply
from .guard import Guard
from .wrapping import wrapped

log = logging.getLogger(__name__)
PAGE: Final = f"{PREFIX}/"
BASE: Final = f"{PREFIX}/dashboard"
TICK: Final = 0.1  # seconds between batches: ten updates a second at most, whatever the load
SERVER_EVERY: Final = 5  # ticks between looks at the server document (sent when it changed)
# Bytes the kernel may hold for a stream's socket (it doubles the figure); loopback and tunnels
# alike drain a reading page's batches far faster than ten a second fill this.
STREAM_SEND_BUFFER: Final = 256 * 1024
PING_SECONDS: Final = 15.0  # a comment line on a quiet stream, so a closed tab is noticed
FILES: Final = {"app.js": "text/javascript", "style.css": "text/css"}
# The page runs only its own script and style and talks only to this server; nothing it shows
# can become markup or code (the script writes text, never HTML).
PAGE_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: under it the Fetch standard has a browser send `Origin: null` with the
    # page's own POSTs (Firefox does; Chromium sends the origin), which the guard refuses.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}
STREAM_HEADERS: Final = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store"}


class Dashboard:
    """The dashboard of one running mock: its feed, its files (read once), its routes."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.feed = Feed()
        folder = resources.files("mockserver.dashboard").joinpath("static")
        self.page_bytes = folder.joinpath("index.html").read_bytes()
        self.files = {name: (folder.joinpath(name).read_bytes(), kind) for name, kind in FILES.items()}

    def mount(self, app: web.Application, guard: Guard) -> None:
        """The page at /__mock/ and the rest under /__mock/dashboard/. Mount it before the admin
        API's sub-application: /__mock/ is inside that prefix, and the router tries the routes of
        one prefix in the order they were added."""
        router = app.router
        page = [guard.page]  # its refusals are JSON; /__mock redirects and a missing file is a 404
        router.add_get(PREFIX, wrapped(self.to_page, page))
        router.add_get(PAGE, wrapped(self.page, page))
        router.add_get(f"{BASE}/static/{{name}}", wrapped(self.static, page))
        layers = [guard.data, as_json]
        router.add_get(f"{BASE}/events", wrapped(self.events, layers))
        router.add_get(f"{BASE}/server", wrapped(self.server, layers))
        router.add_get(f"{BASE}/requests/{{id}}", wrapped(self.request, layers))

    @contextlib.contextmanager
    def watching(self) -> Iterator[None]:
        """While a stream is open: the first adds the feed's observer, the last removes it."""
        feed = self.feed
        if feed.opened():
            self.runtime.observe_answers(feed.saw)
        try:
            yield
        finally:
            if feed.closed():
                self.runtime.answer_observers.remove(feed.saw)

    # -- the page ---------------------------------------------------------------------------

    async def to_page(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(PAGE)

    async def page(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=self.page_bytes, content_type="text/html", charset="utf-8", headers=PAGE_HEADERS)

    async def static(self, request: web.Request) -> web.StreamResponse:
        found = self.files.get(request.match_info["name"])
        if found is None:
            raise web.HTTPNotFound()
        body, kind = found
        return web.Response(body=body, content_type=kind, charset="utf-8", headers=PAGE_HEADERS)

    # -- data, behind the guard ---------------------------------------------------------------

    async def server(self, request: web.Request) -> web.StreamResponse:
        return reply(server(self.runtime, self.feed))

    async def request(self, request: web.Request) -> web.StreamResponse:
        """One request opened: the journal's entry and its answer's bytes (if kept)."""
        try:
            wanted = int(request.match_info["id"])
        except ValueError:
            raise control.TaskError(400, "a request is named by its journal id, a whole number") from None
        journal = self.runtime.journal
        entry = next((e for e in reversed(journal.find(Query())) if e.id == wanted), None)
        if entry is None:
            raise control.TaskError(404, f"request {wanted} is not in the journal (it keeps the last {journal.size})")
        return reply(detail(entry, self.feed.answers.get(entry)))

    async def events(self, request: web.Request) -> web.StreamResponse:
        """The live stream: `hello` (the journal's last rows and the server), then `rows` in
        batches, `server` when it changed, `cleared` when the journal was emptied. At most
        `dashboard_streams` at once (each holds a socket's buffers and costs every tick); a
        stream whose write has not gone out within `stream_write_seconds` is closed."""
        settings = self.runtime.settings
        if self.feed.watchers >= settings.dashboard_streams:
            raise control.TaskError(
                429,
                f"{self.feed.watchers} dashboard streams are open, the most --dashboard-streams allows "
                f"({settings.dashboard_streams}); close a dashboard tab, or start with a larger --dashboard-streams",
            )
        response = web.StreamResponse(headers=STREAM_HEADERS)
        with self.watching(), contextlib.suppress(ConnectionError):  # counted before the first await
            await response.prepare(request)
            bound_send_buffer(request)
            try:
                await self._stream(request, response)
            except TimeoutError:
                log.info("a dashboard stream read nothing for %.0f s: closed", settings.stream_write_seconds)
                if request.transport is not None:
                    request.transport.abort()  # close() would wait to send what the reader never takes
        return response

    async def _stream(self, request: web.Request, response: web.StreamResponse) -> None:
        runtime, feed = self.runtime, self.feed
        seconds = runtime.settings.stream_write_seconds

        async def send(data: bytes) -> None:
            async with asyncio.timeout(seconds):
                await response.write(data)

        seen = feed.seen
        state = server(runtime, feed)
        rows = [row(e, feed.answers.get(e)) for e in runtime.journal.find(Query(limit=ROWS))]
        await send(event("hello", {"rows": rows, "server": state}))
        last_state, clears = unchanging(state), runtime.journal.clears
        written, ticks = time.monotonic(), 0
        while not runtime.stopping.is_set() and not gone(request):
            await asyncio.sleep(TICK)
            ticks += 1
            chunks: list[bytes] = []
            # Not a shorter journal: entries also go for its byte budget.
            if runtime.journal.clears != clears:
                chunks.append(event("cleared", {}))
            clears = runtime.journal.clears
            entries, skipped = feed.since(seen)
            seen = feed.seen
            if entries:
                chunks.append(event("rows", {"rows": [row(e, feed.answers.get(e)) for e in entries], "skipped": skipped}))
            if ticks % SERVER_EVERY == 0:
                state = server(runtime, feed)
                if unchanging(state) != last_state:
                    last_state = unchanging(state)
                    chunks.append(event("server", state))
            if not chunks and time.monotonic() - written >= PING_SECONDS:
                chunks.append(b": ping\n\n")
            if chunks:
                await send(b"".join(chunks))
                written = time.monotonic()


def event(name: str, document: Any) -> bytes:
    """One Server-Sent Event; compact JSON has no line breaks, so one data line carries it."""
    return f"event: {name}\ndata: {json.dumps(document, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


def unchanging(state: dict[str, Any]) -> str:
    """The server document less what moves by itself (uptime, the clock's now): what is worth
    sending again when it changes."""
    return json.dumps({**state, "uptime": 0, "clock": state["clock"]["offset"]}, sort_keys=True)


def bound_send_buffer(request: web.Request) -> None:
    """Cap the kernel's send buffer of a stream's socket: left to grow, a tab that stops reading
    has the kernel hold megabytes for it (200 such streams held 197 MB)."""
    transport = request.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, STREAM_SEND_BUFFER)


def gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()
