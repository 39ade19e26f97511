"""Codes the mock has seen: platform login codes (single-use, expiring: decision 7) and the
SMS verification codes it "sent"."""

from __future__ import annotations

from dataclasses import dataclass

from .bounded import Bounded
from .clock import Clock

MAX_CODES = 5_000


@dataclass(frozen=True, slots=True)
class CodeUse:
    first_seen: float
    uses: int  # including this one


class CodeUses:
    def __init__(self, clock: Clock, limit: int = MAX_CODES) -> None:
        self._clock = clock
        self._uses: Bounded[tuple[str, str], CodeUse] = Bounded(limit)

    def use(self, platform: str, code: str) -> CodeUse:
        """Record one use of a platform code: when it was first seen, and how often used."""
        seen = self._uses.get((platform, code))
        use = CodeUse(seen.first_seen if seen else self._clock.now(), (seen.uses if seen else 0) + 1)
        self._uses[(platform, code)] = use
        return use

    def clear(self) -> None:
        self._uses.clear()


class VerifyCodes:
    """mobile -> (code, sent at): what `appmobilebind` checks."""

    def __init__(self, clock: Clock, limit: int = MAX_CODES) -> None:
        self._clock = clock
        self._sent: Bounded[str, tuple[str, float]] = Bounded(limit)

    def send(self, mobile: str, code: str) -> None:
        self._sent[mobile] = (code, self._clock.now())

    def valid(self, mobile: str, ttl: float) -> str | None:
        """The code sent to this mobile, None when none was or it is older than `ttl` seconds."""
        sent = self._sent.get(mobile)
        if sent is None or self._clock.now() - sent[1] > ttl:
            return None
        return sent[0]

    def clear(self) -> None:
        self._sent.clear()
