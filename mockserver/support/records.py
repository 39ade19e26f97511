"""`@per_request`: how the records made on every request are declared, and why; and
`keyword_builder`, the one way the widest of them are built on the request path.

They are plain slotted dataclasses, not frozen ones. A frozen dataclass's `__init__` sets each
field through `object.__setattr__` to get past its own guard, which makes building one about
three times as slow, and the request path builds several per request (a Call, a Login, a Pick,
an Answer, an Envelope, a Served record). They are immutable by convention all the same: nothing
assigns to a field after construction. Records made once at load stay `frozen=True`.

The two widest, `Call` (11 fields) and `Served` (14), are built with keywords, so that no
reordering can swap two ints or two floats silently. Calling a class with keywords is slow in
CPython 3.11, though: the call packs them into a dict for `type.__call__`, which unpacks it again
for `__init__` (a 14-field record: ~9.6k instructions with keywords, ~3.6k positionally). A
function takes its keywords as they are: `keyword_builder(Served)` is one whose body sets the
fields of a new record, ~4.1k. The two builders save 10.3k of 520.2k instructions on a canned
login (2.0 %) and 12.4k of 484.9k on an error answer (2.6 %): callgrind, 1,000 logins less 200
(bench/README.md). tests/test_records.py holds each to building what the class builds.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, ParamSpec, TypeVar, cast, dataclass_transform

T = TypeVar("T")
P = ParamSpec("P")

# The builder's own names, which a field may not take.
_RESERVED = frozenset({"__new_record", "__record_class", "__record"})


@dataclass_transform()
def per_request(cls: type[T]) -> type[T]:
    """`@dataclass(slots=True)`: the same fields, equality and repr as a frozen dataclass."""
    return dataclasses.dataclass(slots=True)(cls)


def keyword_builder(cls: Callable[P, T]) -> Callable[P, T]:
    """A function that builds a `cls` from keywords, and only from keywords, as `cls(**fields)`
    would: the same fields, defaults and refusals (a missing or unknown keyword is a TypeError).
    For a dataclass whose `__init__` only sets its fields: no default factory, no `__post_init__`,
    no field left out of `__init__` (anything else is refused here, at import)."""
    fields = dataclasses.fields(cast(Any, cls))
    name = getattr(cls, "__name__", "record")
    odd = [f.name for f in fields if not f.init or f.default_factory is not dataclasses.MISSING]
    if odd or hasattr(cls, "__post_init__") or _RESERVED & {f.name for f in fields}:
        raise TypeError(f"keyword_builder({name}): only fields set as given ({', '.join(odd) or '__post_init__'})")
    names = [f.name for f in fields]
    source = "\n    ".join(
        [
            f"def build(*, {', '.join(names)}):",
            "__record = __new_record(__record_class)",
            *(f"__record.{field} = {field}" for field in names),
            "return __record",
        ]
    )
    namespace: dict[str, Any] = {"__new_record": object.__new__, "__record_class": cls}
    exec(source, namespace)  # as dataclasses writes __init__: a body of plain stores, no loop
    build = namespace["build"]
    build.__kwdefaults__ = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
    build.__name__ = build.__qualname__ = f"build_{name}"
    build.__module__ = getattr(cls, "__module__", __name__)
    build.__doc__ = f"A {name} from keywords, as {name}(...) builds it (`support.records.keyword_builder`)."
    return cast(Callable[P, T], build)
