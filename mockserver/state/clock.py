"""The mock's clock: wall time plus an offset that tests and the admin API move."""

from __future__ import annotations

import math
import time
from datetime import datetime, timezone
from typing import Callable, Final

# Where the moved clock may point, in Unix seconds. Every answer turns the time into a date
# (ShopXO's `add_time`, upload folders by Shanghai day, the journal's ISO time, Faker's dates):
# Python's datetime ends with the year 9999 and refuses negative timestamps on some platforms,
# and ShopXO stores times unsigned. The year left before 10000 absorbs time zones and the
# windows and lifetimes added to `now`.
EARLIEST: Final = 0.0  # 1970-01-01T00:00:00Z
LATEST: Final = datetime(9999, 1, 1, tzinfo=timezone.utc).timestamp()


def iso_day(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d")


RANGE: Final = f"{iso_day(EARLIEST)} and {iso_day(LATEST)} UTC"


class OutOfRange(ValueError):
    """An offset that would take the clock outside EARLIEST..LATEST (or is not a number)."""


class Clock:
    """Nothing ever sleeps on it: moving it is how a test makes a code or an SMS expire.

    Every move is checked, so `now()` stays a date every consumer can print; `now()` itself
    stays a bare addition (it runs on every request)."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._offset = 0.0

    @property
    def offset(self) -> float:
        return self._offset

    def now(self) -> float:
        return self._source() + self._offset

    def offsets(self) -> tuple[float, float]:
        """The offsets allowed now: those keeping `now()` within EARLIEST..LATEST."""
        wall = self._source()
        return EARLIEST - wall, LATEST - wall

    def advance(self, seconds: float) -> None:
        self.set_offset(self._offset + seconds)

    def set_offset(self, seconds: float) -> None:
        low, high = self.offsets()
        if not (math.isfinite(seconds) and low <= seconds <= high):  # NaN fails every comparison too
            raise OutOfRange(f"the clock must stay between {RANGE}: offsets from {low:.0f} to {high:.0f} seconds now")
        self._offset = float(seconds)

    def reset(self) -> None:
        self._offset = 0.0
