"""What every action is made of besides its Answer (`mockserver.answers`): the scenario picked
and settled for the device, and the reply it serves now.

The reply is the stateful half of selection: which reply of a sequence is due for this key,
whether the platform would still accept this code (decision 7: single-use, expiring codes), and
whose admin settings are in force for the device from now on.
"""

from __future__ import annotations

from typing import Final

from ..answers import Answer
from ..context import Context
from ..params import Call
from ..scenarios.model import NamedError, Per, Reply, Scenario, Then
from ..scenarios.selection import Pick, select
from .closed import after_pick

CODE_USED: Final = Reply(NamedError("code_used"))
CODE_EXPIRED: Final = Reply(NamedError("code_invalid"))


def settled_pick(call: Call, ctx: Context, authcode: str = "") -> Pick | Answer:
    """The scenario that answers this call (`scenarios.selection`), its settings in force for the
    device from now on (`settle_settings`); or, when the settings in force now close the site
    (§2.5), the closed site's answer, which the action returns as it is (`closed.after_pick`)."""
    pick = select(ctx.scenarios, call.route.key, call, authcode, ctx.state.bindings)
    settle_settings(pick.scenario, call, ctx)
    closed = after_pick(call, ctx, pick)
    return pick if closed is None else closed


def due_reply(scenario: Scenario, device: str, authcode: str, ctx: Context) -> Reply:
    """The reply of a sequence due for this key (device or authcode), then as `then` says."""
    if len(scenario.replies) == 1:
        return scenario.replies[0]
    key = device if scenario.per is Per.DEVICE else authcode
    turn = ctx.state.sequences.advance(scenario.name, key)
    if scenario.then is Then.CYCLE:
        return scenario.replies[turn % len(scenario.replies)]
    return scenario.replies[min(turn, len(scenario.replies) - 1)]


def settle_settings(scenario: Scenario | None, call: Call, ctx: Context) -> None:
    """While a scenario answers a device, its admin settings are in force for it
    (`Context.site_config`), this answer included: one with settings that answers a device is
    recorded for it, and any other answer on the same endpoint (another scenario, the built-in
    one) takes its place. The device is `Call.device` (its uuid, after a wipe the device it continues); the calls without one count as one
    device."""
    devices = ctx.state.devices
    if scenario is not None and scenario.settings:
        devices.record(call.device, scenario.name)
    elif devices:  # usually no device has settings: nothing to forget
        device = call.device
        recorded = ctx.scenarios.by_name.get(devices.scenario(device))
        if recorded is not None and recorded.action == call.route.key:
            devices.forget(device)


def code_refusal(scenario: Scenario | None, platform: str, authcode: str, ctx: Context) -> Reply | None:
    """What the platform says of a reused or expired code, when codes are single-use or expire."""
    once = ctx.codes.single_use or (scenario is not None and scenario.once)
    ttl = scenario.expires_in if scenario is not None and scenario.expires_in else ctx.codes.ttl
    if not once and ttl is None:
        return None
    use = ctx.state.codes.use(platform, authcode)
    if ttl is not None and ctx.state.clock.now() - use.first_seen > ttl:
        return CODE_EXPIRED
    if once and use.uses > 1:
        return CODE_USED
    return None
