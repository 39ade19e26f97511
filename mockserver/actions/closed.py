"""A site closed to a client type (§2.5): ShopXO's first check, before any action runs.

Every API controller's constructor calls `Common::SiteStstusCheck` before anything else, so a
site closed to the request's client type answers every route the same (modelled, unmodelled,
declared or unknown): -10000 with the site's own reason, untranslated, in the escaped envelope
(§2.3). The release's rule is `contract.site.CLOSURES`; which admin settings are in force for
the call is `Context.site_config`'s to say.

One subtlety is the mock's own. A device's settings may come from the scenario that last
answered it (`steps.settle_settings`), and only the next answer on that scenario's endpoint
replaces them: were that endpoint closed before its pick, a device closed so could never reopen.
So on that endpoint alone the door leaves those settings out; the action checks them once its
pick is settled (`after_pick`, through `steps.settled_pick`, which the login family and the
declared endpoints use), so the next login may choose another scenario, and the door looks once
more after an action that answered before picking (an empty authcode, an unknown client type).
"""

from __future__ import annotations

from typing import Any, Mapping

from ..answers import Action, Answer
from ..context import Context
from ..contract import messages as m
from ..contract import site
from ..params import Call
from ..rendering.envelope import Encoding, Envelope
from ..scenarios.selection import Pick, Rule


def refusal(call: Call, ctx: Context, config: Mapping[str, Any]) -> Envelope | None:
    """The check itself: -10000 with the site's reason when `config` closes the API to the
    call's client type, else None."""
    profile = ctx.profile.name
    closure = site.CLOSURES[profile]
    if not closure.shut(config) or not closure.closes(config, call.client_type):
        return None
    reason = site.close_reason(config, profile, ctx.lang(call))
    return Envelope(reason, m.SITE_CLOSED_CODE, encoding=Encoding.EXIT)


async def site_then_action(action: Action, call: Call, ctx: Context) -> Answer:
    """What answers the call, in ShopXO's order: a site closed to its client type, else the action."""
    config = ctx.site_config(call)
    if config is ctx.config and not ctx.site_shut:  # the usual case: the server's settings alone, closing nothing
        return await action(call, ctx)
    deferred = ctx.state.devices.any and _settled_here(call, ctx)
    if deferred:
        config = ctx.site_config(call, last_answer=False)
    closed = refusal(call, ctx, config)
    if closed is not None:
        closure = site.CLOSURES[ctx.profile.name]
        note = f"site closed to '{call.client_type}' ({closure.setting})"
        return Answer(closed, pick=Pick(None, Rule.SITE_CLOSED, note=note))
    answer = await action(call, ctx)
    if deferred:  # its pick checked the device's settings; an action that answered before any pick did not
        closed = refusal(call, ctx, ctx.site_config(call))
        if closed is not None:
            return Answer(closed, pick=answer.pick)
    return answer


def after_pick(call: Call, ctx: Context, pick: Pick) -> Answer | None:
    """Once an action has settled which scenario answers the device (`steps.settle_settings`):
    the closed site's answer if the settings in force now, the device's last answer's included,
    close the site, given before the action does anything more (no sequence advanced, no code
    used, no user); else None. This answer included: a scenario whose settings close it closes
    it at once."""
    if not ctx.state.devices.any:  # no device holds settings: the door saw every setting there is
        return None
    closed = refusal(call, ctx, ctx.site_config(call))
    return None if closed is None else Answer(closed, pick=pick)


def _settled_here(call: Call, ctx: Context) -> bool:
    """Could this call's answer replace the settings its device holds from its last answer? Only
    an answer on the endpoint of the scenario that gave them."""
    recorded = ctx.scenarios.by_name.get(ctx.state.devices.scenario(call.device))
    return recorded is not None and recorded.action == call.route.key
