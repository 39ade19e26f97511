"""Fixtures layers: several scenario directories, one over another, read as one table. Pure.

The shipped scenarios come first (unless `--no-builtin`), then each `--fixtures DIR` in the order
given. A later layer adds its scenarios and never silently shadows one: a name used again is an
error naming both places, unless the later scenario says `override: true`; that replaces the
earlier layer's scenario of the name in its place in the table, so the order in which the rules
are tried stays the one the earlier layer was written for. `override: true` with nothing of the
name in an earlier layer is an error too (a typo would otherwise add a scenario that never
replaces anything). Within one layer names are unique, as they always were; across the table so
are each endpoint's matches, and a scenario being replaced is out of the table, so its replacement may keep its
authcode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from ..contract.routes import ActionKey
from ..support.suggest import did_you_mean
from .model import Match, Scenario, ScenarioError

BUILTIN = "built-in"  # the shipped scenarios' layer, as people read it


@dataclass(frozen=True, slots=True)
class Layer:
    """One directory's scenarios, in file order, and its name: BUILTIN or the directory."""

    name: str
    scenarios: Sequence[Scenario]


def stack(layers: Sequence[Layer]) -> tuple[tuple[Scenario, ...], list[ScenarioError]]:
    """The layers as one table, and every clash found (the table is only good without them)."""
    table: list[Scenario] = []
    where: dict[str, tuple[int, int]] = {}  # name -> (position in the table, layer number)
    errors: list[ScenarioError] = []
    for number, layer in enumerate(layers):
        for scenario in layer.scenarios:
            found = where.get(scenario.name)
            if found is None:
                if scenario.override:
                    earlier = [name for name, (_, n) in where.items() if n < number]
                    errors.append(_nothing_to_override(scenario, earlier))
                where[scenario.name] = (len(table), number)
                table.append(scenario)
            elif found[1] != number and scenario.override:
                table[found[0]] = scenario
                where[scenario.name] = (found[0], number)
            else:
                errors.append(_name_used(scenario, table[found[0]], None if found[1] == number else layers[found[1]]))
    layer_of = {name: number for name, (_, number) in where.items()}
    errors += _same_matches(table, layer_of)
    return tuple(table), errors


def _nothing_to_override(scenario: Scenario, earlier: list[str]) -> ScenarioError:
    suggestion = did_you_mean(scenario.name, earlier)
    message = f"'override: true', but no earlier layer has a scenario named '{scenario.name}'{suggestion}"
    return ScenarioError(scenario.place, message)


def _name_used(scenario: Scenario, first: Scenario, earlier: Layer | None) -> ScenarioError:
    """A name given twice: in one layer (`earlier` None), as it always was, or across layers."""
    message = f"name '{scenario.name}' is already used by the scenario at {first.place}"
    if earlier is not None:
        message += f" ({earlier.name}); add 'override: true' to replace it, or choose another name"
    elif scenario.override:
        message += " ('override: true' replaces scenarios of earlier layers only)"
    return ScenarioError(scenario.place, message)


def _same_matches(table: Sequence[Scenario], layer_of: dict[str, int]) -> Iterator[ScenarioError]:
    """A table read top-down has no overrides by match: of two scenarios of one endpoint with the
    same match the second could never answer (of two endpoints, each answers its own). Reported at
    the one of the later layer (in one layer, file order)."""
    matches: dict[tuple[ActionKey, Match], Scenario] = {}
    for scenario in table:
        match = scenario.match
        if match is None:
            continue
        first = matches.setdefault((scenario.action, match), scenario)
        if first is scenario:
            continue
        if layer_of[first.name] > layer_of[scenario.name]:
            first, scenario = scenario, first
        code = match.exact_authcode
        what = f"authcode '{code}'" if code is not None else "the same match"
        message = f"{what} is already used by scenario '{first.name}' at {first.place}; this one could never answer"
        if layer_of[first.name] != layer_of[scenario.name]:
            message += f" (to answer it differently, name this one '{first.name}' and add 'override: true')"
        yield ScenarioError(scenario.place, message)
