"""Stable made-up users and platform ids, derived from a device key (decision 6).

The same device (its `uuid`, else its authcode) sees the same person across logins and restarts:
everything is drawn from a hash of (server seed, key), but for the columns ShopXO keeps unique (id,
mobile, e-mail, openid, unionid), which come from the slot the key holds in `identities.Slots`, so
no two made-up users share one; that slot is the hash's first choice unless an earlier key took
it. Faker is built once per server, lazily, and re-seeded per key; generated people are cached,
bounded, and forgotten with the state's users (`forget`).
"""

from __future__ import annotations

import hashlib
import operator
import struct
import threading
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Callable, Final, Mapping

from ..contract.fields import EMPTY_USER, number_code
from ..contract.platforms import Platform
from ..support.memo import Memo
from .avatars import generated_path
from .identities import SLOTS, Columns, Slots

if TYPE_CHECKING:
    from faker import Faker

UserRow = Mapping[str, int | str]

_CACHE_SIZE: Final = 256
POOL_SIZE: Final = 512
# Columns of a made-up person and the Faker providers that fill them, first available wins.
POOLS: Final = {
    "username": ("user_name",),
    "nickname": ("name",),
    "email": ("free_email",),  # its local part and domain; `identities` puts the unique digits in
    "province": ("province", "state"),
    "city": ("city_name", "city"),
    "county": ("district",),
    "address": ("street_address",),
}
# Fixed windows, not "N years ago": relative dates would change the person from one day to the next.
_JOINED: Final = (1546300800, 1719705600)  # 2019-01-01 .. 2024-06-30 UTC
_BORN_DAYS: Final = (-1826, 13148)  # 1965-01-01 .. 2005-12-31, days since the epoch
_UTC8: Final = 8 * 3600  # a birthday is stored as midnight in Asia/Shanghai


def derive_seed(*parts: object) -> int:
    """A seed from any parts, the same in every process (unlike `hash()`)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class Draws:
    """Numbers drawn from a hash of some parts: as stable per parts as a seeded `random.Random`,
    without seeding a Mersenne Twister (~4 µs) for the dozen numbers a new user needs."""

    def __init__(self, *parts: object) -> None:
        self._digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode()).digest()  # 64 bytes
        self._at = 0

    def _take(self, count: int) -> bytes:
        while self._at + count > len(self._digest):  # more numbers: hash the last block again
            self._digest += hashlib.blake2b(self._digest[-64:]).digest()
        taken = self._digest[self._at : self._at + count]
        self._at += count
        return taken

    def below(self, *bounds: int) -> tuple[int, ...]:
        """One number 0 <= n < bound per bound (each well under 2**32: the modulo's bias is
        negligible), drawn together: a new user needs a dozen, and a call each costs more."""
        words = struct.unpack(f">{len(bounds)}I", self._take(4 * len(bounds)))
        return tuple(map(operator.mod, words, bounds))

    def within(self, *ranges: tuple[int, int]) -> tuple[int, ...]:
        """One number low <= n <= high per (low, high), as `randint`."""
        drawn = self.below(*(high - low + 1 for low, high in ranges))
        return tuple(low + n for (low, _), n in zip(ranges, drawn))

    def text(self, alphabet: str, length: int) -> str:
        return self._take(length).translate(_byte_to_letter(alphabet)).decode("ascii")


@cache
def _byte_to_letter(alphabet: str) -> bytes:
    """A `bytes.translate` table mapping each byte onto the (ASCII) alphabet."""
    return bytes(ord(alphabet[byte % len(alphabet)]) for byte in range(256))


class FakeUsers:
    """Generates the default user, per device key, with a locale and a server seed; `table_size`
    is the number of slots in the table that keeps the unique columns unique (`identities`)."""

    def __init__(self, locale: str = "zh_CN", seed: int = 0, table_size: int = SLOTS) -> None:
        self.locale = locale
        self.seed = seed
        # Behind the unique columns: the slot each key holds, and how a slot's number is spelled.
        self.slots = Slots(seed, table_size)
        self.columns = Columns(lambda column: derive_seed(seed, "unique", column))
        self._faker: Faker | None = None
        self._pools: Mapping[str, tuple[str, ...]] | None = None
        self._people: Memo[str, UserRow] = Memo(_CACHE_SIZE)
        self._ids: Memo[tuple[str, str], Mapping[str, str]] = Memo(_CACHE_SIZE)

    @property
    def faker(self) -> Faker:
        # Imported on first use: a server answering canned scenarios only never pays for Faker.
        if self._faker is None:
            from faker import Faker

            self._faker = Faker(self.locale)
        return self._faker

    def platform_ids(self, platform: Platform, key: str) -> Mapping[str, str]:
        """The openid (and unionid) this platform would report for this device."""
        return self._ids.get((platform.name, key), lambda: self._make_ids(platform, key))

    def _make_ids(self, platform: Platform, key: str) -> Mapping[str, str]:
        noise = hashlib.blake2b(f"{self.seed}\x1fids\x1f{platform.name}\x1f{key}".encode()).digest()
        return MappingProxyType(self.columns.platform_ids(platform, self.slots.number(key), noise))

    def user_id(self, key: str) -> int:
        """An id no made-up user has, the same for the same key: for a user the mock registers,
        keyed by its account."""
        return self.columns.user_id(self.slots.number(key))

    def forget(self) -> None:
        """Forget which keys came (a reset of the users): the same keys then get the same people again."""
        self.slots.clear()
        self._people.clear()
        self._ids.clear()

    def provider(self, key: str, purpose: str) -> Callable[[str], object]:
        """Call Faker providers by name, seeded for this device and purpose (a template's field)."""
        fake = self.faker
        fake.seed_instance(derive_seed(self.seed, "template", purpose, key))
        return lambda name: getattr(fake, name)()

    def person(self, key: str) -> UserRow:
        """The made-up user behind a device key: every column but the platform ids."""
        return self._people.get(key, lambda: self._generate(key))

    @property
    def pools(self) -> Mapping[str, tuple[str, ...]]:
        """Faker's values, made once per (locale, seed) in a process (seeded, so the same every
        run) and picked from per device: calling Faker for every new device costs ~0.2 ms, a pick
        ~1 µs."""
        if self._pools is None:  # made already: no lock needed to read it
            self._pools = value_pools(self.locale, self.seed)
        return self._pools

    def _generate(self, key: str) -> UserRow:
        number = self.slots.number(key)
        draws = Draws(self.seed, "person", key)
        added, born_day = draws.within(_JOINED, _BORN_DAYS)
        pools = self.pools
        picks = draws.below(*map(len, pools.values()))
        avatar = draws.text("0123456789abcdef", 16)
        gender, integral, edited = draws.below(3, 5001, 200 * 86400 + 1)
        picked = {column: values[pick] for (column, values), pick in zip(pools.items(), picks)}
        columns = self.columns
        user_id = columns.user_id(number)
        return MappingProxyType(
            {
                **EMPTY_USER,
                **picked,
                "mobile": columns.mobile(number),
                "email": columns.email(number, picked["email"]),
                "avatar": generated_path(avatar),
                "id": user_id,
                "number_code": number_code(user_id),
                "gender": gender,
                "birthday": born_day * 86400 - _UTC8,
                "integral": integral,
                "add_time": added,
                "upd_time": added + edited,
            }
        )


_POOLS_LOCK: Final = threading.Lock()


def value_pools(locale: str, seed: int) -> Mapping[str, tuple[str, ...]]:
    """The pools for a locale and seed, made once per process (~0.1 s; maybe in a warm-up
    thread, with a Faker of its own) and shared by every server with the same two."""
    with _POOLS_LOCK:
        return _make_pools(locale, seed)


@cache
def _make_pools(locale: str, seed: int) -> Mapping[str, tuple[str, ...]]:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(derive_seed(seed, "pools"))
    return MappingProxyType(
        {column: tuple(_first(fake, *providers) for _ in range(POOL_SIZE)) for column, providers in POOLS.items()}
    )


def _first(fake: Faker, *providers: str) -> str:
    """The first provider this locale has (zh_CN has `province`, en_US has `state`), else ""."""
    for name in providers:
        provider = getattr(fake, name, None)
        if provider is not None:
            return str(provider())
    return ""
