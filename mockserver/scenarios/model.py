"""The scenario format, frozen: Scenario = Match + Outcome, built once at load."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..fake_users import UserRow


@dataclass(frozen=True, slots=True)
class Place:
    """Where something was written: `file:line:column`, 1-based."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Match:
    authcode: str


@dataclass(frozen=True, slots=True)
class ExistingUser:
    """A known user: the columns a scenario set. What it left unset is made up by Faker when
    `generated`, else empty; unset ids of the requesting platform are generated either way."""

    fields: UserRow
    generated: bool
    token: str | None = None
    mandatory_bind_mobile: int | None = None


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


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    tags: tuple[str, ...]
    match: Match
    outcome: Outcome
    place: Place


@dataclass(frozen=True, slots=True)
class ScenarioSet:
    """Everything loaded from one fixtures directory, indexed for the request path."""

    scenarios: tuple[Scenario, ...]
    files: tuple[str, ...]
    by_authcode: Mapping[str, Scenario]

    @classmethod
    def of(cls, scenarios: tuple[Scenario, ...], files: tuple[str, ...]) -> ScenarioSet:
        return cls(scenarios, files, {s.match.authcode: s for s in scenarios})


EMPTY = ScenarioSet.of((), ())
