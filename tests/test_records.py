"""`@per_request` records behave as frozen dataclasses do, less the frozen guard; a keyword
builder builds what its class builds."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import pytest

from mockserver.journal.served import Served, make_served
from mockserver.params import Call, make_call
from mockserver.support.records import keyword_builder, per_request

BUILDERS = [pytest.param(Call, make_call, id="Call"), pytest.param(Served, make_served, id="Served")]


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


@pytest.mark.parametrize(("record", "build"), BUILDERS)
def test_a_keyword_builder_sets_each_field_to_its_own_keyword(record: type, build: Callable[..., Any]) -> None:
    values = {field.name: object() for field in dataclasses.fields(record)}  # all distinct: a swap shows
    built = build(**values)
    assert type(built) is record and built == record(**values)
    assert {name: getattr(built, name) for name in values} == values


@pytest.mark.parametrize(("record", "build"), BUILDERS)
def test_a_keyword_builder_takes_the_class_defaults(record: type, build: Callable[..., Any]) -> None:
    required = {f.name: object() for f in dataclasses.fields(record) if f.default is dataclasses.MISSING}
    assert build(**required) == record(**required)


@pytest.mark.parametrize(("record", "build"), BUILDERS)
def test_a_keyword_builder_refuses_a_missing_an_unknown_or_a_positional_field(
    record: type, build: Callable[..., Any]
) -> None:
    values = {field.name: object() for field in dataclasses.fields(record)}
    first = next(iter(values))
    with pytest.raises(TypeError, match=first):
        build(**{name: value for name, value in values.items() if name != first})
    with pytest.raises(TypeError, match="unknown"):
        build(**values, unknown=1)
    with pytest.raises(TypeError):
        build(*values.values())


def test_a_keyword_builder_refuses_a_record_whose_init_does_more_than_set_fields() -> None:
    @per_request
    class Listed:
        items: list[int] = dataclasses.field(default_factory=list)

    @per_request
    class Checked:
        a: int

        def __post_init__(self) -> None:
            assert self.a

    for record in (Listed, Checked):
        with pytest.raises(TypeError, match=record.__name__):
            keyword_builder(record)
