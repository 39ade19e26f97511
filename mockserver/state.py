"""What the mock remembers between requests: in memory, bounded, resettable."""

from __future__ import annotations

from collections import OrderedDict
from typing import Final

from .fake_users import UserRow

MAX_TOKENS: Final = 10_000


class State:
    """Tokens minted by logins (decision 5): the newest MAX_TOKENS, oldest forgotten first."""

    def __init__(self, max_tokens: int = MAX_TOKENS) -> None:
        self._max_tokens = max_tokens
        self._tokens: OrderedDict[str, UserRow] = OrderedDict()

    def remember_token(self, token: str, user: UserRow) -> None:
        self._tokens[token] = user
        self._tokens.move_to_end(token)
        if len(self._tokens) > self._max_tokens:
            self._tokens.popitem(last=False)

    def user_for_token(self, token: str) -> UserRow | None:
        return self._tokens.get(token)

    def reset(self) -> None:
        self._tokens.clear()
