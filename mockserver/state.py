"""What the mock remembers between requests: in memory, bounded, resettable.

Users served and created, with the tokens minted for them (decision 5), which platform codes were seen and when (decision 7),
where each sequence stands, and the runtime scenario bindings. Every table is bounded: the
oldest entries are forgotten first. State is keyed by scenario *name*, so it survives a reload
wherever the scenario still exists.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Final, Generic, Hashable, Iterable, Mapping, TypeVar

from .scenarios.selection import Bindings

MAX_ENTRIES: Final = 5_000
MAX_USERS: Final = 1_000  # whole user rows are the big entries: fewer of them

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Bounded(OrderedDict[K, V], Generic[K, V]):
    """A dict that forgets its least recently written entries beyond `limit`."""

    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)


class Clock:
    """Wall time plus an offset tests (and the admin API) can move; nothing ever sleeps on it."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self.offset = 0.0

    def now(self) -> float:
        return self._source() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


Account = tuple[str, str]  # (openid column, openid): how ShopXO finds a platform user


class Accounts:
    """The users the mock has served or created, so later calls see the same person.

    Scenarios stay the source of truth for their users: what the mock's own endpoints change
    (a bound mobile, a completed profile) is kept as an overlay per account and laid over the
    scenario's user at every answer. Users the mock created itself (registration) are kept whole.
    """

    def __init__(self, limit: int, users: int = MAX_USERS) -> None:
        self.rows: Bounded[Account, Mapping[str, Any]] = Bounded(users)  # latest answer per account
        self.created: Bounded[Account, bool] = Bounded(users)
        self.changes: Bounded[Account, dict[str, Any]] = Bounded(users)
        self.tokens: Bounded[str, Account] = Bounded(limit)
        self.mobiles: Bounded[str, Account] = Bounded(limit)

    def created_user(self, account: Account) -> Mapping[str, Any] | None:
        return self.rows.get(account) if account in self.created else None

    def serve(self, account: Account, row: Mapping[str, Any], token: str | None = None) -> Mapping[str, Any]:
        """Record the user answered for this account (with its overlay); the token now names it."""
        changes = self.changes.get(account)
        current = {**row, **changes} if changes else row
        self.rows[account] = current
        if current.get("mobile"):
            self.mobiles[str(current["mobile"])] = account
        if token:
            self.tokens[token] = account
        return current

    def create(self, account: Account, row: Mapping[str, Any], token: str | None = None) -> Mapping[str, Any]:
        self.created[account] = True
        return self.serve(account, row, token)

    def change(self, account: Account, **fields: Any) -> Mapping[str, Any]:
        self.changes[account] = {**self.changes.get(account, {}), **fields}
        return self.serve(account, self.rows.get(account, {}))

    def for_token(self, token: str) -> Mapping[str, Any] | None:
        account = self.tokens.get(token)
        return self.rows.get(account) if account else None

    def clear(self) -> None:
        for table in (self.rows, self.created, self.changes, self.tokens, self.mobiles):
            table.clear()


@dataclass(frozen=True, slots=True)
class CodeUse:
    first_seen: float
    uses: int  # including this one


class State:
    def __init__(self, limit: int = MAX_ENTRIES, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.accounts = Accounts(limit)
        self.codes: Bounded[tuple[str, str], CodeUse] = Bounded(limit)
        self.positions: Bounded[tuple[str, str], int] = Bounded(limit)
        self.verify_codes: Bounded[str, tuple[str, float]] = Bounded(limit)  # mobile -> (code, sent at)
        self.device_scenarios: Bounded[str, str] = Bounded(limit)
        self.token_scenarios: Bounded[str, str] = Bounded(limit)
        self.active: str | None = None

    # -- platform codes ------------------------------------------------------------------
    def use_code(self, platform: str, code: str) -> CodeUse:
        """Record one use of a platform code; the answer says when it was first seen and how often."""
        seen = self.codes.get((platform, code))
        use = CodeUse(seen.first_seen if seen else self.clock.now(), (seen.uses if seen else 0) + 1)
        self.codes[(platform, code)] = use
        return use

    # -- sequences -----------------------------------------------------------------------
    def advance_sequence(self, scenario: str, key: str) -> int:
        """How many times this scenario has answered this key before (0 the first time)."""
        position = self.positions.get((scenario, key), 0)
        self.positions[(scenario, key)] = position + 1
        return position

    # -- bindings ------------------------------------------------------------------------
    @property
    def bindings(self) -> Bindings:
        return Bindings(self.device_scenarios, self.token_scenarios, self.active)

    def prune(self, names: Iterable[str]) -> None:
        """After a reload: forget what belonged to scenarios that no longer exist."""
        keep = set(names)
        for position in [p for p in self.positions if p[0] not in keep]:
            del self.positions[position]
        for table in (self.device_scenarios, self.token_scenarios):
            for key in [k for k, name in table.items() if name not in keep]:
                del table[key]
        if self.active not in keep:
            self.active = None

    def reset(self) -> None:
        """Forget users, tokens, codes and sequence positions; bindings and the clock stay."""
        self.accounts.clear()
        for table in (self.codes, self.positions, self.verify_codes):
            table.clear()
