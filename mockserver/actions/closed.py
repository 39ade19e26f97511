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
pick is settled (`after_pick`, called by the login family's `scenario_reply` and by
`declared_answer`), so the next login may choose another scenario, and the door looks once more
after an action that answered before picking (an empty authcode, an unknown client type).
"""

from __future__ import annotations

from typing import Any, Awaitable, Mapping

from ..answers import Action, Answer
from ..context import Context
from ..contract import messages as m
from ..contract import site
from ..params import Call
from ..rendering.envelope import Encoding, Envelope
from ..scenarios.selection import Pick, Rule


class SiteClosed(Exception):
    """Raised by `after_pick` and caught at the edge (`web.handlers`): the closed site's answer,
    given before the action does anything more (no sequence advanced, no code used, no user)."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.body)
        self.answer = answer


def refusal(call: Call, ctx: Context, config: Mapping[str, Any]) -> Envelope | None:
    """The check itself: -10000 with the site's reason when `config` closes the API to the
    call's client type, else None (usually: two dictionary lookups, nothing built)."""
    profile = ctx.profile.name
    closure = site.CLOSURES[profile]
    if not closure.shut(config) or not closure.closes(config, call.client_type):
        return None
    reason = site.close_reason(config, profile, ctx.lang(call))
    return Envelope(reason, m.SITE_CLOSED_CODE, encoding=Encoding.EXIT)


def first(action: Action, call: Call, ctx: Context) -> Awaitable[Answer]:
    """What answers the call, in ShopXO's order: a closed site, else the action (the action's
    own coroutine, the usual case)."""
    state = ctx.state
    bindings = state.bindings
    if not (ctx.site_shut or call.mock_scenario or bindings.active or bindings.per_client or state.devices):
        return action(call, ctx)  # the usual case: the server's own settings alone, and they close nothing
    deferred = bool(state.devices) and _settled_here(call, ctx)  # usually no device holds settings
    closed = refusal(call, ctx, ctx.site_config(call, last_answer=not deferred))
    if closed is not None:
        closure = site.CLOSURES[ctx.profile.name]
        note = f"site closed to '{call.client_type}' ({closure.setting})"
        return _now(Answer(closed, pick=Pick(None, Rule.SITE_CLOSED, note=note)))
    return _then_look_again(action, call, ctx) if deferred else action(call, ctx)


def after_pick(call: Call, ctx: Context, pick: Pick) -> None:
    """Once an action has settled which scenario answers the device (`steps.settle_settings`):
    raise `SiteClosed` if the settings in force now, the device's last answer's included,
    close the site. This answer included: a scenario whose settings close it closes it at once."""
    if not ctx.state.devices:  # no device holds settings: the door saw every setting there is
        return
    closed = refusal(call, ctx, ctx.site_config(call))
    if closed is not None:
        raise SiteClosed(Answer(closed, pick=pick))


def _settled_here(call: Call, ctx: Context) -> bool:
    """Could this call's answer replace the settings its device holds from its last answer? Only
    an answer on the endpoint of the scenario that gave them."""
    recorded = ctx.scenarios.by_name.get(ctx.state.devices.scenario(call.device))
    return recorded is not None and recorded.action == call.route.key


async def _then_look_again(action: Action, call: Call, ctx: Context) -> Answer:
    """The action (its pick checks the device's settings), then the door once more, for an action
    that answered before any pick: the device's settings are still the ones it held."""
    answer = await action(call, ctx)
    closed = refusal(call, ctx, ctx.site_config(call))
    return answer if closed is None else Answer(closed, pick=answer.pick)


async def _now(answer: Answer) -> Answer:
    return answer
