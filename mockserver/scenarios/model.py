"""The scenario format, frozen: Scenario = Match + replies (+ how they are served), built once at load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any, Final, Mapping

from ..contract.routes import LOGIN, ActionKey


@dataclass(frozen=True, slots=True)
class Place:
    """Where something was written: `file:line:column`, 1-based; line 0 for a whole folder or
    file (one missing, one unreadable), which has no position to show."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class ScenarioError:
    """One problem in a scenario file, where it was written. Here beside `Place`, not in the
    loader: the schema check and the builder report them too, and the loader imports both."""

    place: Place
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


# -- matching ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Equals:
    value: str


@dataclass(frozen=True, slots=True)
class OneOf:
    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class Regex:
    pattern: re.Pattern[str]  # compiled at load; matched with `search`


Condition = Equals | OneOf | Regex


@dataclass(frozen=True, slots=True)
class Match:
    """All conditions must hold. `params` test the merged request parameters by name."""

    authcode: Condition | None = None
    client_type: Condition | None = None
    params: tuple[tuple[str, Condition], ...] = ()

    @property
    def exact_authcode(self) -> str | None:
        return self.authcode.value if isinstance(self.authcode, Equals) else None


# -- outcomes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Template:
    """A field value with `{{faker.<provider>}}` / `{{request.<name>}}` / `{{user.<field>}}`
    holes, parsed at load."""

    parts: tuple[str | tuple[str, str], ...]  # literal text, or (source, name)
    text: str  # as written


FieldValue = int | str | Template


@dataclass(frozen=True, slots=True)
class ExistingUser:
    """A known user: the columns a scenario set. What it left unset is made up by Faker when
    `generated`, else empty; unset ids of the requesting platform are generated either way."""

    fields: Mapping[str, FieldValue]
    generated: bool
    token: str | None = None
    mandatory_bind_mobile: int | None = None
    templated: bool = False  # some field holds a Template (set by the loader)


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user ShopXO does not know yet (§3.4)."""

    openid: str | None = None
    unionid: str | None = None
    mandatory_bind_mobile: int = 0
    review: bool = False


@dataclass(frozen=True, slots=True)
class NamedError:
    """An error of the catalogue, answered as the requesting platform and release answer it."""

    name: str  # a key of contract.errors.CATALOGUES[profile]
    text: str | None = None  # the platform side's own words to pass through instead of its usual ones
    errno: int | None = None  # a curl error's number (Kuaishou's transport failure)


@dataclass(frozen=True, slots=True)
class CustomError:
    code: int
    msg: str
    data: Any = ""


@dataclass(frozen=True, slots=True)
class CannedEnvelope:
    """Any endpoint's answer, spelled out; string values anywhere in `data` may be templates."""

    msg: str
    code: int
    data: Any = ""
    needs_user: bool = False  # some template names {{user.*}}: the token's user is looked up (set by the loader)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """`base/common` with these admin settings (merged over the server's)."""

    values: Mapping[str, Any]


Outcome = ExistingUser | NewUser | NamedError | CustomError | CannedEnvelope | SiteConfig


# -- network behaviour ---------------------------------------------------------------------


class Fault(Enum):
    """What the network can do instead of answering (contract §5: network / silent failure)."""

    RESET = "reset"  # TCP reset mid-request
    EMPTY = "empty"  # the connection closes without a byte
    MALFORMED = "malformed"  # 200 with a JSON body cut short
    HANG = "hang"  # no answer until the client gives up (bounded by the server)


@dataclass(frozen=True, slots=True)
class RawReply:
    """Any HTTP status and body, e.g. a 502 page or JSON without `msg`."""

    status: int
    body: str
    content_type: str


@dataclass(frozen=True, slots=True)
class Delay:
    min_ms: int
    max_ms: int


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer: an outcome (or a fault in its place), optionally late."""

    outcome: Outcome | Fault | RawReply
    delay: Delay | None = None


# -- scenarios -----------------------------------------------------------------------------


NO_CONFIG: Final[Mapping[str, Any]] = MappingProxyType({})  # a scenario without `config`


class Then(Enum):
    REPEAT_LAST = "repeat_last"
    CYCLE = "cycle"


class Per(Enum):
    DEVICE = "device"  # the client's uuid, else the authcode
    AUTHCODE = "authcode"




@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    match: Match | None  # None: chosen only by name (header, binding, --scenario)
    replies: tuple[Reply, ...]  # one, or a sequence served in turn
    place: Place
    description: str = ""
    tags: tuple[str, ...] = ()
    then: Then = Then.REPEAT_LAST
    per: Per = Per.DEVICE
    once: bool = False  # platform codes are single-use (decision 7)
    expires_in: float | None = None  # seconds a code stays valid after it is first seen
    action: ActionKey = LOGIN  # the endpoint this scenario answers
    requires_login: bool = False  # an unknown token answers -400 login expired (§2.3)
    override: bool = False  # replaces an earlier layer's scenario of the same name (`layers`)
    config: Mapping[str, Any] = field(default_factory=lambda: NO_CONFIG)  # as written (`config:`)
    # The admin settings in force for a device while this scenario answers it
    # (`Context.site_config`): `config`, over what a base/common scenario answers. Made at load.
    settings: Mapping[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        outcome = self.replies[0].outcome if self.replies else None  # none: a file with errors
        answered = outcome.values if isinstance(outcome, SiteConfig) else NO_CONFIG
        settings = MappingProxyType({**answered, **self.config}) if answered and self.config else (self.config or answered)
        object.__setattr__(self, "settings", settings)

    @property
    def outcome(self) -> Outcome | Fault | RawReply:
        """The first reply's outcome: what a one-reply scenario answers."""
        return self.replies[0].outcome


@dataclass(frozen=True, slots=True)
class ActionTable:
    """One endpoint's authcode rules: exact authcodes by dictionary (several may share one when
    their other conditions differ), then the other matches in file order."""

    by_authcode: Mapping[str, tuple[Scenario, ...]]
    patterns: tuple[Scenario, ...]


NO_RULES = ActionTable({}, ())


@dataclass(frozen=True, slots=True)
class ScenarioSet:
    """Everything loaded from the fixtures directories, indexed for the request path."""

    scenarios: tuple[Scenario, ...]
    files: tuple[str, ...]
    by_name: Mapping[str, Scenario] = field(default_factory=dict)
    tables: Mapping[ActionKey, ActionTable] = field(default_factory=dict)
    actions: frozenset[ActionKey] = frozenset()  # every endpoint some scenario answers
    layers: tuple[str, ...] = ()  # the directories, in load order: "built-in" or as given
    origins: Mapping[str, str] = field(default_factory=dict)  # each file's layer

    def origin(self, scenario: Scenario) -> str:
        """The layer a scenario comes from ("" for one not loaded from a file)."""
        return self.origins.get(scenario.place.file, "")

    def table(self, action: ActionKey) -> ActionTable:
        return self.tables.get(action, NO_RULES)

    @classmethod
    def of(
        cls,
        scenarios: tuple[Scenario, ...],
        files: tuple[str, ...],
        *,
        layers: tuple[str, ...] = (),
        origins: Mapping[str, str] | None = None,
    ) -> ScenarioSet:
        exact: dict[ActionKey, dict[str, tuple[Scenario, ...]]] = {}
        patterns: dict[ActionKey, list[Scenario]] = {}
        for scenario in scenarios:
            if scenario.match is None:
                continue  # chosen by name only
            code = scenario.match.exact_authcode
            if code is None:
                patterns.setdefault(scenario.action, []).append(scenario)
            else:
                by_code = exact.setdefault(scenario.action, {})
                by_code[code] = (*by_code.get(code, ()), scenario)
        tables = {
            action: ActionTable(exact.get(action, {}), tuple(patterns.get(action, ())))
            for action in {*exact, *patterns}
        }
        actions = frozenset(s.action for s in scenarios)
        by_name = {s.name: s for s in scenarios}
        return cls(scenarios, files, by_name, tables, actions, layers, MappingProxyType(dict(origins or {})))


EMPTY = ScenarioSet.of((), ())
