"""The `User` controller's actions (§3)."""

from __future__ import annotations

from ..answer import Answer
from ..context import Context
from ..contract import messages as m
from ..contract.platforms import PLATFORMS, ucfirst
from ..envelope import Envelope
from ..login import Login, answer
from ..params import Call, is_empty, scalar_text
from ..scenarios.model import ExistingUser, Fault, NamedError, RawReply, Reply
from ..scenarios.selection import select
from ..serving import code_refusal, due_reply

# Decision 6: an authcode no scenario names logs in a made-up user, stable per device.
DEFAULT_REPLY = Reply(ExistingUser(fields={}, generated=True))
# A list or object where the platform expects its code: the platform refuses it.
MALFORMED_CODE = NamedError("code_invalid")


async def appminiuserauth(call: Call, ctx: Context) -> Answer:
    """`User::AppMiniUserAuth`: dispatch on the client type, check the code, serve the scenario."""
    profile = ctx.profile
    lang = profile.lang(call.text("lang"))
    client_type = call.client_type.lower()
    if client_type not in profile.platforms:
        method = ucfirst(call.client_type) + "UserAuth"
        return Answer(Envelope(m.METHOD_UNDEFINED.format(method=method), m.FAIL))
    platform = PLATFORMS[client_type]
    authcode = (call.body if profile.authcode_from_body_only else call.params).get("authcode")
    if is_empty(authcode):
        refusal = profile.empty_authcode[platform.name]
        return Answer(Envelope(refusal.text.in_lang(lang), refusal.code))
    code = scalar_text(authcode)
    login = Login(call, platform, lang, device=call.text("uuid") or code or repr(authcode))
    if isinstance(authcode, (list, dict)):
        return Answer(answer(MALFORMED_CODE, login, ctx))
    pick = select(ctx.scenarios, call.route.key, call, code, ctx.state.bindings)
    reply = due_reply(pick.scenario, login.device, code, ctx) if pick.scenario else DEFAULT_REPLY
    if not isinstance(reply.outcome, (Fault, RawReply)):
        reply = code_refusal(pick.scenario, platform.name, code, ctx) or reply
    outcome = reply.outcome
    body = outcome if isinstance(outcome, (Fault, RawReply)) else answer(outcome, login, ctx)
    return Answer(body, reply.delay, pick)
