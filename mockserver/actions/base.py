"""`base/common` (§4.4): the site configuration the client reads at launch."""

from __future__ import annotations

from typing import Any, Mapping

from ..context import Context
from ..contract import messages as m
from ..contract import site
from ..envelope import Envelope
from ..params import Call
from ..scenarios.model import SiteConfig
from .declared import declared_answer
from .steps import Answer


async def common(call: Call, ctx: Context) -> Answer:
    """The server's admin settings, or a scenario's over them."""
    lang = ctx.lang(call)
    config = ctx.site_config()
    chosen = declared_answer(call, ctx)
    if chosen is not None:
        if not isinstance(chosen.body, SiteConfig):
            return chosen
        config = {**config, **chosen.body.values}
        return Answer(_envelope(config, lang), chosen.delay, chosen.pick)
    return Answer(_envelope(config, lang))


def _envelope(config: Mapping[str, Any], lang: str) -> Envelope:
    return Envelope(m.OPERATE_SUCCESS.in_lang(lang), m.SUCCESS, site.common_data(config))
