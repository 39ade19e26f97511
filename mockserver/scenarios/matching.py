"""Does a scenario's Match fit a request? `explain` says why not; the boolean derives from it.

The journal and the "why did nothing match" answers reuse these reasons, so there is one piece
of matching code and it always has a reason to give.
"""

from __future__ import annotations

from typing import Any

from ..params import Call, scalar_text
from .model import Condition, Equals, Match, OneOf


def describe(condition: Condition) -> str:
    if isinstance(condition, Equals):
        return repr(condition.value)
    if isinstance(condition, OneOf):
        return "one of " + ", ".join(sorted(map(repr, condition.values)))
    return f"/{condition.pattern.pattern}/"


def holds(condition: Condition, actual: str) -> bool:
    if isinstance(condition, Equals):
        return actual == condition.value
    if isinstance(condition, OneOf):
        return actual in condition.values
    return condition.pattern.search(actual) is not None


def explain(match: Match, call: Call, authcode: str) -> str | None:
    """None when every condition holds, else the first that does not, in words."""
    checks: list[tuple[str, Condition | None, Any]] = [
        ("authcode", match.authcode, authcode),
        ("application_client_type", match.client_type, call.client_type.lower()),
        *((name, condition, call.params.get(name)) for name, condition in match.params),
    ]
    for name, condition, actual in checks:
        if condition is None:
            continue
        text = scalar_text(actual)
        if not holds(condition, text):
            return f"{name} {text!r} is not {describe(condition)}"
    return None


def matches(match: Match, call: Call, authcode: str) -> bool:
    return explain(match, call, authcode) is None
