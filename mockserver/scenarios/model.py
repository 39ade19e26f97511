"""The scenario format, frozen: Scenario = Match + replies (+ how they are served), built once at load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping


@dataclass(frozen=True, slots=True)
class Place:
    """Where something was written: `file:line:column`, 1-based."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


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
    """A field value with `{{faker.<provider>}}` / `{{request.<name>}}` holes, parsed at load."""

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

    @property
    def templated(self) -> bool:
        return any(isinstance(v, Template) for v in self.fields.values())


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user ShopXO does not know yet (§3.4)."""

    openid: str | None = None
    unionid: str | None = None
    mandatory_bind_mobile: int = 0
    review: bool = False


@dataclass(frozen=True, slots=True)
class NamedError:
    name: str  # a key of contract.errors.CATALOGUES[profile]


@dataclass(frozen=True, slots=True)
class CustomError:
    code: int
    msg: str
    data: Any = ""


Outcome = ExistingUser | NewUser | NamedError | CustomError


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

    @property
    def outcome(self) -> Outcome | Fault | RawReply:
        """The first reply's outcome: what a one-reply scenario answers."""
        return self.replies[0].outcome


@dataclass(frozen=True, slots=True)
class ScenarioSet:
    """Everything loaded from one fixtures directory, indexed for the request path.

    `by_authcode` holds the scenarios whose match names an exact authcode (in file order, several
    may share one when their other conditions differ); `patterns` the rest, in file order.
    """

    scenarios: tuple[Scenario, ...]
    files: tuple[str, ...]
    by_name: Mapping[str, Scenario] = field(default_factory=dict)
    by_authcode: Mapping[str, tuple[Scenario, ...]] = field(default_factory=dict)
    patterns: tuple[Scenario, ...] = ()

    @classmethod
    def of(cls, scenarios: tuple[Scenario, ...], files: tuple[str, ...]) -> ScenarioSet:
        by_authcode: dict[str, tuple[Scenario, ...]] = {}
        patterns: list[Scenario] = []
        for scenario in scenarios:
            if scenario.match is None:
                continue  # chosen by name only
            code = scenario.match.exact_authcode
            if code is None:
                patterns.append(scenario)
            else:
                by_authcode[code] = (*by_authcode.get(code, ()), scenario)
        by_name = {s.name: s for s in scenarios}
        return cls(scenarios, files, by_name, by_authcode, tuple(patterns))


EMPTY = ScenarioSet.of((), ())
