"""A logged-in user's payload, rendered and encoded once; each answer splices in its own token.

The trick, and the one place it lives: a client logs the same user in again and again, and the
answers differ only in the token. Rendering some forty fields (`render.user_payload`) and
JSON-encoding them costs more than the rest of the answer, so the payload is rendered once with
`TOKEN_SLOT` where the token goes, encoded, and kept as the UTF-8 bytes before and after it; an
answer is those halves with its token between them (`envelope.RawJson`). The made-up rows behind
a scenario's user are kept the same way, per (outcome, platform, device).

The memos are keyed by `id()` of the row or outcome, and each value holds the keyed object, so
an id cannot be reused while it is cached. A Context gets a fresh `Payloads` (a reload too), so
nothing of an old scenario set is kept alive. `tests/test_payloads.py` checks the bytes equal
rendering and encoding the payload with the token the plain way.
"""

from __future__ import annotations

from typing import Any, Callable, Final, Mapping

from ..support.memo import Memo
from .envelope import RawJson, encode_json
from .view import View, user_payload

# Stands in for the token in a rendered payload; plain ASCII, so JSON leaves it as it is.
TOKEN_SLOT: Final = "@@shopxo-mock-token-slot@@"
REMEMBERED: Final = 256


class Payloads:
    def __init__(self, size: int = REMEMBERED) -> None:
        self._rows: Memo[tuple[int, str, str], tuple[object, Mapping[str, Any]]] = Memo(size)
        self._halves: Memo[tuple[int, View, frozenset[str]], tuple[object, tuple[bytes, bytes]]] = Memo(size)

    def row(self, outcome: object, platform: str, device: str, make: Callable[[], Mapping[str, Any]]) -> Mapping[str, Any]:
        """The row `make` builds for this scenario outcome on this platform and device, made once."""
        return self._rows.get((id(outcome), platform, device), lambda: (outcome, make()))[1]

    def forget_rows(self) -> None:
        """Forget the made-up rows (with the users: after a reset a device may be someone else)."""
        self._rows.clear()

    def user_data(self, row: Mapping[str, Any], view: View, omit: frozenset[str], token: str) -> RawJson:
        """`data` of a login answer: `user_payload(row, view, omit, token)`, encoded."""
        before, after = self._halves.get((id(row), view, omit), lambda: (row, _around_token(row, view, omit)))[1]
        spliced = token if token.isalnum() and token.isascii() else encode_json(token)[1:-1]
        return RawJson((before, spliced.encode(), after))


def _around_token(row: Mapping[str, Any], view: View, omit: frozenset[str]) -> tuple[bytes, bytes]:
    """The payload's JSON bytes before and after the token's place."""
    before, _, after = encode_json(user_payload(row, view, omit, TOKEN_SLOT)).partition(TOKEN_SLOT)
    return before.encode(), after.encode()
