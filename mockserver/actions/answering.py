"""The engine's part of one request, between the edge's collect and deliver: which device sends
the call, what answers it in ShopXO's order, and what the answer does to that device.

Today's client answers -400 by wiping its storage, its uuid with it, and comes back with a new
uuid (`state.wipes`): `continued` finds the device a new uuid continues, and `answered` notes a
device told -400, whoever told it (the mock, or its upstream).
"""

from __future__ import annotations

import dataclasses
from typing import Mapping, Protocol

from ..answers import Answer
from ..context import Context
from ..contract import messages as m
from ..params import Call
from ..rendering.envelope import Envelope
from ..scenarios.selection import HEADER, Pick, Rule, UnknownScenario
from ..state import Fingerprint
from ..support.suggest import did_you_mean
from . import lookup
from .closed import site_then_action
from .unmodelled import no_such_route


class Sender(Protocol):
    """Where a request came from (an aiohttp request is one), read only to tell one phone from
    another when a device was told -400: nothing is asked of it on the usual request."""

    @property
    def remote(self) -> str | None: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


def continued(call: Call, ctx: Context, sender: Sender) -> Call:
    """The call as from its device: a device told -400 may be back with a new uuid."""
    wipes = ctx.state.wipes
    if not wipes.any:  # usually nobody was told -400: a request's uuid is its device
        return call
    known = wipes.device(call.device, fingerprint(call, sender))
    return dataclasses.replace(call, device=known) if known else call


async def answer(call: Call, ctx: Context, sender: Sender) -> Answer:
    """The mock's answer: the route's action behind the site's door (`closed`), or a 400 for a
    header naming no scenario; and what it does to the device (`answered`)."""
    action = lookup(call.route.key, ctx) or no_such_route
    try:
        made = await site_then_action(action, call, ctx)
    except UnknownScenario as exc:
        made = unknown_scenario(exc)
    answered(call, made, ctx, sender)
    return made


def answered(call: Call, made: Answer, ctx: Context, sender: Sender) -> None:
    """What an answer does to its device beyond its bytes, whoever made it: told -400, the client
    wipes its storage, uuid and all (`state.wipes`)."""
    body = made.body
    if isinstance(body, Envelope) and body.code == m.LOGIN_EXPIRED_CODE:
        ctx.state.wipes.told(fingerprint(call, sender), call.device)


def fingerprint(call: Call, sender: Sender) -> Fingerprint:
    """What tells one phone or developer tool from another when its uuid is new (state.wipes)."""
    brand = call.public["application_client_brand"]
    return call.client_type, brand, sender.remote or "", sender.headers.get("User-Agent", "")


def unknown_scenario(exc: UnknownScenario) -> Answer:
    """A 400 for a header naming no scenario; the journal says which name was meant."""
    hint = did_you_mean(exc.name, exc.known)
    note = f"{HEADER}: no scenario named '{exc.name}'{hint}"
    envelope = Envelope(m.UNKNOWN_SCENARIO.format(name=exc.name, hint=hint), m.FAIL)
    return Answer(envelope, pick=Pick(None, Rule.HEADER, note=note), status=400)
