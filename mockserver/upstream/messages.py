"""What the mock says, in the envelope, about its upstream: its own words, not ShopXO's (those are
`contract.messages`), always with code -1 (a toast in the client, never a storage wipe).

Each names the upstream by its site root and the route, never the query: a query may hold a token.
"""

from __future__ import annotations

from typing import Final

PREFIX: Final = "shopxo-mock: upstream {upstream} ({route}): "
TIMED_OUT: Final = PREFIX + "no answer within {seconds:g} s (--upstream-timeout)"
REFUSED: Final = PREFIX + "cannot connect: {reason}"
TLS_FAILED: Final = PREFIX + "TLS failed: {reason} (--upstream-insecure skips the certificate check)"
DISCONNECTED: Final = PREFIX + "closed the connection without answering"
NOT_HTTP: Final = PREFIX + "answered something that is not HTTP: {reason}"
CUT_SHORT: Final = PREFIX + "the answer was cut short: {reason}"
TOO_LARGE: Final = PREFIX + "the answer is over {limit} bytes (--upstream-max-body)"
FAILED: Final = PREFIX + "the request failed: {reason}"
UNREADABLE: Final = PREFIX + "the answer's compression cannot be undone: {reason}"
# A path that resolves outside the upstream's site (`/api.php/../../admin.php`): never sent.
OUTSIDE_ROOT: Final = PREFIX + "the path leaves the upstream's site {root} once resolved (.., %2e, %2f, \\): not sent"
# A route that needs a ShopXO login, asked with a token the mock minted (a mocked login): the
# upstream knows no such user and would answer -400, which makes the client wipe its storage.
MOCKED_LOGIN: Final = (
    "shopxo-mock: {route} needs a login on the upstream, and this token comes from a login the mock"
    " answered: start the mock with --upstream-token TOKEN (a user's token on the real shop) to"
    " browse it as that user"
)
