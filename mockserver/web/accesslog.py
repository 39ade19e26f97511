"""The access log: one readable line per API request, with authcodes and uuids shortened.

Where the lines go is the caller's choice. Embedded in a program or a test, the mock logs to the
`mockserver.access` logger, so the host's logging (and pytest's capture) sees them. The command
line writes them to its terminal in batches instead: the `logging` machinery and a write per
request would cost more than the answer itself. Both give a line the same text: `ToStream` writes
what `logging` would with the command line's LOG_FORMAT,

    2026-12-02 10:11:12,345 INFO mockserver.access: POST user/appminiuserauth weixin authcode=041K…IFlb ...

so the access lines and the reload lines around them read alike. The time is the wall clock (local
time, as `logging` writes it) when the request was served, not the mock's movable clock.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable, Final, Protocol, TextIO

from ..journal.served import Served
from ..upstream.proxy import NOT_SENT

LOGGER_NAME: Final = "mockserver.access"
FLUSH_SECONDS: Final = 0.05  # soon enough for a person watching, rare enough to batch
LOG_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # the command line's logging
_DATE_FORMAT: Final = "%Y-%m-%d %H:%M:%S"  # logging's default asctime, before ",<milliseconds>"
_AFTER_TIME: Final = f" INFO {LOGGER_NAME}: "
# ",345 INFO mockserver.access: " for each millisecond, looked up: no format spec and one piece less per line
_MILLISECONDS: Final = tuple(f",{n:03d}{_AFTER_TIME}" for n in range(1000))


class AccessLog(Protocol):
    def write(self, entry: Served) -> None: ...

    def flush(self) -> None: ...


def shorten(secret: str, keep: int = 4) -> str:
    """Enough of an authcode or token to recognise it in a log, not to reuse it."""
    return secret if len(secret) <= 3 * keep else f"{secret[:keep]}…{secret[-keep:]}"


def printable(text: str) -> str:
    """What a client sent, as it reads in one line: a newline or other control character in a
    parameter must not start a line of its own that looks like another request."""
    return text if text.isprintable() else ascii(text)[1:-1]


def log_line(entry: Served, prefix: str = "") -> str:
    """Method, action, client type, authcode and uuid (shortened), who answered, as which release
    (`as=current`), code, status and latency: the message, after `prefix` (the time and logger
    name, which `logging` adds itself)."""
    call = entry.call  # action and client type read from the Call: two property calls less per line
    line = f"{prefix}{entry.method} {call.route.name} {printable(call.public['application_client_type'])}"
    authcode, device = entry.authcode, entry.device
    if authcode:
        line += f" authcode={printable(shorten(authcode))}"
    if device:
        line += f" uuid={printable(shorten(device))}"
    scenario = entry.scenario
    if scenario:
        line += f" scenario={scenario} ({entry.rule})"
    else:
        visit = entry.upstream
        if visit is not None and not visit.status and visit.error.startswith(NOT_SENT):
            # Meant for the upstream, refused by the mock before sending (a path outside the
            # upstream's root, a login the upstream cannot take): the mock's answer, not its.
            line += f" [mock: not sent upstream, {visit.error.removeprefix(NOT_SENT)}]"
        else:
            line += f" [{entry.rule}]"
    release = entry.release
    if release:
        line += f" as={release}"
    if entry.code is not None:
        line += f" code={entry.code}"
    note = entry.note
    if note:
        line += f" [{note}]"
    return f"{line} {entry.status or 'dropped'} {entry.latency_ms:.1f}ms"


class ToLogger:
    """Each line as an INFO record of `mockserver.access` (silent unless logging shows INFO)."""

    def __init__(self) -> None:
        self._logger = logging.getLogger(LOGGER_NAME)

    def write(self, entry: Served) -> None:
        if self._logger.isEnabledFor(logging.INFO):
            self._logger.info(log_line(entry))

    def flush(self) -> None:
        pass


TO_LOGGER: Final[AccessLog] = ToLogger()


class ToStream:
    """Lines kept for a moment and written together: one write for many requests. Each line is
    formatted as its request ends, so no request waits behind a whole batch of them."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.time) -> None:
        self._stream = stream
        self._clock = clock
        self._pending: list[str] = []
        # The formatted second, made once a second: strftime per request would cost as much as
        # the rest of the line.
        self._second = -1
        self._stamp = ""

    def write(self, entry: Served) -> None:
        if not self._pending:
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)
        now = self._clock()
        second = int(now)
        if second != self._second:
            self._second, self._stamp = second, time.strftime(_DATE_FORMAT, time.localtime(second))
        # Milliseconds as logging computes them (LogRecord.msecs), so both writers agree to the digit.
        self._pending.append(log_line(entry, self._stamp + _MILLISECONDS[int((now - second) * 1000)]))

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            self._stream.write("\n".join(pending) + "\n")
            self._stream.flush()
