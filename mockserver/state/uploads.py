"""What avatar uploads leave behind (§4.5): the pictures, served back at their paths, and how often
each uploader uploaded (ShopXO refuses a sixth upload within the hour).

Both in memory and bounded: the last `MAX_PICTURES` pictures, `MAX_PICTURE_BYTES` in all, the
oldest forgotten first; a reset of the users forgets them (`State.reset`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Hashable, NamedTuple

from .bounded import Bounded
from .clock import Clock

MAX_PICTURES: Final = 64
MAX_PICTURE_BYTES: Final = 32 * 1024 * 1024
MAX_UPLOADERS: Final = 5_000


class Picture(NamedTuple):
    content_type: str
    data: bytes


class Pictures:
    """path -> picture, the newest `limit` of them and at most `max_bytes` in all."""

    def __init__(self, limit: int = MAX_PICTURES, max_bytes: int = MAX_PICTURE_BYTES) -> None:
        self._pictures: Bounded[str, Picture] = Bounded(limit, on_evict=self._forget)
        self._max_bytes = max_bytes
        self._bytes = 0

    def keep(self, path: str, picture: Picture) -> None:
        self.discard(path)
        self._pictures[path] = picture
        self._bytes += len(picture.data)
        while self._bytes > self._max_bytes and len(self._pictures) > 1:
            self._forget(*self._pictures.popitem(last=False))

    def get(self, path: str) -> Picture | None:
        return self._pictures.get(path)

    def discard(self, path: str) -> None:
        picture = self._pictures.pop(path, None)
        if picture is not None:
            self._bytes -= len(picture.data)

    def clear(self) -> None:
        self._pictures.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._pictures)

    @property
    def size(self) -> int:
        """The bytes kept, all pictures together."""
        return self._bytes

    def _forget(self, path: str, picture: Picture) -> None:
        self._bytes -= len(picture.data)


@dataclass(frozen=True, slots=True)
class Frequency:
    """ShopXO's cache entry `cache_user_avatar_upload_frequency_<uploader>`."""

    count: int
    first: float  # when the first upload of the run was counted
    written: float  # when the entry was last written: it lives `window` seconds from then


class UploadCounts:
    """How many pictures each uploader (a user, else a device) uploaded, the way
    `UserService::UserAvatarUpload` counts them: refused while the run began less than `window`
    seconds ago and has `limit` uploads; the entry itself expires `window` seconds after its last
    write (so a steady uploader, once past the first hour, is never refused)."""

    def __init__(self, clock: Clock, limit: int = MAX_UPLOADERS) -> None:
        self._clock = clock
        self._counts: Bounded[Hashable, Frequency] = Bounded(limit)

    def refused(self, uploader: Hashable, most: int, window: float) -> bool:
        entry = self._current(uploader, window)
        return entry is not None and entry.first + window > self._clock.now() and entry.count >= most

    def count(self, uploader: Hashable, window: float) -> None:
        now = self._clock.now()
        entry = self._current(uploader, window)
        self._counts[uploader] = (
            Frequency(1, now, now) if entry is None else Frequency(entry.count + 1, entry.first, now)
        )

    def clear(self) -> None:
        self._counts.clear()

    def _current(self, uploader: Hashable, window: float) -> Frequency | None:
        entry = self._counts.get(uploader)
        if entry is None or self._clock.now() - entry.written >= window:
            return None
        return entry
