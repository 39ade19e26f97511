"""`base/common` (§4.4): the site configuration the client reads at launch."""

from __future__ import annotations

from typing import Any, Mapping

from ..answers import Answer
from ..context import Context
from ..contract import messages as m
from ..contract import site
from ..params import Call
from ..rendering.envelope import Envelope
from ..scenarios.model import SiteConfig
from .declared import declared_answer


async def common(call: Call, ctx: Context) -> Answer:
    """The admin settings in force for the device, or a scenario's over them, in a fresh
    install's answer."""
    chosen = declared_answer(call, ctx)
    if chosen is None:
        config = ctx.site_config(call)
        ctx.state.devices.read(call.device, ctx.config, config)  # the client keeps them (`steps`)
        return Answer(_envelope(config, call, ctx))
    if not isinstance(chosen.body, SiteConfig):
        return chosen
    config = {**ctx.site_config(call), **chosen.body.values}
    ctx.state.devices.read(call.device, ctx.config, config)
    return Answer(_envelope(config, call, ctx), chosen.delay, chosen.pick)


def _envelope(config: Mapping[str, Any], call: Call, ctx: Context) -> Envelope:
    data = site.common_data(
        ctx.profile.name, config, client_type=call.client_type, base_url=call.base_url, lang=ctx.lang(call)
    )
    # **[recorded]** `success` in every language: `SystemBaseService::Common`'s literal.
    return Envelope(m.SUCCESS_TEXT, m.SUCCESS, data)
