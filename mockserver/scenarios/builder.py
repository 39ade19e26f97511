"""From a schema-checked document to frozen scenarios: what only code can check, and the build.

This module owns the step after the schema check: turning one file's document into `Scenario`s
(conditions compiled, replies resolved to outcomes, templates parsed, dates made timestamps),
while collecting, each at its place, the problems the schema cannot express: one outcome per
reply, an outcome the action can answer, real dates, regular expressions that compile, Faker
providers and user fields that exist, `{{user.*}}` only where there is a user to show. Facts of
the real API it relies on come from `contract/`, never from the modules that render answers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Callable, Final, Mapping

from .. import routing
from ..contract.errors import PASSES
from ..contract.fields import EMPTY_USER, number_code
from ..contract.messages import CURL_ERRORS
from ..contract.platforms import CLIENT_TYPE_ALIASES, CLIENT_TYPES, PLATFORMS
from ..contract.routes import ActionKey, outcomes_for
from ..contract.site import SHANGHAI
from ..support.suggest import did_you_mean
from . import positions, templates
from .model import (
    NO_CONFIG,
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
    RawReply,
    Regex,
    Reply,
    Scenario,
    ScenarioError,
    SiteConfig,
    Template,
    Then,
)
from .yaml_events import Mapping as _Mapping

OUTCOME_KEYS: Final = ("user", "fake_user", "new_user", "error", "fault", "envelope", "config")
RAW_CONTENT_TYPE: Final = "text/html; charset=utf-8"
NO_USER_HERE: Final = (
    "{{user.<field>}} shows the logged-in user in a declared endpoint's envelope; a user's own fields"
    " make the user (write the value, or use {{faker.<provider>}} or {{request.<name>}})"
)


def _timestamp(value: int | str) -> int:
    """A birthday written as a date means midnight in the server's zone."""
    if isinstance(value, int):
        return value
    return int(datetime.combine(date.fromisoformat(value), datetime.min.time(), SHANGHAI).timestamp())


class Builder:
    """Turns one schema-checked file into frozen scenarios, collecting what only code can check:
    one outcome per reply, real dates, regular expressions that compile, Faker providers and user
    fields that exist."""

    def __init__(self, file: str, document: _Mapping, providers: Callable[[], frozenset[str]]) -> None:
        self.file = file
        self.document = document
        self.providers = providers
        self.errors: list[ScenarioError] = []

    def fail(self, path: list[Any], message: str, *, key: bool = False) -> None:
        place = positions.place(self.file, positions.mark_at(self.document, path, key=key))
        self.errors.append(ScenarioError(place, f"{positions.describe(path)}: {message}"))

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
            match=self.match(entry["match"], [*at, "match"], action) if "match" in entry else None,
            replies=tuple(self.reply(r, where) for r, where in zip(replies, reply_at, strict=True)),
            place=positions.place(self.file, positions.mark_at(self.document, at)),
            then=Then(entry.get("then", Then.REPEAT_LAST.value)),
            per=Per(entry.get("per", Per.DEVICE.value)),
            once=entry.get("once", False),
            expires_in=entry.get("expires_in"),
            action=action,
            requires_login=entry.get("requires_login", False),
            override=entry.get("override", False),
            config=MappingProxyType(dict(entry["config"])) if "config" in entry else NO_CONFIG,
        )

    def match(self, match: Mapping[str, Any], at: list[Any], action: ActionKey) -> Match:
        params = match.get("params", {})
        client_type = match.get("client_type")
        if client_type:
            self.check_client_types(client_type, [*at, "client_type"], action)
        return Match(
            authcode=self.condition(match["authcode"], [*at, "authcode"]) if "authcode" in match else None,
            client_type=self.condition(_lower(client_type), [*at, "client_type"]) if client_type else None,
            params=tuple((name, self.condition(c, [*at, "params", name])) for name, c in params.items()),
        )

    def check_client_types(self, condition: Any, at: list[Any], action: ActionKey) -> None:
        """Each client type a condition names (a regex names none) is one the route is asked with."""
        if isinstance(condition, str):
            named = [(condition, at)]
        elif isinstance(condition, list):
            named = [(name, [*at, i]) for i, name in enumerate(condition)]
        else:
            named = [(name, [*at, "in", i]) for i, name in enumerate(condition.get("in", []))]
        known = _client_types(action)
        for name, where in named:
            if name.lower() not in known:
                hint = did_you_mean(name.lower(), known, CLIENT_TYPE_ALIASES)
                self.fail(where, f"'{name}' is not a client type of {'/'.join(action).lower()}{hint}; its client types: {', '.join(known)}")

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
            return CannedEnvelope(value.get("msg", ""), value.get("code", 0), data, needs_user=_names_user(data))
        if kind == "config":
            return SiteConfig(MappingProxyType(dict(value)))
        if isinstance(value, str):
            return NamedError(value)
        if "name" in value:
            return self.named_error(value, at)
        return CustomError(code=value["code"], msg=value.get("msg", ""), data=value.get("data", ""))

    def named_error(self, value: Mapping[str, Any], at: list[Any]) -> NamedError:
        """`{name, text, errno}`: a catalogue error with the platform side's own words (and a curl
        error's number), where the real server passes them through."""
        name, text, errno = value["name"], value.get("text"), value.get("errno")
        passes = PASSES.get(name, frozenset())
        for key in ("text", "errno"):
            if key in value and key not in passes:
                takers = ", ".join(n for n, given in PASSES.items() if key in given)
                self.fail([*at, key], f"error '{name}' passes no {key} through (only {takers})", key=True)
        if "errno" in passes and text is not None and errno is None:
            self.fail([*at, "text"], f"give errno with text: curl's error number, e.g. {{name: {name}, text: ..., errno: 28}}", key=True)
        if errno is not None and text is None and errno not in CURL_ERRORS:
            known = ", ".join(f"{number} ({words})" for number, words in CURL_ERRORS.items())
            self.fail([*at, "errno"], f"no curl text known for errno {errno}: give text too; known: {known}")
        return NamedError(name, text, errno)

    def templated_data(self, value: Any, at: list[Any]) -> Any:
        """Plain JSON data, with every string parsed for template holes (`{{user.*}}` included:
        a declared answer may show the request's user)."""
        if isinstance(value, str):
            return self.template(value, at, user_fields=True)
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

    def template(self, text: str, at: list[Any], *, user_fields: bool = False) -> str | Template:
        """A string parsed for holes; `{{user.*}}` only where `user_fields` (a declared endpoint's
        envelope): in a login's user, the fields make the user, there is none to read yet."""
        try:
            parsed = templates.parse(text)
            if isinstance(parsed, Template):
                templates.check_providers(parsed, self.providers())
                if not user_fields and templates.names_user(parsed):
                    raise templates.TemplateError(NO_USER_HERE)
                templates.check_user_fields(parsed)
            return parsed
        except templates.TemplateError as exc:
            self.fail(at, str(exc))
            return text


def _names_user(data: Any) -> bool:
    """Does a declared answer show the request's user? Worked out once, so that an answer
    without `{{user.*}}` never looks the user up."""
    if isinstance(data, Template):
        return templates.names_user(data)
    if isinstance(data, dict):
        return any(_names_user(v) for v in data.values())
    if isinstance(data, list):
        return any(_names_user(v) for v in data)
    return False


def _client_types(action: ActionKey) -> tuple[str, ...]:
    """The client types a request to this route can carry into scenario selection: a route that
    answers users dispatches on the platform first (§3.1), so only platforms reach its scenarios;
    any other route is asked by every kind of client."""
    return tuple(PLATFORMS) if "user" in outcomes_for(action) else CLIENT_TYPES


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
