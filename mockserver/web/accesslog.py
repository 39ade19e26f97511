"""The access log: one readable line per API request, with authcodes and uuids shortened.

Where the lines go is the caller's choice. Embedded in a program or a test, the mock logs to the
`mockserver.access` logger, so the host's logging (and pytest's capture) sees them. The command
line writes them to its terminal in batches instead: the `logging` machinery and a write per
request would cost more than the answer itself.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final, Protocol, TextIO

from ..served import Served

LOGGER_NAME: Final = "mockserver.access"
FLUSH_SECONDS: Final = 0.05  # soon enough for a person watching, rare enough to batch


class AccessLog(Protocol):
    def write(self, entry: Served) -> None: ...

    def flush(self) -> None: ...


def shorten(secret: str, keep: int = 4) -> str:
    """Enough of an authcode or token to recognise it in a log, not to reuse it."""
    return secret if len(secret) <= 3 * keep else f"{secret[:keep]}…{secret[-keep:]}"


def log_line(entry: Served) -> str:
    """Method, action, authcode and uuid (shortened), who answered, code, status and time."""
    line = f"{entry.method} {entry.action}"
    authcode, device = entry.authcode, entry.device
    if authcode:
        line += f" authcode={shorten(authcode)}"
    if device:
        line += f" uuid={shorten(device)}"
    scenario, rule = entry.scenario, entry.rule
    line += f" scenario={scenario} ({rule})" if scenario else f" [{rule}]"
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

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._pending: list[str] = []

    def write(self, entry: Served) -> None:
        if not self._pending:
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)
        self._pending.append(log_line(entry))

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            self._stream.write("\n".join(pending) + "\n")
            self._stream.flush()
