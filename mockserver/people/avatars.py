"""Pictures the mock serves itself, so a front-end running offline shows every avatar. Pure.

PNGs are drawn here (no image library needed for flat shapes): a neutral silhouette for the
default avatar and a 5x5 mirrored identicon per generated user, coloured from its key.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from functools import lru_cache
from typing import Callable, Final, Iterable

SIZE: Final = 96
CELL: Final = 16
MARGIN: Final = (SIZE - 5 * CELL) // 2
GENERATED_PREFIX: Final = "/static/mock/avatar/"
BACKGROUND: Final = (240, 240, 240)

Pixel = tuple[int, int, int]


def png(width: int, height: int, rows: Iterable[bytes]) -> bytes:
    """An 8-bit RGB PNG from raw pixel rows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _draw(pixel_at: Callable[[int, int], Pixel]) -> bytes:
    return png(SIZE, SIZE, (b"".join(bytes(pixel_at(x, y)) for x in range(SIZE)) for y in range(SIZE)))


@lru_cache(maxsize=1)
def default_avatar() -> bytes:
    """A grey head-and-shoulders silhouette, like ShopXO's default avatar."""
    shade: Pixel = (190, 190, 190)

    def pixel(x: int, y: int) -> Pixel:
        head = (x - 48) ** 2 + (y - 38) ** 2 <= 18**2
        shoulders = y >= 62 and (x - 48) ** 2 + (y - 100) ** 2 <= 38**2
        return shade if head or shoulders else BACKGROUND

    return _draw(pixel)


@lru_cache(maxsize=1024)
def identicon(key: str) -> bytes:
    """A symmetric 5x5 pattern in one colour, both taken from the key's hash."""
    digest = hashlib.sha256(key.encode()).digest()
    colour: Pixel = (64 + digest[0] % 160, 64 + digest[1] % 160, 64 + digest[2] % 160)
    bits = int.from_bytes(digest[3:6], "big")
    filled = {(col, row) for row in range(5) for col in range(3) if bits >> (row * 3 + col) & 1}
    filled |= {(4 - col, row) for col, row in filled}

    def pixel(x: int, y: int) -> Pixel:
        col, row = (x - MARGIN) // CELL, (y - MARGIN) // CELL
        inside = MARGIN <= x < SIZE - MARGIN and MARGIN <= y < SIZE - MARGIN
        return colour if inside and (col, row) in filled else BACKGROUND

    return _draw(pixel)


def generated_path(key: str) -> str:
    """Where a generated user's avatar is served, relative to the mock's host."""
    return f"{GENERATED_PREFIX}{key}.png"
