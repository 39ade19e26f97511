"""The mock's user table: the accounts it has served or registered, and their tokens (docs/accounts.md,
"The account model"; decision 5).

An account is how ShopXO finds a platform user: `(openid column, openid)`; WeChat and Toutiao
also find a user by unionid (`weixin_unionid`, `toutiao_unionid`), whichever platform's login
stored it (§3.2, §3.6). The row kept per account is the user as last answered. Scenarios stay the
source of truth for their users' columns: what the mock's own endpoints change (a bound mobile, a
completed profile) is an overlay laid over the scenario's row at every answer, so it survives the
next login and an edited scenario file alike.

Tokens are kept as the real server keeps them (§3.6, §4.2): every login mints one and stores it
on the user, so only the newest one is *the user's token* (`newest_token`: what
`user/tokenuserinfo` reads), while the login check of the other actions reads a cache that still
knows every older one (`for_token`) until a reset. The mobile, e-mail and unionid indexes always
name the account that holds the value now, and forget it with the account; a token names an
account until that account is forgotten (checked at lookup) and ages out of its own table.
"""

from __future__ import annotations

from typing import Any, Final, Mapping

from .bounded import Bounded

Account = tuple[str, str]  # (openid column, openid)

MAX_USERS: Final = 1_000  # whole user rows are the big entries: fewer of them
MAX_TOKENS: Final = 5_000
# The unionid columns ShopXO looks a user up by after the openid (§3.2).
LINKING_UNIONIDS: Final = ("weixin_unionid", "toutiao_unionid")


class Tokens:
    """token -> account, bounded: every token any login minted, as the login-check cache has them."""

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
        self._changes: dict[Account, dict[str, Any]] = {}  # what the mock's endpoints changed
        self._newest: dict[Account, str] = {}  # the token stored on the user: the last one minted
        self._holders: dict[str, Account] = {}  # mobile -> the account that has it
        self._unionids: dict[tuple[str, str], Account] = {}  # (column, unionid) -> its account
        self.tokens = tokens if tokens is not None else Tokens()

    # -- reading -------------------------------------------------------------------------
    def row(self, account: Account) -> Mapping[str, Any] | None:
        return self._rows.get(account)

    def find(self, account: Account, unionid: tuple[str, str] | None = None) -> Account | None:
        """The account ShopXO's lookup finds: by openid, then (WeChat, Toutiao) by unionid."""
        if account in self._rows:
            return account
        if unionid is not None and unionid[1]:
            return self._unionids.get(unionid)
        return None

    def holder_of(self, mobile: str) -> Account | None:
        return self._holders.get(mobile)

    def email_holder(self, email: str) -> Account | None:
        """The account whose user has this e-mail (looked through: binding an e-mail is rare)."""
        return next((account for account, row in self._rows.items() if row.get("email") == email), None)

    def for_token(self, token: str) -> tuple[Account, Mapping[str, Any]] | None:
        """The user any token minted for them names: the login check's view (old tokens pass)."""
        account = self.tokens.account(token)
        row = self._rows.get(account) if account else None
        return (account, row) if account and row is not None else None

    def newest_token(self, account: Account) -> str | None:
        """The token stored on the user now: `user/tokenuserinfo` finds the user by this one only."""
        return self._newest.get(account)

    def __contains__(self, account: object) -> bool:
        return account in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    # -- writing -------------------------------------------------------------------------
    def serve(self, account: Account, row: Mapping[str, Any], token: str | None = None) -> Mapping[str, Any]:
        """Record the user answered for this account (with its overlay); a token given is now
        the user's. Returns the row as stored: the same object as `row` when nothing overlays it."""
        changes = self._changes.get(account)
        current = {**row, **changes} if changes else row
        previous = self._rows.get(account)
        if previous is not current:  # a login of the same stored user skips the indexes
            if previous is not None:
                self._release(account, previous)
            self._hold(account, current)
        self._rows[account] = current  # written now: the last to be forgotten
        if token:
            self.tokens.record(token, account)
            self._newest[account] = token
        return current

    def change(self, account: Account, **fields: Any) -> Mapping[str, Any]:
        """The mock's own endpoints change a user: kept as an overlay, answered from now on."""
        self._changes[account] = {**self._changes.get(account, {}), **fields}
        return self.serve(account, self._rows.get(account, {}))

    def clear(self) -> None:
        for table in (self._rows, self._changes, self._newest, self._holders, self._unionids):
            table.clear()
        self.tokens.clear()

    def _hold(self, account: Account, row: Mapping[str, Any]) -> None:
        mobile = row.get("mobile")
        if mobile:
            self._holders[str(mobile)] = account
        for column in LINKING_UNIONIDS:
            unionid = row.get(column)
            if unionid:
                self._unionids[column, str(unionid)] = account

    def _release(self, account: Account, row: Mapping[str, Any]) -> None:
        mobile = str(row.get("mobile") or "")
        if mobile and self._holders.get(mobile) == account:
            del self._holders[mobile]
        for column in LINKING_UNIONIDS:
            key = (column, str(row.get(column) or ""))
            if key[1] and self._unionids.get(key) == account:
                del self._unionids[key]

    def _forget(self, account: Account, row: Mapping[str, Any]) -> None:
        self._release(account, row)
        self._changes.pop(account, None)
        self._newest.pop(account, None)
