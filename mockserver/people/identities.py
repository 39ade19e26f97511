"""Made-up values that never collide: one slot per device key, every unique column a bijection
of the slot (issue 15).

ShopXO keeps a user's id, mobile, e-mail and each platform's openid and unionid unique, and a
front-end or a test that keeps users by any of them mixes two people up when they are not. Values
drawn from a hash of the key collide early (2,000 devices shared 456 mobiles). So each key takes a
*slot* in a fixed table of 64-bit key fingerprints (open addressing): the first choice is a hash
of (seed, key), then the next slot, until the key's own fingerprint (it came before: its slot
again) or a free slot. Each unique column is then an injective function of the slot's *number*:

- id: `ID_BASE` + the number (above every id a scenario file writes by hand);
- mobile: a carrier prefix and 8 digits, together an affine permutation of the number;
- e-mail: a local part and domain from Faker's pool around 8 digits permuting the number (the
  fixed width makes the digits readable back out of the address, so it is injective);
- openid, unionid: the platform's `IdShape` with a leading run spelling a permutation of 2n
  (openid) or 2n + 1 (unionid) with letters of its alphabet, so a unionid never equals an openid
  either; the rest is drawn from the key's hash.

So a key gets the same person whenever no earlier key took its first choice: on every restart, and
for the same keys in the same order, always.

Memory stays flat: the table is 2**18 slots, 2 MB at most, mapped at the first key and paid for
page by page as slots are first written (a server that logs no one in pays nothing; ten devices,
a few pages). When it passes half full (131,072 keys, where a probe stays short) a new
*generation* starts with the table empty, and a slot's number is `generation * SLOTS + slot`:
the new people's numbers differ from every earlier one, so their values do too (emptying the
table alone would let the next device take the values of one just before it). Values are unique
among everyone made up while the numbers stay below `SPAN` (10**8: 381 generations, about 50
million people); past that, among the last 50 million. A key that returns in a later generation
is a new person (the mock keeps 1,000 user rows; a generation, up to 131,072 devices).
Two keys share a person only if their 64-bit fingerprints are equal: about one chance in 2**31
per generation. `tests/test_identities.py` checks 100,000 keys, and that the table hands out the
slots a plain dict of keys would.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass
from hashlib import blake2b
from math import gcd
from random import Random
from typing import Callable, Final

from ..contract.platforms import Platform

SLOTS: Final = 2**18
ID_BASE: Final = 100_000
SPAN: Final = 10**8  # made-up values repeat only between slot numbers at least this far apart
# Chinese mobile prefixes in use (China Mobile, Unicom, Telecom): what ShopXO's `CheckMobile`
# (^1[3-9]\d{9}$) and a front-end's eye accept.
MOBILE_PREFIXES: Final = (
    "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159", "172", "178",
    "182", "183", "184", "187", "188", "195", "198",
    "130", "131", "132", "145", "155", "156", "166", "175", "176", "185", "186", "196",
    "133", "149", "153", "173", "177", "180", "181", "189", "190", "191", "193", "199",
)  # fmt: skip
_MOBILE_DIGITS: Final = 10**8
# A prefix as the number it puts before the 8 digits: a mobile is then one `str()` of a sum.
_MOBILE_PREFIX_VALUES: Final = tuple(int(prefix) * _MOBILE_DIGITS for prefix in MOBILE_PREFIXES)
NOISE: Final = 64  # bytes of a key's hash `Columns.platform_ids` takes: blake2b's digest
EMAIL_DIGITS: Final = 8  # 10**8 = SPAN numbers
_EMAIL_PAD: Final = 10**EMAIL_DIGITS  # str(_EMAIL_PAD + n)[1:]: n in 8 digits, zero-padded


class Slots:
    """Which slot each key took: a fixed-size table of 64-bit key fingerprints, in generations."""

    def __init__(self, seed: int, size: int = SLOTS) -> None:
        if size & (size - 1):
            raise ValueError(f"the table's size must be a power of two, not {size}")
        self.size = size
        self._salt = f"{seed}\x1fslot\x1f".encode()
        self._memory: mmap.mmap | None = None
        self._table: memoryview | None = None  # of `_memory`, as 64-bit numbers
        self._taken = 0
        self._base = 0  # generation * size
        # The last key and its number: a new device asks for its person and its platform ids
        # in a row, and this spares the second one hashing and probing.
        self._last: tuple[str, int] = ("", -1)

    def number(self, key: str) -> int:
        """The number of the slot `key` holds (taking one if it holds none): `generation * size + slot`."""
        last, number = self._last
        if key == last and number >= 0:
            return number
        table = self._table if self._table is not None else self._allocate()
        fingerprint = int.from_bytes(blake2b(self._salt + key.encode(), digest_size=8).digest()) or 1
        mask = self.size - 1
        slot = fingerprint & mask
        while (seen := table[slot]) != fingerprint:
            if not seen:  # free: the key is new
                if self._taken >= self.size // 2:
                    self._release()
                    self._base += self.size  # the next generation
                    return self.number(key)
                table[slot] = fingerprint
                self._taken += 1
                break
            slot = (slot + 1) & mask
        number = self._base + slot
        self._last = (key, number)
        return number

    def _allocate(self) -> memoryview:
        # An anonymous mapping, not an array: the kernel gives it memory page by page as slots
        # are first written (a few devices cost a few pages, never more than the 2 MB), and
        # takes it all back when it is closed, so a new generation never holds two tables.
        self._memory = mmap.mmap(-1, 8 * self.size)
        self._table = memoryview(self._memory).cast("Q")
        return self._table

    def _release(self) -> None:
        if self._table is not None and self._memory is not None:
            self._table.release()
            self._memory.close()
        self._table = self._memory = None
        self._taken = 0

    def clear(self) -> None:
        """Forget every key and generation (and give the table's memory back until the next key)."""
        self._release()
        self._base = 0
        self._last = ("", -1)


@dataclass(frozen=True, slots=True)
class Permutation:
    """`x -> (a * x + b) mod size`, a bijection of range(size) because `a` is coprime to `size`."""

    size: int
    a: int
    b: int

    @classmethod
    def keyed(cls, size: int, key: int) -> Permutation:
        """A permutation of range(size) chosen by `key` (a hash of the seed and the column)."""
        a = key % size
        while gcd(a, size) != 1 or a < 2 < size:  # 1 would keep the order: the last choice
            a = (a + 1) % size
        return cls(size, a, (key >> 32) % size)

    def __call__(self, x: int) -> int:
        return (self.a * x + self.b) % self.size


class Columns:
    """The unique columns of a slot number, keyed by the server seed (`key_of` hashes a column's
    name with it) so two seeds give different people."""

    def __init__(self, key_of: Callable[[str], int]) -> None:
        self._key_of = key_of
        self._mobile = Permutation.keyed(len(MOBILE_PREFIXES) * _MOBILE_DIGITS, key_of("mobile"))
        self._email = Permutation.keyed(10**EMAIL_DIGITS, key_of("email"))
        self._spellings: dict[str, _Spelling] = {}

    @staticmethod
    def user_id(number: int) -> int:
        return ID_BASE + number

    # The permutations are spelled out below, not called: a new device's columns are on the
    # request path, and a call costs more than the arithmetic.

    def mobile(self, number: int) -> str:
        p = self._mobile
        value = (p.a * number + p.b) % p.size
        return str(_MOBILE_PREFIX_VALUES[value // _MOBILE_DIGITS] + value % _MOBILE_DIGITS)

    def email(self, number: int, address: str) -> str:
        """`address` (Faker's) with the number's digits at the end of its local part (whose own
        trailing digits go, so they do not run into the number's)."""
        local, _, domain = address.partition("@")
        p = self._email
        return f"{local.rstrip('0123456789')}{str(_EMAIL_PAD + (p.a * number + p.b) % p.size)[1:]}@{domain}"

    def platform_ids(self, platform: Platform, number: int, noise: bytes) -> dict[str, str]:
        """The platform's openid (and unionid) for a slot number: its `IdShape`'s prefix, a run
        spelling a permutation of 2n (openid) or 2n + 1 (unionid), then letters from `noise` (a
        hash of the key: 64 bytes, as many as two ids need)."""
        spelling = self._spellings.get(platform.name) or self._spelling(platform)
        p, ids, at = spelling.permutation, {}, 0
        for column, parity in spelling.columns:
            run = format((p.a * (2 * number + parity) + p.b) % p.size, spelling.spec).encode()
            rest = noise[at : at + spelling.tail]
            ids[column] = (spelling.prefix + run.translate(spelling.digits) + rest.translate(spelling.letters)).decode()
            at += spelling.tail
        return ids

    def _spelling(self, platform: Platform) -> _Spelling:
        """How a platform's ids spell numbers: in hexadecimal (decimal for an alphabet of fewer
        than 16 letters), in as few digits as spell 2 * SPAN values (openids and unionids of SPAN
        numbers), each digit written as one of the alphabet's letters, chosen per platform.
        Python spells hexadecimal and decimal in C: spelling in the whole alphabet took a loop,
        ~13,000 instructions an id, and a new WeChat device's login 2.5 % more for its two ids."""
        shape = platform.openid_shape
        radix = 16 if len(shape.alphabet) >= 16 else 10
        width = 1
        while radix**width < 2 * SPAN:
            width += 1
        tail = shape.length - len(shape.prefix) - width
        if tail < 0 or 2 * tail > NOISE or len(shape.alphabet) < radix:
            raise ValueError(f"{platform.name}'s ids cannot spell {2 * SPAN} numbers")
        key = self._key_of(platform.name)
        digits = "0123456789abcdef"[:radix].encode()
        spelling = _Spelling(
            columns=tuple(
                (column, parity) for parity, column in enumerate((platform.openid_column, platform.unionid_column)) if column
            ),
            prefix=shape.prefix.encode(),
            permutation=Permutation.keyed(radix**width, key),
            spec=f"0{width}{'x' if radix == 16 else 'd'}",
            digits=bytes.maketrans(digits, "".join(Random(key).sample(shape.alphabet, radix)).encode()),
            letters=bytes(ord(shape.alphabet[byte % len(shape.alphabet)]) for byte in range(256)),
            tail=tail,
        )
        self._spellings[platform.name] = spelling
        return spelling


@dataclass(frozen=True, slots=True)
class _Spelling:
    """How one platform's ids are spelled (`Columns._spelling`)."""

    columns: tuple[tuple[str, int], ...]  # (openid column, 0), and (unionid column, 1) if any
    prefix: bytes
    permutation: Permutation
    spec: str  # of `format`: the run's digits
    digits: bytes  # a `bytes.translate` table: the run's digits to the alphabet's letters
    letters: bytes  # a `bytes.translate` table: any byte to a letter (the rest of the id)
    tail: int  # letters after the run
