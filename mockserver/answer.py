"""What an action hands back to the edge: a body to send (or a fault instead), and when."""

from __future__ import annotations

from dataclasses import dataclass

from .envelope import Envelope
from .scenarios.model import Delay, Fault, RawReply
from .scenarios.selection import Pick


@dataclass(slots=True)  # made per request: not frozen, as a frozen __init__ costs three times as much
class Answer:
    body: Envelope | Fault | RawReply
    delay: Delay | None = None
    pick: Pick | None = None  # which scenario answered, and by which rule (None: no scenario lookup)
