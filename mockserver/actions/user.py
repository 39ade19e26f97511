"""The `User` controller's actions (§3)."""

from __future__ import annotations

from ..context import Context
from ..contract import messages as m
from ..contract.platforms import PLATFORMS, ucfirst
from ..envelope import Envelope
from ..login import Login, answer
from ..params import Call, is_empty, scalar_text
from ..scenarios.model import ExistingUser, NamedError, Outcome

# Decision 6: an authcode no scenario names logs in a made-up user, stable per device.
DEFAULT_OUTCOME = ExistingUser(fields={}, generated=True)
# A list or object where the platform expects its code: the platform refuses it.
MALFORMED_CODE = NamedError("code_invalid")


async def appminiuserauth(call: Call, ctx: Context) -> Envelope:
    """`User::AppMiniUserAuth`: dispatch on the client type, check the code, answer the outcome."""
    profile = ctx.profile
    lang = profile.lang(call.text("lang"))
    client_type = call.client_type.lower()
    if client_type not in profile.platforms:
        method = ucfirst(call.client_type) + "UserAuth"
        return Envelope(m.METHOD_UNDEFINED.format(method=method), m.FAIL)
    platform = PLATFORMS[client_type]
    authcode = (call.body if profile.authcode_from_body_only else call.params).get("authcode")
    if is_empty(authcode):
        refusal = profile.empty_authcode[platform.name]
        return Envelope(refusal.text.in_lang(lang), refusal.code)
    code = scalar_text(authcode)
    outcome: Outcome
    if isinstance(authcode, (list, dict)):
        outcome = MALFORMED_CODE
    else:
        scenario = ctx.scenarios.by_authcode.get(code)
        outcome = scenario.outcome if scenario else DEFAULT_OUTCOME
    device = call.text("uuid") or code or "malformed"
    return answer(outcome, Login(call, platform, lang, device), ctx)
