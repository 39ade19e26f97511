"""What every action is made of besides its Answer (`mockserver.answers`): the scenario picked
and settled for the device, and the reply it serves now.

The reply is the stateful half of selection: which reply of a sequence is due for this key,
whether the platform would still accept this code (decision 7: single-use, expiring codes), and
whose admin settings are in force for the device from now on, and whether the client already
read the ones it changes at launch (`launch_note`).
"""

from __future__ import annotations

import json
import logging
from typing import Final

from ..answers import Answer
from ..context import Context
from ..contract.routes import ActionKey
from ..params import Call
from ..scenarios.model import NamedError, Per, Reply, Scenario, Then
from ..scenarios.selection import Pick, select
from .closed import after_pick

CODE_USED: Final = Reply(NamedError("code_used"))
CODE_EXPIRED: Final = Reply(NamedError("code_invalid"))
LAUNCH_READ: Final[ActionKey] = ("Base", "common")  # what today's client reads before it logs in
# How the note begins; the dashboard finds it by these words (`dashboard.feed.detail`).
LAUNCH_NOTE: Final = "settings read at launch"
_ABSENT: Final = object()

log = logging.getLogger(__name__)


def settled_pick(call: Call, ctx: Context, authcode: str = "") -> Pick | Answer:
    """The scenario that answers this call (`scenarios.selection`), its settings in force for the
    device from now on (`settle_settings`); or, when the settings in force now close the site
    (§2.5), the closed site's answer, which the action returns as it is (`closed.after_pick`)."""
    pick = select(ctx.scenarios, call.route.key, call, authcode, ctx.state.bindings)
    scenario = pick.scenario
    if scenario is not None and scenario.settings and ctx.state.devices.last_read(call.device) is not None:
        note = launch_note(scenario, call, ctx)
        if note:
            pick = Pick(scenario, pick.rule, pick.near_misses, "; ".join(filter(None, (pick.note, note))))
    settle_settings(scenario, call, ctx)
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
    elif devices.any:  # usually no device has settings: nothing to forget
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


def launch_note(scenario: Scenario, call: Call, ctx: Context) -> str:
    """The journal's note when this answer puts settings in force that the client read otherwise
    at launch (`base/common`, before it logs in) and keeps until it launches again: a login picked
    by authcode turns binding on, and the login page the client builds from the lists it read
    shows no bind button (Alipay, QQ). Logged once per device and scenario; "" when the client
    read these very values (the scenario was bound before the launch) or is asking for them now."""
    if call.route.key == LAUNCH_READ:
        return ""
    device = call.device
    read = ctx.state.devices.last_read(device)
    if read is None:
        return ""
    stale = [key for key, value in scenario.settings.items() if read.get(key, _ABSENT) != value]
    if not stale:
        return ""
    got = ", ".join(f"{key}={_value(read.get(key, _ABSENT))}" for key in stale)
    now = ", ".join(_value(scenario.settings[key]) for key in stale)
    use = json.dumps({"scenario": scenario.name, "device": device}, ensure_ascii=False)
    # What a newcomer met (issue 23): binding turned on by the login itself.
    example = " (on Alipay and QQ the login page has no bind button)" if any("bind_mobile" in k for k in stale) else ""
    note = (
        f"{LAUNCH_NOTE}: the client read base/common before this request and keeps what it got "
        f"({got}) until it launches again; {scenario.name} puts {now} in force from now on, "
        f"which the client's screens do not show yet{example}. Bind the scenario before "
        f"launching: POST /__mock/use {use}, or the pytest plugin's use(..., device=...)"
    )
    if ctx.state.devices.first_warning(device, scenario.name):
        log.warning("device %s: %s", device or "(no uuid)", note)
    return note


def _value(value: object) -> str:
    return "(none)" if value is _ABSENT else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
