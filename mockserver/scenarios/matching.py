"""Does a scenario's Match fit a request? `explain` says why not; the boolean derives from it.

The journal and the "why did nothing match" answers reuse these reasons, so there is one piece
of matching code and it always has a reason to give.
"""

from __future__ import annotations

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
    if match.authcode is not None and not holds(match.authcode, authcode):
        return _mismatch("authcode", match.authcode, authcode)
    if match.client_type is not None:
        client_type = call.client_type.lower()
        if not holds(match.client_type, client_type):
            return _mismatch("application_client_type", match.client_type, client_type)
    for name, condition in match.params:
        actual = scalar_text(call.params.get(name))
        if not holds(condition, actual):
            return _mismatch(name, condition, actual)
    return None


def _mismatch(name: str, condition: Condition, actual: str) -> str:
    return f"{name} {actual!r} is not {describe(condition)}"


def matches(match: Match, call: Call, authcode: str) -> bool:
    return explain(match, call, authcode) is None
