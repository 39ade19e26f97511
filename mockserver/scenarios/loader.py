"""Scenario files -> one ScenarioSet, or every problem of every file with its `file:line:column`.

Loading is all or nothing: a server never starts (or reloads) half-loaded. YAML is read with
PyYAML's SafeLoader (only plain data, never objects); the one addition is that mappings and lists
remember where each key and item was written, and repeated keys are refused instead of silently
overwritten. The structure is checked against `schema.json` (the same file editors use), the
meaning (catalogue names, unique names and authcodes) by the code below.
"""

from __future__ import annotations

import gc
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Final, Iterable, Iterator, Mapping

import yaml

from ..contract.fields import EMPTY_USER
from ..fake_users import number_code
from ..render import SHANGHAI
from ..settings import DEFAULT_LOCALE
from ..suggest import did_you_mean
from . import templates
from .. import routing
from ..contract.routes import outcomes_for
from .yaml_events import Mapping as _Mapping
from .yaml_events import SafeLoader as _SafeBase
from .yaml_events import Sequence as _Sequence
from .yaml_events import load_plain
from .model import (
    CannedEnvelope,
    Condition,
    CustomError,
    Delay,
    Equals,
    ExistingUser,
    Fault,
    FieldValue,
    Match,
    NamedError,
    NewUser,
    OneOf,
    Outcome,
    Per,
    Place,
    RawReply,
    Regex,
    Reply,
    Scenario,
    ScenarioSet,
    SiteConfig,
    Template,
    Then,
)

SUFFIXES: Final = (".yaml", ".yml")
OUTCOME_KEYS: Final = ("user", "fake_user", "new_user", "error", "fault", "envelope", "config")
RAW_CONTENT_TYPE: Final = "text/html; charset=utf-8"
# A scenario file is hand-written: anything this big is a mistake (a log, a dump), and parsing it
# would stall start-up or a reload for minutes.
MAX_FILE_BYTES: Final = 8 * 1024**2
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


class _Loader(_SafeBase):  # type: ignore[valid-type, misc]
    """SafeLoader, plus positions and a refusal of repeated keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[tuple[Any, yaml.Mark]] = []


def _load_general(text: str) -> tuple[Any, list[tuple[Any, yaml.Mark]]]:
    """Any YAML the safe loader reads (anchors, tags, merge keys), with positions."""
    loader = _Loader(text)
    try:
        return loader.get_single_data(), loader.repeated
    finally:
        loader.dispose()


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


@cache
def _fast_check() -> Callable[[Any], Any]:
    import fastjsonschema  # compiles the schema to Python: the valid files, most of them, load fast

    # Only a yes/no gate (jsonschema explains the errors), so no detailed exceptions: they embed
    # the schema in the generated code four times over, 230 KB of source and 12 MB of RSS.
    check: Callable[[Any], Any] = fastjsonschema.compile(_const_as_enum(schema()), detailed_exceptions=False)
    return check


def _const_as_enum(node: Any) -> Any:
    """`const: x` as the equivalent `enum: [x]`: fastjsonschema 2.22 fails to generate `const`
    without detailed exceptions. (Our schema has no property named `const`.)"""
    if isinstance(node, Mapping):
        return {
            "enum" if key == "const" else key: [value] if key == "const" else _const_as_enum(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_const_as_enum(item) for item in node]
    return node


def _schema_errors(file: str, document: Any) -> Iterator[ScenarioError]:
    """Nothing for a valid document (the fast check); else every error, explained (jsonschema)."""
    import fastjsonschema

    try:
        _fast_check()(document)
        return
    except fastjsonschema.JsonSchemaException:
        pass
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
                f"unknown key '{extra}' in {where}{did_you_mean(str(extra), allowed)}; "
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
    elif error.validator == "enum" and isinstance(error.instance, str) and path and path[-1] in ("error", "fault"):
        names = list(error.validator_value)
        message = (
            f"unknown {path[-1]} '{error.instance}'{did_you_mean(error.instance, names)}; "
            f"known: {', '.join(names)}"
        )
    elif error.validator == "enum":
        message = f"{where}: expected one of {', '.join(map(json.dumps, error.validator_value))}, got {error.instance!r}"
    elif error.validator == "const":
        message = f"{where}: expected {json.dumps(error.validator_value)}, got {error.instance!r}"
    elif error.validator == "anyOf" and error.context:
        # Explain against the first alternative of the value's own kind (a name for a string,
        # the mapping form for a mapping); if none is, say what the alternatives are.
        branches: dict[int, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        fitting = [subs for subs in branches.values() if not any(_wrong_kind(e, len(path)) for e in subs)]
        if fitting:
            for sub in fitting[0]:
                yield from _explain(file, document, sub)
            return
        message = f"{where}: expected {error.schema.get('description', 'another kind of value')}, got {_kind(error.instance)}"
    else:
        message = f"{where}: {error.message}"
    yield ScenarioError(_place(file, mark), message)


def _wrong_kind(error: Any, depth: int) -> bool:
    """Does this complaint mean the value is of another kind than the alternative wants?"""
    if len(error.absolute_path) != depth:
        return False
    if error.validator == "type":
        return True
    return error.validator in ("enum", "const") and isinstance(error.instance, (dict, list))


# -- from checked data to frozen scenarios -------------------------------------------------


def _timestamp(value: int | str) -> int:
    """A birthday written as a date means midnight in the server's zone."""
    if isinstance(value, int):
        return value
    return int(datetime.combine(date.fromisoformat(value), datetime.min.time(), SHANGHAI).timestamp())


class _Builder:
    """Turns one schema-checked file into frozen scenarios, collecting what only code can check:
    one outcome per reply, real dates, regular expressions that compile, Faker providers that exist."""

    def __init__(self, file: str, document: _Mapping, providers: Callable[[], frozenset[str]]) -> None:
        self.file = file
        self.document = document
        self.providers = providers
        self.errors: list[ScenarioError] = []

    def fail(self, path: list[Any], message: str, *, key: bool = False) -> None:
        place = _place(self.file, _mark_at(self.document, path, key=key))
        self.errors.append(ScenarioError(place, f"{_describe(path)}: {message}"))

    def scenarios(self) -> list[Scenario]:
        entries = self.document["scenarios"]
        return [self.scenario(entry, ["scenarios", i]) for i, entry in enumerate(entries)]

    def scenario(self, entry: Mapping[str, Any], at: list[Any]) -> Scenario:
        if ("reply" in entry) == ("replies" in entry):
            self.fail(at, "give either reply (one answer) or replies (a sequence)")
        replies = [entry["reply"]] if "reply" in entry else entry.get("replies", [])
        reply_at = [[*at, "reply"]] if "reply" in entry else [[*at, "replies", i] for i in range(len(replies))]
        action = routing.resolve(entry.get("action", "user/appminiuserauth")).key
        allowed = outcomes_for(action)
        for reply, where in zip(replies, reply_at, strict=True):
            for kind in sorted(set(reply) & set(OUTCOME_KEYS) - allowed):
                self.fail([*where, kind], f"{'/'.join(action).lower()} cannot answer '{kind}'; it answers {', '.join(sorted(allowed))}", key=True)
        return Scenario(
            name=entry["name"],
            description=entry.get("description", ""),
            tags=tuple(entry.get("tags", ())),
            match=self.match(entry["match"], [*at, "match"]) if "match" in entry else None,
            replies=tuple(self.reply(r, where) for r, where in zip(replies, reply_at, strict=True)),
            place=_place(self.file, _mark_at(self.document, at)),
            then=Then(entry.get("then", Then.REPEAT_LAST.value)),
            per=Per(entry.get("per", Per.DEVICE.value)),
            once=entry.get("once", False),
            expires_in=entry.get("expires_in"),
            action=action,
            requires_login=entry.get("requires_login", False),
        )

    def match(self, match: Mapping[str, Any], at: list[Any]) -> Match:
        params = match.get("params", {})
        client_type = match.get("client_type")
        return Match(
            authcode=self.condition(match["authcode"], [*at, "authcode"]) if "authcode" in match else None,
            client_type=self.condition(_lower(client_type), [*at, "client_type"]) if client_type else None,
            params=tuple((name, self.condition(c, [*at, "params", name])) for name, c in params.items()),
        )

    def condition(self, value: Any, at: list[Any]) -> Condition:
        if isinstance(value, str):
            return Equals(value)
        if isinstance(value, list):
            return OneOf(frozenset(value))
        if "in" in value:
            return OneOf(frozenset(value["in"]))
        try:
            return Regex(re.compile(value["regex"]))
        except re.error as exc:
            self.fail([*at, "regex"], f"bad regular expression {value['regex']!r}: {exc.msg} at position {exc.pos}")
            return Regex(re.compile("(?!)"))

    def reply(self, reply: Mapping[str, Any], at: list[Any]) -> Reply:
        given = [key for key in OUTCOME_KEYS if key in reply]
        if len(given) != 1:
            what = f"not {' and '.join(given)}" if given else "none given"
            self.fail(at, f"give exactly one of {', '.join(OUTCOME_KEYS)} ({what})")
            return Reply(CustomError(-1, ""))
        kind = given[0]
        return Reply(self.outcome(kind, reply[kind], [*at, kind]), _delay(reply.get("delay")))

    def outcome(self, kind: str, value: Any, at: list[Any]) -> Outcome | Fault | RawReply:
        if kind in ("user", "fake_user"):
            return self.user(value, kind == "fake_user", at)
        if kind == "new_user":
            return NewUser(**value)
        if kind == "fault":
            if isinstance(value, str):
                return Fault(value)
            return RawReply(value["status"], value.get("body", ""), value.get("content_type", RAW_CONTENT_TYPE))
        if kind == "envelope":
            data = self.templated_data(value.get("data", ""), [*at, "data"])
            return CannedEnvelope(value.get("msg", ""), value.get("code", 0), data)
        if kind == "config":
            return SiteConfig(MappingProxyType(dict(value)))
        if isinstance(value, str):
            return NamedError(value)
        return CustomError(code=value["code"], msg=value.get("msg", ""), data=value.get("data", ""))

    def templated_data(self, value: Any, at: list[Any]) -> Any:
        """Plain JSON data, with every string parsed for template holes."""
        if isinstance(value, str):
            return self.template(value, at)
        if isinstance(value, dict):
            return {k: self.templated_data(v, [*at, k]) for k, v in value.items()}
        if isinstance(value, list):
            return [self.templated_data(v, [*at, i]) for i, v in enumerate(value)]
        return value

    def user(self, fields: Mapping[str, Any], generated: bool, at: list[Any]) -> ExistingUser:
        """The columns a scenario sets; the rest come from Faker or stay empty, per request."""
        columns: dict[str, FieldValue] = {}
        for name, value in fields.items():
            if name not in EMPTY_USER:
                continue
            if name == "birthday":
                try:
                    value = _timestamp(value)
                except ValueError:
                    self.fail([*at, name], f"'{value}' is not a date")
            elif isinstance(value, str):
                value = self.template(value, [*at, name])
            columns[name] = value
        user_id = columns.get("id", 0)
        if not generated and not columns.get("number_code"):
            columns["number_code"] = number_code(user_id if isinstance(user_id, int) else 0)
        return ExistingUser(
            fields=MappingProxyType(columns),
            generated=generated,
            templated=any(isinstance(v, Template) for v in columns.values()),
            token=fields.get("token"),
            mandatory_bind_mobile=fields.get("is_mandatory_bind_mobile"),
        )

    def template(self, text: str, at: list[Any]) -> str | Template:
        try:
            parsed = templates.parse(text)
            if isinstance(parsed, Template):
                templates.check_providers(parsed, self.providers())
            return parsed
        except templates.TemplateError as exc:
            self.fail(at, str(exc))
            return text


def _lower(condition: Any) -> Any:
    """Client types match in any casing: compare lower-cased values."""
    if isinstance(condition, str):
        return condition.lower()
    if isinstance(condition, list):
        return [v.lower() for v in condition]
    if isinstance(condition, dict) and "in" in condition:
        return {"in": [v.lower() for v in condition["in"]]}
    if isinstance(condition, dict) and "regex" in condition:
        return {"regex": "(?i)" + condition["regex"]}
    return condition


def _delay(value: Any) -> Delay | None:
    if value is None:
        return None
    if isinstance(value, int):
        return Delay(value, value)
    low, high = sorted((value["min"], value["max"]))
    return Delay(low, high)


def _load_file(
    path: Path, file: str, providers: Callable[[], frozenset[str]]
) -> tuple[list[Scenario], list[ScenarioError]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1024**2
            return [], [ScenarioError(Place(file, 1, 1), f"too large ({size / 1024**2:.1f} MB; scenario files are read up to {limit} MB)")]
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [ScenarioError(Place(file, 1, 1), f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return [], [ScenarioError(Place(file, 1, 1), f"cannot read: {exc.strerror}")]
    try:
        document, repeated = load_plain(text) or _load_general(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(filter(None, (exc.context, exc.problem)))
        return [], [ScenarioError(_place(file, mark), f"invalid YAML: {problem}")]
    except yaml.YAMLError as exc:
        return [], [ScenarioError(Place(file, 1, 1), f"invalid YAML: {exc}")]
    errors = [ScenarioError(_place(file, mark), f"key '{key}' given twice") for key, mark in repeated]
    if document is None:
        return [], errors + [ScenarioError(Place(file, 1, 1), "the file is empty; expected 'version: 1' and 'scenarios:'")]
    errors += _schema_errors(file, document)
    scenarios: list[Scenario] = []
    if not errors:
        builder = _Builder(file, document, providers)
        scenarios = builder.scenarios()
        errors += builder.errors
    if errors:
        return [], sorted(errors, key=lambda e: (e.place.line, e.place.column))
    return scenarios, []


def _duplicates(scenarios: list[Scenario]) -> Iterator[ScenarioError]:
    """Names are unique across all files, and so are matches: a table read top-down has no overrides."""
    names: dict[str, Scenario] = {}
    matches: dict[Match, Scenario] = {}
    for scenario in scenarios:
        first = names.setdefault(scenario.name, scenario)
        if first is not scenario:
            yield ScenarioError(
                scenario.place, f"name '{scenario.name}' is already used by the scenario at {first.place}"
            )
        if scenario.match is None:
            continue
        first = matches.setdefault(scenario.match, scenario)
        if first is not scenario:
            code = scenario.match.exact_authcode
            what = f"authcode '{code}'" if code is not None else "the same match"
            yield ScenarioError(
                scenario.place,
                f"{what} is already used by scenario '{first.name}' at {first.place}; this one could never answer",
            )


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def scenario_files(directory: Path) -> list[Path]:
    """Every scenario file under a directory, in a stable order. Symlinked folders are not
    followed (no loops); a file whose real path leaves the directory is not read at all."""
    root = directory.resolve()
    found = [
        Path(folder, name)
        for folder, _, names in os.walk(directory)
        for name in names
        if name.endswith(SUFFIXES)
    ]
    return sorted(p for p in found if p.resolve().is_relative_to(root) and p.is_file())


@cache
def _provider_names(locale: str) -> frozenset[str]:
    from faker import Faker

    return templates.provider_names(Faker(locale))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while files load. A large file makes some hundred thousand
    lasting objects (values, positions, scenarios); the collector keeps re-scanning the growing
    heap for cycles they do not have, a sixth of the load time. The pause is process-wide (a
    reload runs beside the server) but lasts only the load; reference counting still frees
    everything meanwhile, and the collector is back (if it was on) whatever happens."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_scenarios(directory: Path | str, locale: str = DEFAULT_LOCALE) -> ScenarioSet:
    """Load every scenario file under `directory`; raise ScenarioLoadError listing all problems.

    `locale` is the Faker locale whose providers `{{faker.<provider>}}` templates may name."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ScenarioLoadError([ScenarioError(Place(display_path(directory), 1, 1), "no such directory")])
    files = scenario_files(directory)
    scenarios: list[Scenario] = []
    errors: list[ScenarioError] = []
    with _no_cycle_collection():
        for path in files:
            found, problems = _load_file(path, display_path(path), lambda: _provider_names(locale))
            scenarios += found
            errors += problems
    errors += _duplicates(scenarios)
    if errors:
        raise ScenarioLoadError(errors)
    return ScenarioSet.of(tuple(scenarios), tuple(display_path(p) for p in files))
