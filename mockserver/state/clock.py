"""The mock's clock: wall time plus an offset that tests and the admin API move."""

from __future__ import annotations

import time
from typing import Callable


class Clock:
    """Nothing ever sleeps on it: moving it is how a test makes a code or an SMS expire."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self.offset = 0.0

    def now(self) -> float:
        return self._source() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def set_offset(self, seconds: float) -> None:
        self.offset = seconds

    def reset(self) -> None:
        self.offset = 0.0
