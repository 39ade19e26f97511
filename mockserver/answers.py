"""What the engine hands the edge: an Answer, and the Action that makes one from a Call.

`params.Call` is what comes in; an `Answer` is what goes out. Both the actions and the edge
(web/, the upstream proxy) use it, so it lives beside neither.
"""

from __future__ import annotations

from typing import Awaitable, Callable

from .context import Context
from .params import Call
from .rendering.envelope import Envelope
from .scenarios.model import Delay, Fault, RawReply
from .scenarios.selection import Pick
from .support.records import per_request


@per_request
class Answer:
    """A body to send (or a fault instead), when, and which scenario chose it."""

    body: Envelope | Fault | RawReply
    delay: Delay | None = None
    pick: Pick | None = None  # which scenario answered, and by which rule (None: no scenario lookup)
    status: int = 200  # of an envelope: the API's own answers are 200, the mock's refusals not always


Action = Callable[[Call, Context], Awaitable[Answer]]  # what answers a route
