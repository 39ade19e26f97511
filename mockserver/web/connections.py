"""What a connection may hold: how long it may take to send a request head, and how running out
of file descriptors is logged. Every way of serving builds its runner here (`start_runner`).

The head timeout. aiohttp has no separate timer for a request head that never completes; its one
connection timer, `keepalive_timeout`, is armed when a connection opens and again after every
response, and closes the connection if, when it fires, the handler is still waiting for a
complete request head (idle, or half-sent: a head that trickles in does not re-arm it). Once a
head is complete the timer no longer applies: the handler is busy, and a body that trickles is
`body_timeout`'s (408), a `hang` fault or the dashboard's event stream may hold the connection
as long as they need. So that timer, set to `header_timeout`, is the head timeout, for the first
request and for each later one on a keep-alive connection, at no cost per request (aiohttp keeps
one timer per connection and re-arms it lazily). aiohttp's own default is an hour (3630 s, made
to outlast reverse proxies): a page or script could hold every file descriptor that long.
An idle keep-alive connection is closed after `header_timeout` too, as Go's http.Server closes
one after ReadHeaderTimeout when no IdleTimeout is set (Node closes idle ones after 5 s):
clients open a new connection when they find theirs closed.

Running out of descriptors. When accept() fails for want of descriptors, asyncio reports it up
to once per pending connection and retries each failure a second later, so a full backlog
writes thousands of tracebacks a second. The loop's exception handler here logs it once per
`EXHAUSTION_LOG_INTERVAL`, with how often it happened meanwhile; asyncio keeps retrying, and
the head timeout frees the descriptors that half-sent requests hold, so the server answers again
once the pressure is gone.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import time
from typing import Any, Final

from aiohttp import web

from ..settings import MAX_LINE, Settings

log = logging.getLogger(__name__)

EXHAUSTION_LOG_INTERVAL: Final = 10.0  # seconds between two "out of descriptors" log lines
EXHAUSTION_ERRNOS: Final = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


async def start_runner(app: web.Application, settings: Settings, *, handle_signals: bool = False) -> web.AppRunner:
    """The application's runner, set up, with the connection bounds of `settings`, on the running
    loop (whose exception handler then logs descriptor exhaustion once per interval, until the
    application is cleaned up)."""
    loop = asyncio.get_running_loop()
    exhaustion = ExhaustionLog(loop)
    app.on_cleanup.append(exhaustion.restore)  # before setup: setup freezes the signals
    runner = web.AppRunner(
        app,
        handle_signals=handle_signals,
        access_log=None,
        max_line_size=MAX_LINE,
        max_field_size=MAX_LINE,
        keepalive_timeout=settings.header_timeout,  # see the module's docstring
    )
    await runner.setup()
    exhaustion.install()
    return runner


class ExhaustionLog:
    """The loop's exception handler while the server runs: descriptor exhaustion once per interval,
    anything else to the handler that was there before (or asyncio's default)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, interval: float = EXHAUSTION_LOG_INTERVAL) -> None:
        self.loop = loop
        self.interval = interval
        self.previous = loop.get_exception_handler()
        self.suppressed = 0  # reports since the last line logged
        self.next_line = 0.0  # monotonic time before which reports are only counted

    def install(self) -> None:
        self.loop.set_exception_handler(self.handle)

    async def restore(self, _: web.Application) -> None:
        if self.loop.get_exception_handler() == self.handle:
            self.loop.set_exception_handler(self.previous)

    def handle(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if not (isinstance(exc, OSError) and exc.errno in EXHAUSTION_ERRNOS):
            if self.previous is not None:
                self.previous(loop, context)
            else:
                loop.default_exception_handler(context)
            return
        now = time.monotonic()
        if now < self.next_line:
            self.suppressed += 1
            return
        since = f" ({self.suppressed} more times since the last such line)" if self.suppressed else ""
        log.error(
            "out of file descriptors: %s: %s%s; connections wait until some close (half-sent requests are "
            "closed after --header-timeout; raise the limit with `ulimit -n`)",
            context.get("message", "a system call failed"),
            exc.strerror,
            since,
        )
        self.suppressed = 0
        self.next_line = now + self.interval
