"""Endpoints declared in scenario files: any `controller/action` a front-end calls.

They answer with the same selection and outcome kinds as the login: a spelled-out envelope
(templated), a named or custom error, a fault; `requires_login` answers -400 (the escaped
envelope of §2.3) to a token no login minted, which sends the client back to its login. When no
scenario of the endpoint applies, it answers as if none were declared (`catalogue`).
"""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..contract import messages as m
from ..contract.platforms import PLATFORMS
from ..envelope import Envelope
from ..fake_users import FakeUsers
from ..login import Login, error
from ..params import Call, scalar_text
from ..scenarios import templates
from ..scenarios.model import CannedEnvelope, CustomError, NamedError, Reply, Template
from ..scenarios.selection import select
from .catalogue import not_logged_in, undeclared
from .closed import after_pick
from .steps import Answer, due_reply, settle_settings


def declared_answer(call: Call, ctx: Context) -> Answer | None:
    """The answer of the scenario for this endpoint, or None when none applies. A SiteConfig
    outcome is handed back as the body for `base/common` to merge."""
    lang = ctx.lang(call)
    pick = select(ctx.scenarios, call.route.key, call, "", ctx.state.bindings)
    scenario = pick.scenario
    settle_settings(scenario, call, ctx)
    after_pick(call, ctx, pick)  # the settings the device holds now may close the site (§2.5)
    if scenario is None:
        return None
    if scenario.requires_login:
        expired = not_logged_in(call, ctx)
        if expired is not None:
            return Answer(expired, pick=pick)
    device = call.text("uuid") or call.text("token")
    reply: Reply = due_reply(scenario, device, "", ctx)
    outcome = reply.outcome
    body: Any = outcome
    if isinstance(outcome, CannedEnvelope):
        echo = {name: scalar_text(value) for name, value in call.params.items()}
        data = _render(outcome.data, ctx.fake_users, device, echo)
        body = Envelope(outcome.msg or (m.OPERATE_FAIL.in_lang(lang) if outcome.code else ""), outcome.code, data)
    elif isinstance(outcome, (NamedError, CustomError)):
        platform = PLATFORMS.get(call.client_type.lower(), PLATFORMS["weixin"])
        body = error(outcome, Login(call, platform, lang, device), ctx)
    return Answer(body, reply.delay, pick)


async def declared(call: Call, ctx: Context) -> Answer:
    answer = declared_answer(call, ctx)
    return await undeclared(call, ctx) if answer is None else answer


def _render(value: Any, fake_users: FakeUsers, device: str, echo: dict[str, str]) -> Any:
    if isinstance(value, Template):
        return templates.render(value, fake_users.provider(device, value.text), echo)
    if isinstance(value, dict):
        return {k: _render(v, fake_users, device, echo) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v, fake_users, device, echo) for v in value]
    return value
