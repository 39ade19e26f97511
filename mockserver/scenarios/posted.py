"""Scenarios posted at run time (`POST /__mock/scenarios`): one checked as a file's is, and the
`runtime` layer they make over the files' layers. Pure: the admin task (`control`) holds them.

A posted scenario is the object a file's `scenarios:` list item is, as JSON. It goes through the
same steps a file does (`schema_check`, `builder`, `layers`), so it meets the same rules in the
same words; what a file's message says with `file:line:column`, a posted one's says with the path
of the mistake in the posted object (`reply.error`), which is what the caller can act on. Those
steps find a mistake's position through the YAML marks of the document they check; a posted
document is given marks whose line numbers index the paths of its values, so each mistake maps
back to its path without a second copy of the checks.

The runtime layer is one more layer over the files' (`layers.stack`): a name a file uses needs
`override: true`, as across directories, so that a typo never silently replaces a file's
scenario (and `override` on a name no file uses is refused as a typo, too).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Final, Sequence

import yaml

from .builder import Builder
from .layers import Layer, stack
from .model import Place, Scenario, ScenarioError, ScenarioSet
from .schema_check import schema_errors
from .yaml_events import Mapping as _Mapping
from .yaml_events import Sequence as _Sequence

RUNTIME: Final = "runtime"  # the layer's name, as listings show it
WHERE: Final = Place(RUNTIME, 0, 0)  # a posted scenario's place: no file, no line
# Where the posted object sits in the document a file would hold it in.
AT: Final = ("scenarios", 0)


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in a posted scenario: the message a file's would carry, and where, as a path
    into the posted object ("" for the object itself)."""

    message: str
    path: str


class Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


def build(scenario: dict[str, Any], providers: Callable[[], frozenset[str]]) -> Scenario:
    """The posted object as a Scenario, checked as a file's list item is; Refused otherwise."""
    paths: list[list[Any]] = []
    document = _positioned({"version": 1, "scenarios": [scenario]}, [], paths)
    errors = list(schema_errors(RUNTIME, document))
    built: list[Scenario] = []
    if not errors:
        builder = Builder(RUNTIME, document, providers)
        built = builder.scenarios()
        errors = builder.errors
    if errors:
        raise Refused([_problem(error, paths) for error in errors])
    return replace(built[0], place=WHERE)


def _positioned(value: Any, path: list[Any], paths: list[list[Any]]) -> Any:
    """A JSON value as the YAML reader's positioned values, each mark's line the index of its
    path in `paths` (see the module's note)."""
    def mark(at: list[Any]) -> yaml.Mark:
        paths.append(at)
        return yaml.Mark(RUNTIME, 0, len(paths) - 1, 0, None, 0)

    if isinstance(value, dict):
        mapping = _Mapping()
        mapping.mark, mapping.key_marks, mapping.value_marks = mark(path), {}, {}
        for key, item in value.items():
            mapping.key_marks[key] = mapping.value_marks[key] = mark([*path, key])
            mapping[key] = _positioned(item, [*path, key], paths)
        return mapping
    if isinstance(value, list):
        sequence = _Sequence(_positioned(item, [*path, i], paths) for i, item in enumerate(value))
        sequence.mark = mark(path)
        sequence.item_marks = [mark([*path, i]) for i in range(len(value))]
        return sequence
    return value


def _problem(error: ScenarioError, paths: list[list[Any]]) -> Problem:
    line = error.place.line - 1
    at = paths[line] if 0 <= line < len(paths) else []
    return Problem(_reworded(error.message), _dotted(at[len(AT):] if at[: len(AT)] == list(AT) else []))


def _reworded(message: str) -> str:
    """A file's message about its first list item, about the posted object: `scenarios[0].reply:`
    is `reply:`, `in scenarios[0]` is `in the scenario`."""
    return message.replace("scenarios[0].", "").replace("scenarios[0]", "the scenario")


def _dotted(path: Sequence[Any]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


@dataclass(slots=True)
class Posted:
    """The scenarios posted since start (or the last reset of everything), in the order posted,
    each with its size as JSON (the bound), and the files' set they are layered over."""

    scenarios: dict[str, tuple[Scenario, int]] = field(default_factory=dict)
    files: ScenarioSet | None = None  # None: nothing posted since start; the serving set is the files'

    @property
    def bytes(self) -> int:
        return sum(size for _, size in self.scenarios.values())

    def over(self, files: ScenarioSet, scenarios: Sequence[Scenario] | None = None) -> ScenarioSet:
        """The files' set with `scenarios` (by default those posted) layered over it; Refused
        with the clash (a name, a match) otherwise. Nothing is kept (the caller keeps what it serves)."""
        posted = [s for s, _ in self.scenarios.values()] if scenarios is None else list(scenarios)
        if not posted:
            return files
        below = Layer(", ".join(files.layers) or "the files", files.scenarios)
        table, found = stack([below, Layer(RUNTIME, posted)])
        # The files' own table is sound; stacked as one layer, its `override: true` scenarios
        # would look like overrides of nothing. Only what concerns the posted ones counts.
        clashes = [clash for clash in found if clash.place == WHERE]
        if clashes:
            raise Refused([Problem(c.message, _clash_path(c.message)) for c in clashes])
        return ScenarioSet.of(
            table, files.files, layers=(*files.layers, RUNTIME), origins={**files.origins, RUNTIME: RUNTIME}
        )

    def relayered(self, files: ScenarioSet) -> tuple[ScenarioSet, list[ScenarioError]]:
        """After a reload: the new files' set with the posted scenarios over it (then kept as the
        set they are layered over), or the clashes, each at the posted scenario's place."""
        try:
            layered = self.over(files)
        except Refused as exc:
            return files, [ScenarioError(WHERE, f"a posted scenario: {p.message}") for p in exc.problems]
        self.files = files
        return layered, []


def _clash_path(message: str) -> str:
    """What a clash across layers is about: the name, `override`, or the match."""
    if message.startswith("name "):
        return "name"
    return "override" if message.startswith("'override") else "match"
