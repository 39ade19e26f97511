"""The users the mock has served or created, and the tokens minted for them (decision 5).

An account is how ShopXO finds a platform user: `(openid column, openid)`. Scenarios stay the
source of truth for their users: what the mock's own endpoints change (a bound mobile, a
completed profile) is an overlay laid over the scenario's user at every answer; users the mock
registered itself are kept whole. The mobile index always names the account that holds the
mobile now, and forgets it with the account. A token names an account; once that account is
forgotten the token names nobody (checked at lookup) and ages out of its own table.
"""

from __future__ import annotations

from typing import Any, Final, Mapping

from .bounded import Bounded

Account = tuple[str, str]  # (openid column, openid)

MAX_USERS: Final = 1_000  # whole user rows are the big entries: fewer of them
MAX_TOKENS: Final = 5_000


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
        # The latest answer per account, overlay included: the table that bounds the others.
        # (Rows, not a record per account: a new device would add one more object for the cycle
        # collector to walk, and a device never seen is the mock's most common request.)
        self._rows: Bounded[Account, Mapping[str, Any]] = Bounded(users, on_evict=self._forget)
        self._created: set[Account] = set()  # registered by the mock itself
        self._changes: dict[Account, dict[str, Any]] = {}  # what the mock's endpoints changed
        self._holders: dict[str, Account] = {}  # mobile -> the account that has it
        self.tokens = tokens if tokens is not None else Tokens()

    # -- reading -------------------------------------------------------------------------
    def row(self, account: Account) -> Mapping[str, Any] | None:
        return self._rows.get(account)

    def created_row(self, account: Account) -> Mapping[str, Any] | None:
        """The user the mock registered for this account, None if it did not register one."""
        return self._rows.get(account) if account in self._created else None

    def holder_of(self, mobile: str) -> Account | None:
        return self._holders.get(mobile)

    def email_holder(self, email: str) -> Account | None:
        """The account whose user has this e-mail (looked through: binding an e-mail is rare)."""
        return next((account for account, row in self._rows.items() if row.get("email") == email), None)

    def for_token(self, token: str) -> tuple[Account, Mapping[str, Any]] | None:
        account = self.tokens.account(token)
        row = self._rows.get(account) if account else None
        return (account, row) if account and row is not None else None

    def __contains__(self, account: object) -> bool:
        return account in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    # -- writing -------------------------------------------------------------------------
    def serve(self, account: Account, row: Mapping[str, Any], token: str | None = None) -> Mapping[str, Any]:
        """Record the user answered for this account (with its overlay); the token now names it.
        Returns the row as stored: the same object as `row` when nothing overlays it."""
        changes = self._changes.get(account)
        current = {**row, **changes} if changes else row
        previous = self._rows.get(account)
        if previous is not None and previous is not current:  # a login of the same user skips this
            self._release(account, previous)
        self._rows[account] = current  # written now: the last to be forgotten
        mobile = current.get("mobile")
        if mobile:
            self._holders[str(mobile)] = account
        if token:
            self.tokens.record(token, account)
        return current

    def create(self, account: Account, row: Mapping[str, Any], token: str | None = None) -> Mapping[str, Any]:
        self._created.add(account)
        return self.serve(account, row, token)

    def change(self, account: Account, **fields: Any) -> Mapping[str, Any]:
        """The mock's own endpoints change a user: kept as an overlay, answered from now on."""
        self._changes[account] = {**self._changes.get(account, {}), **fields}
        return self.serve(account, self._rows.get(account, {}))

    def clear(self) -> None:
        for table in (self._rows, self._created, self._changes, self._holders):
            table.clear()
        self.tokens.clear()

    def _release(self, account: Account, row: Mapping[str, Any]) -> None:
        mobile = str(row.get("mobile") or "")
        if mobile and self._holders.get(mobile) == account:
            del self._holders[mobile]

    def _forget(self, account: Account, row: Mapping[str, Any]) -> None:
        self._release(account, row)
        self._created.discard(account)
        self._changes.pop(account, None)
