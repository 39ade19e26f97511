"""Scenario files -> one ScenarioSet, or every problem of every file with its `file:line:column`.

Loading is all or nothing: a server never starts (or reloads) half-loaded. YAML is read with
PyYAML's SafeLoader (only plain data, never objects); the one addition is that mappings and lists
remember where each key and item was written, and repeated keys are refused instead of silently
overwritten. The structure is checked against `schema.json` (the same file editors use), the
meaning (catalogue names, unique names and authcodes) by the code below.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Final, Iterable, Iterator, Mapping

import yaml

from ..contract.errors import ERROR_NAMES
from ..contract.fields import EMPTY_USER
from ..fake_users import number_code
from ..render import SHANGHAI
from .model import (
    CustomError,
    ExistingUser,
    Match,
    NamedError,
    NewUser,
    Outcome,
    Place,
    Scenario,
    ScenarioSet,
)

SUFFIXES: Final = (".yaml", ".yml")
OUTCOME_KEYS: Final = ("user", "fake_user", "new_user", "error")
SCHEMA_RESOURCE: Final = "schema.json"


@dataclass(frozen=True, slots=True)
class ScenarioError:
    place: Place
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class ScenarioLoadError(Exception):
    """Every problem found in a fixtures directory, in file order."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


# -- YAML that remembers where things were --------------------------------------------------


class _Mapping(dict[Any, Any]):
    """A YAML mapping with the position of itself, each key and each value."""

    mark: yaml.Mark
    key_marks: dict[Any, yaml.Mark]
    value_marks: dict[Any, yaml.Mark]


class _Sequence(list[Any]):
    mark: yaml.Mark
    item_marks: list[yaml.Mark]


class _Loader(yaml.SafeLoader):
    """SafeLoader, plus positions and a refusal of repeated keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[tuple[Any, yaml.Mark]] = []


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    result = _Mapping()
    result.mark, result.key_marks, result.value_marks = node.start_mark, {}, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark
            )
        if key in result:
            loader.repeated.append((key, key_node.start_mark))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_marks[key] = key_node.start_mark
        result.value_marks[key] = value_node.start_mark
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _Sequence:
    result = _Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.mark = node.start_mark
    result.item_marks = [child.start_mark for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


# -- where a JSON path points in the file -------------------------------------------------


def _place(file: str, mark: yaml.Mark | None) -> Place:
    if mark is None:
        return Place(file, 1, 1)
    return Place(file, mark.line + 1, mark.column + 1)


def _mark_at(document: Any, path: Iterable[Any], *, key: bool = False) -> yaml.Mark | None:
    """The position of the value at `path` (or of its key, when `key`)."""
    node, mark = document, getattr(document, "mark", None)
    for step in path:
        if isinstance(node, _Mapping) and step in node:
            mark = (node.key_marks if key else node.value_marks)[step]
        elif isinstance(node, _Sequence) and isinstance(step, int) and step < len(node):
            mark = node.item_marks[step]
        else:
            break
        node = node[step]
    return mark


def _describe(path: Iterable[Any]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "the file"


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            type(None): "null"}.get(type(value), "a list" if isinstance(value, list) else
            "a mapping" if isinstance(value, dict) else type(value).__name__)  # fmt: skip


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


# -- schema -------------------------------------------------------------------------------


@cache
def schema() -> Mapping[str, Any]:
    """The scenario format's JSON Schema, shipped in this package."""
    text = resources.files(__package__).joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    document: Mapping[str, Any] = json.loads(text)
    return document


@cache
def _validator() -> Any:
    import jsonschema  # only paid for while loading files

    return jsonschema.Draft202012Validator(schema())


def _schema_errors(file: str, document: Any) -> Iterator[ScenarioError]:
    for error in sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        yield from _explain(file, document, error)


def _explain(file: str, document: Any, error: Any) -> Iterator[ScenarioError]:
    path = list(error.absolute_path)
    where = _describe(path)
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for extra in sorted(set(error.instance) - set(allowed), key=str):
            mark = _mark_at(document, [*path, extra], key=True)
            yield ScenarioError(
                _place(file, mark),
                f"unknown key '{extra}' in {where}{_suggest(str(extra), allowed)}; "
                f"expected one of: {', '.join(allowed)}",
            )
        return
    mark = _mark_at(document, path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        message = f"{where}: missing key '{missing}'"
    elif error.validator == "type":
        expected = error.validator_value
        message = f"{where}: expected {expected if isinstance(expected, str) else ' or '.join(expected)}, got {_kind(error.instance)}"
        if expected == "string" and isinstance(error.instance, (int, float)):
            message += f" (write it in quotes: '{error.instance}')"
    elif error.validator == "enum" and isinstance(error.instance, str) and path and path[-1] == "error":
        message = f"unknown error '{error.instance}'{_suggest(error.instance, ERROR_NAMES)}; known errors: {', '.join(ERROR_NAMES)}"
    elif error.validator == "enum":
        message = f"{where}: expected one of {', '.join(map(json.dumps, error.validator_value))}, got {error.instance!r}"
    elif error.validator == "const":
        message = f"{where}: expected {json.dumps(error.validator_value)}, got {error.instance!r}"
    elif error.validator == "anyOf" and error.context:
        # Report the alternative the value came closest to: a name for a string, else the one
        # whose complaints sit deepest (e.g. inside the {code, msg} mapping).
        branches: dict[int, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = max(branches.values(), key=lambda subs: max(len(e.absolute_path) for e in subs))
        if isinstance(error.instance, str):
            closest = next((subs for subs in branches.values() if subs[0].validator == "enum"), closest)
        for sub in closest:
            yield from _explain(file, document, sub)
        return
    else:
        message = f"{where}: {error.message}"
    yield ScenarioError(_place(file, mark), message)


# -- from checked data to frozen scenarios -------------------------------------------------


def _timestamp(value: int | str) -> int:
    """A birthday written as a date means midnight in the server's zone."""
    if isinstance(value, int):
        return value
    return int(datetime.combine(date.fromisoformat(value), datetime.min.time(), SHANGHAI).timestamp())


def _user(fields: Mapping[str, Any], generated: bool) -> ExistingUser:
    """The columns a scenario sets; the rest come from Faker or stay empty, per request."""
    columns = {k: v for k, v in fields.items() if k in EMPTY_USER}
    if "birthday" in columns:
        columns["birthday"] = _timestamp(columns["birthday"])
    if not generated and not columns.get("number_code"):
        columns["number_code"] = number_code(int(columns.get("id", 0)))
    return ExistingUser(
        fields=MappingProxyType(columns),
        generated=generated,
        token=fields.get("token"),
        mandatory_bind_mobile=fields.get("is_mandatory_bind_mobile"),
    )


def _outcome(reply: Mapping[str, Any]) -> Outcome:
    if "user" in reply:
        return _user(reply["user"], generated=False)
    if "fake_user" in reply:
        return _user(reply["fake_user"], generated=True)
    if "new_user" in reply:
        return NewUser(**reply["new_user"])
    error = reply["error"]
    if isinstance(error, str):
        return NamedError(error)
    return CustomError(code=error["code"], msg=error.get("msg", ""), data=error.get("data", ""))


def _meaning_errors(file: str, document: Any) -> Iterator[ScenarioError]:
    """What the schema cannot say: one outcome per reply, real dates. Runs on unchecked data too."""
    entries = document.get("scenarios") if isinstance(document, _Mapping) else None
    for index, entry in enumerate(entries if isinstance(entries, _Sequence) else ()):
        reply = entry.get("reply") if isinstance(entry, _Mapping) else None
        if not isinstance(reply, _Mapping):
            continue
        given = [key for key in OUTCOME_KEYS if key in reply]
        if len(given) > 1:
            yield ScenarioError(
                _place(file, reply.key_marks[given[1]]),
                f"scenarios[{index}].reply: give one outcome, not {' and '.join(given)}",
            )
        for kind in ("user", "fake_user"):
            user = reply.get(kind)
            birthday = user.get("birthday") if isinstance(user, _Mapping) else None
            if isinstance(user, _Mapping) and isinstance(birthday, str):
                try:
                    date.fromisoformat(birthday)
                except ValueError:
                    yield ScenarioError(
                        _place(file, user.value_marks["birthday"]),
                        f"scenarios[{index}].reply.{kind}.birthday: '{birthday}' is not a date",
                    )


def _load_file(path: Path, file: str) -> tuple[list[Scenario], list[ScenarioError]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [ScenarioError(Place(file, 1, 1), f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return [], [ScenarioError(Place(file, 1, 1), f"cannot read: {exc.strerror}")]
    loader = _Loader(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(filter(None, (exc.context, exc.problem)))
        return [], [ScenarioError(_place(file, mark), f"invalid YAML: {problem}")]
    except yaml.YAMLError as exc:
        return [], [ScenarioError(Place(file, 1, 1), f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    errors = [ScenarioError(_place(file, mark), f"key '{key}' given twice") for key, mark in loader.repeated]
    if document is None:
        return [], errors + [ScenarioError(Place(file, 1, 1), "the file is empty; expected 'version: 1' and 'scenarios:'")]
    errors += _schema_errors(file, document)
    errors += _meaning_errors(file, document)
    if errors:
        return [], sorted(errors, key=lambda e: (e.place.line, e.place.column))
    scenarios = [
        Scenario(
            name=entry["name"],
            description=entry.get("description", ""),
            tags=tuple(entry.get("tags", ())),
            match=Match(authcode=entry["match"]["authcode"]),
            outcome=_outcome(entry["reply"]),
            place=_place(file, document["scenarios"].item_marks[index]),
        )
        for index, entry in enumerate(document["scenarios"])
    ]
    return scenarios, []


def _duplicates(scenarios: list[Scenario]) -> Iterator[ScenarioError]:
    """Names and exact authcodes are unique across all files: a table read top-down has no overrides."""
    keys: dict[str, Callable[[Scenario], str]] = {"name": lambda s: s.name, "authcode": lambda s: s.match.authcode}
    for what, key in keys.items():
        first: dict[str, Scenario] = {}
        for scenario in scenarios:
            value = key(scenario)
            if value in first:
                yield ScenarioError(
                    scenario.place,
                    f"{what} '{value}' is already used by scenario '{first[value].name}' at {first[value].place}",
                )
            else:
                first[value] = scenario


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def scenario_files(directory: Path) -> list[Path]:
    """Every scenario file under a directory, in a stable order."""
    return sorted(p for p in directory.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def load_scenarios(directory: Path | str) -> ScenarioSet:
    """Load every scenario file under `directory`; raise ScenarioLoadError listing all problems."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ScenarioLoadError([ScenarioError(Place(display_path(directory), 1, 1), "no such directory")])
    files = scenario_files(directory)
    scenarios: list[Scenario] = []
    errors: list[ScenarioError] = []
    for path in files:
        found, problems = _load_file(path, display_path(path))
        scenarios += found
        errors += problems
    errors += _duplicates(scenarios)
    if errors:
        raise ScenarioLoadError(errors)
    return ScenarioSet.of(tuple(scenarios), tuple(display_path(p) for p in files))
