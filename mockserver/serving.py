"""A picked scenario -> the reply it serves now: sequences advance, platform codes get used up.

This is the stateful half of selection: which reply of a sequence is due for this key, and
whether the platform would still accept this code (decision 7: single-use, expiring codes).
"""

from __future__ import annotations

from typing import Final

from .context import Context
from .scenarios.model import NamedError, Per, Reply, Scenario, Then

CODE_USED: Final = Reply(NamedError("code_used"))
CODE_EXPIRED: Final = Reply(NamedError("code_invalid"))


def due_reply(scenario: Scenario, device: str, authcode: str, ctx: Context) -> Reply:
    """The reply of a sequence due for this key (device or authcode), then as `then` says."""
    if len(scenario.replies) == 1:
        return scenario.replies[0]
    key = device if scenario.per is Per.DEVICE else authcode
    turn = ctx.state.advance_sequence(scenario.name, key)
    if scenario.then is Then.CYCLE:
        return scenario.replies[turn % len(scenario.replies)]
    return scenario.replies[min(turn, len(scenario.replies) - 1)]


def code_refusal(scenario: Scenario | None, platform: str, authcode: str, ctx: Context) -> Reply | None:
    """What the platform says of a reused or expired code, when codes are single-use or expire."""
    once = ctx.codes.single_use or (scenario is not None and scenario.once)
    ttl = scenario.expires_in if scenario is not None and scenario.expires_in else ctx.codes.ttl
    if not once and ttl is None:
        return None
    use = ctx.state.use_code(platform, authcode)
    if ttl is not None and ctx.state.clock.now() - use.first_seen > ttl:
        return CODE_EXPIRED
    if once and use.uses > 1:
        return CODE_USED
    return None
