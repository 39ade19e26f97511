"""`@per_request`: how the records made on every request are declared, and why.

They are plain slotted dataclasses, not frozen ones. A frozen dataclass's `__init__` sets each
field through `object.__setattr__` to get past its own guard, which makes building one about
three times as slow, and the request path builds several per request (a Call, a Login, a Pick,
an Answer, an Envelope, a Served record). They are immutable by convention all the same: nothing
assigns to a field after construction. Records made once at load stay `frozen=True`.

The two widest, `Call` and `Served` (ten fields or more), are built with keywords. Building them
positionally saved ~2k of ~490k instructions a login (0.4 %, callgrind), and some of their
fields are ints and floats side by side, so a reordering would have swapped values silently: a
trick is kept only where the benchmark shows it earns 2 % or more of a login load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform()
def per_request(cls: type[T]) -> type[T]:
    """`@dataclass(slots=True)`: the same fields, equality and repr as a frozen dataclass."""
    return dataclass(slots=True)(cls)
