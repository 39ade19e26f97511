"""`@per_request`: how the records made on every request are declared, and why.

They are plain slotted dataclasses, not frozen ones. A frozen dataclass's `__init__` sets each
field through `object.__setattr__` to get past its own guard, which makes building one about
three times as slow, and the request path builds several per request (a Call, a Login, a Pick,
an Answer, an Envelope, a Served record). They are immutable by convention all the same: nothing
assigns to a field after construction. Records made once at load stay `frozen=True`.

The two widest (`Call` and `Served`, ten fields or more) are built with positional arguments on the
request path, in field order: calling a class with keywords makes CPython pack them into a dict
and unpack it again, ~2k instructions a request for the pair (callgrind).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform()
def per_request(cls: type[T]) -> type[T]:
    """`@dataclass(slots=True)`: the same fields, equality and repr as a frozen dataclass."""
    return dataclass(slots=True)(cls)
