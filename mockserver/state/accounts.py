"""The users the mock has served or created, and the tokens minted for them (decision 5).

An account is how ShopXO finds a platform user: `(openid column, openid)`. Scenarios stay the
source of truth for their users: what the mock's own endpoints change (a bound mobile, a
completed profile) is an overlay laid over the scenario's user at every answer; users the mock
registered itself are kept whole. The mobile index always names the account that holds the
mobile now, and forgets it with the account. A token names an account; once that account is
forgotten the token names nobody (checked at lookup) and ages out of its own table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Mapping

from .bounded import Bounded

Account = tuple[str, str]  # (openid column, openid)

MAX_USERS: Final = 1_000  # whole user rows are the big entries: fewer of them
MAX_TOKENS: Final = 5_000


@dataclass(slots=True)
class _Stored:
    row: Mapping[str, Any]  # the latest answer, overlay included
    created: bool = False  # registered by the mock itself
    changes: dict[str, Any] | None = None  # what the mock's endpoints changed


class Tokens:
    """token -> account, bounded; every login mints one."""

    def __init__(self, limit: int = MAX_TOKENS) -> None:
        self._accounts: Bounded[str, Account] = Bounded(limit)

    def record(self, token: str, account: Account) -> None:
        self._accounts[token] = account

    def account(self, token: str) -> Account | None:
        return self._accounts.get(token)

    def clear(self) -> None:
        self._accounts.clear()

    def __len__(self) -> int:
        return len(self._accounts)


class Accounts:
    def __init__(self, users: int = MAX_USERS, tokens: Tokens | None = None) -> None:
        self._stored: Bounded[Account, _Stored] = Bounded(users, on_evict=self._forget)
        self._holders: dict[str, Account] = {}  # mobile -> the account that has it
        self.tokens = tokens if tokens is not None else Tokens()

    # -- reading -------------------------------------------------------------------------
    def row(self, account: Account) -> Mapping[str, Any] | None:
        stored = self._stored.get(account)
        return stored.row if stored else None

    def created_row(self, account: Account) -> Mapping[str, Any] | None:
        """The user the mock registered for this account, None if it did not register one."""
        stored = self._stored.get(account)
        return stored.row if stored and stored.created else None

    def holder_of(self, mobile: str) -> Account | None:
        return self._holders.get(mobile)

    def for_token(self, token: str) -> tuple[Account, Mapping[str, Any]] | None:
        account = self.tokens.account(token)
        stored = self._stored.get(account) if account else None
        return (account, stored.row) if account and stored else None

    def __contains__(self, account: object) -> bool:
        return account in self._stored

    def __len__(self) -> int:
        return len(self._stored)

    # -- writing -------------------------------------------------------------------------
    def serve(self, account: Account, row: Mapping[str, Any], token: str | None = None) -> Mapping[str, Any]:
        """Record the user answered for this account (with its overlay); the token now names it.
        Returns the row as stored: the same object as `row` when nothing overlays it."""
        return self._store(account, row, token, created=False)

    def create(self, account: Account, row: Mapping[str, Any], token: str | None = None) -> Mapping[str, Any]:
        return self._store(account, row, token, created=True)

    def change(self, account: Account, **fields: Any) -> Mapping[str, Any]:
        """The mock's own endpoints change a user: kept as an overlay, answered from now on."""
        stored = self._stored.get(account)
        if stored is None:
            stored = self._stored[account] = _Stored({})
        stored.changes = {**(stored.changes or {}), **fields}
        return self._store(account, stored.row, None, created=stored.created)

    def clear(self) -> None:
        self._stored.clear()
        self._holders.clear()
        self.tokens.clear()

    def _store(self, account: Account, row: Mapping[str, Any], token: str | None, *, created: bool) -> Mapping[str, Any]:
        stored = self._stored.get(account)
        changes = stored.changes if stored else None
        current = {**row, **changes} if changes else row
        if stored is None:
            stored = _Stored(current, created)
        else:
            if stored.row is not current:  # a login answering the same user again skips this
                self._release(account, stored.row)
            stored.row, stored.created = current, stored.created or created
        self._stored[account] = stored  # written now: the last to be forgotten
        mobile = current.get("mobile")
        if mobile:
            self._holders[str(mobile)] = account
        if token:
            self.tokens.record(token, account)
        return current

    def _release(self, account: Account, row: Mapping[str, Any]) -> None:
        mobile = str(row.get("mobile") or "")
        if mobile and self._holders.get(mobile) == account:
            del self._holders[mobile]

    def _forget(self, account: Account, stored: _Stored) -> None:
        self._release(account, stored.row)
