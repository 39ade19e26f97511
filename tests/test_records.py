"""`@per_request` records behave as frozen dataclasses do, less the frozen guard."""

from __future__ import annotations

import dataclasses

from mockserver.support.records import per_request


@per_request
class Plain:
    a: int
    b: str = "x"


@dataclasses.dataclass(frozen=True, slots=True)
class Frozen:
    a: int
    b: str = "x"


def test_the_same_fields_defaults_equality_and_repr_as_a_frozen_dataclass() -> None:
    assert [f.name for f in dataclasses.fields(Plain)] == [f.name for f in dataclasses.fields(Frozen)]
    assert (Plain(1), Plain(1, "y") == Plain(1, "y"), Plain(1) != Plain(2)) == (Plain(1, "x"), True, True)
    assert repr(Plain(1)).replace("Plain", "Frozen") == repr(Frozen(1))


def test_slotted_so_no_field_can_be_added_by_mistake() -> None:
    assert not hasattr(Plain(1), "__dict__") and getattr(Plain, "__slots__") == ("a", "b")
