"""The scenario format's structure: checked against `schema.json`, and every error explained.

This module owns the JSON Schema shipped in this package (the same file editors use, so one
source of truth) and the check of a read document against it. A valid document, most of them,
passes a compiled yes/no gate (fastjsonschema); only a broken one is walked by jsonschema, whose
errors are turned into messages a scenario author can act on, each at its `file:line:column`.
The meaning (catalogue names, unique names and authcodes) is checked by the builder and loader.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Callable, Final, Iterator, Mapping

from .. import routing
from ..contract.routes import LOGIN, outcomes_for
from ..support.suggest import did_you_mean
from . import positions
from .model import ScenarioError

SCHEMA_RESOURCE: Final = "schema.json"
# The envelope's own keys: written at the top of a reply, they belong under error: or envelope:.
ENVELOPE_KEYS: Final = ("code", "msg", "data")


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
def _fast_check() -> Callable[[Any], bool]:
    """Is a document valid? A yes/no answer, fast."""
    import fastjsonschema  # compiles the schema to Python: the valid files, most of them, load fast

    # Only a yes/no gate (jsonschema explains the errors), so no detailed exceptions: they embed
    # the schema in the generated code four times over, 230 KB of source and 12 MB of RSS.
    check = fastjsonschema.compile(_const_as_enum(schema()), detailed_exceptions=False)
    # The exception class of the module that compiled the check, kept with it: a module imported
    # again later (pytester's in-process runs restore sys.modules) has classes of its own, which
    # this check's exceptions are not instances of.
    failure = fastjsonschema.JsonSchemaException

    def valid(document: Any) -> bool:
        try:
            check(document)
        except failure:
            return False
        return True

    return valid


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


def schema_errors(file: str, document: Any) -> Iterator[ScenarioError]:
    """Nothing for a valid document (the fast check); else every error, explained (jsonschema)."""
    if _fast_check()(document):
        return
    for error in sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        yield from _explain(file, document, error)


def _explain(file: str, document: Any, error: Any) -> Iterator[ScenarioError]:
    path = list(error.absolute_path)
    where = positions.describe(path)
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extras = sorted(set(error.instance) - set(allowed), key=str)
        defs = schema()["$defs"]
        if error.schema in (defs["reply"], defs["scenario"]) and set(extras) & set(ENVELOPE_KEYS):
            yield _envelope_on_top(file, document, path, error.instance)
            extras = [extra for extra in extras if extra not in ENVELOPE_KEYS]
        for extra in extras:
            mark = positions.mark_at(document, [*path, extra], key=True)
            yield ScenarioError(
                positions.place(file, mark),
                f"unknown key '{extra}' in {where}{did_you_mean(str(extra), allowed)}; "
                f"expected one of: {', '.join(allowed)}",
            )
        return
    mark = positions.mark_at(document, path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        message = f"{where}: missing key '{missing}'"
    elif error.validator == "type":
        expected = error.validator_value
        message = f"{where}: expected {expected if isinstance(expected, str) else ' or '.join(expected)}, got {_kind(error.instance)}"
        if expected == "string" and isinstance(error.instance, (int, float)):
            message += f" (write it in quotes: '{error.instance}')"
    elif error.validator == "enum" and isinstance(error.instance, str) and _catalogue_kind(path):
        names = list(error.validator_value)
        message = (
            f"unknown {_catalogue_kind(path)} '{error.instance}'{did_you_mean(error.instance, names)}; "
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
        # Of two mappings (an error's {name, ...} and {code, ...}), the one whose keys it has.
        fitting.sort(key=lambda subs: any(e.validator == "required" and len(e.absolute_path) == len(path) for e in subs))
        if fitting:
            for sub in fitting[0]:
                yield from _explain(file, document, sub)
            return
        message = f"{where}: expected {error.schema.get('description', 'another kind of value')}, got {_kind(error.instance)}"
    else:
        message = f"{where}: {error.message}"
    yield ScenarioError(positions.place(file, mark), message)


def _envelope_on_top(file: str, document: Any, path: list[Any], reply: Mapping[str, Any]) -> ScenarioError:
    """`reply: {code: -1, msg: ...}`: the envelope written out where an outcome belongs, in a
    reply or beside it at the scenario's level. One message, at the first of its envelope keys,
    saying where they go for its route."""
    marks = {key: positions.mark_at(document, [*path, key], key=True) for key in ENVELOPE_KEYS if key in reply}
    keys = sorted(marks, key=lambda key: _position(marks[key]))
    action = document["scenarios"][path[1]].get("action")
    route = routing.resolve(action).key if isinstance(action, str) else LOGIN
    answers = outcomes_for(route)
    code = reply.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    form = "replies: [{}]" if len(path) > 1 and path[-2] == "replies" else "reply: {}"
    # At the scenario's level (path ["scenarios", i]) they belong one level down, inside its reply.
    beside = len(path) == 2
    envelope, error_key = ("'reply: {envelope: ...}'", "'reply: {error: ...}'") if beside else ("'envelope:'", "'error:'")
    if "envelope" in answers and not code:
        hint = f"a spelled-out answer goes under {envelope}, e.g. " + form.format("{envelope: {code: 0, msg: ..., data: ...}}")
    elif code == 0:
        successes = ", ".join(sorted(answers - {"error", "fault"}))
        hint = f"{'/'.join(route).lower()} answers a success with one of {successes}, not with a code; an error's code and msg go under {error_key}"
    else:
        hint = f"an error's code and msg go under {error_key}, e.g. " + form.format(f"{{error: {{code: {code or -1}, msg: ...}}}}")
    named = ", ".join(f"'{key}'" for key in keys)
    return ScenarioError(
        positions.place(file, marks[keys[0]]),
        f"unknown key{'s' if len(keys) > 1 else ''} {named} in {positions.describe(path)}: {hint}",
    )


def _catalogue_kind(path: list[Any]) -> str:
    """"error" or "fault" where a value names one from a catalogue (`error: NAME`, `error:
    {name: NAME}`, `fault: NAME`), else ""."""
    if path and path[-1] in ("error", "fault"):
        return str(path[-1])
    return "error" if path[-2:-1] == ["error"] and path[-1] == "name" else ""


def _position(mark: Any) -> tuple[int, int]:
    return (mark.line, mark.column) if mark else (0, 0)


def _wrong_kind(error: Any, depth: int) -> bool:
    """Does this complaint mean the value is of another kind than the alternative wants?"""
    if len(error.absolute_path) != depth:
        return False
    if error.validator == "type":
        return True
    return error.validator in ("enum", "const") and isinstance(error.instance, (dict, list))


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            type(None): "null"}.get(type(value), "a list" if isinstance(value, list) else
            "a mapping" if isinstance(value, dict) else type(value).__name__)  # fmt: skip
