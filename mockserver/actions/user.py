"""The `User` controller's login (§3) and the calls about the platform user around it: the
profile (`appminiuserinfo`, `userbasereg`) and the token's user (`tokenuserinfo`), §4.1-§4.2.
Binding a mobile or an e-mail to the user (§4.3) is `actions.binding`, built on the steps here.

Each action checks its parameters as ShopXO does, in ShopXO's order, then lets a scenario for this
endpoint answer (an error, a fault, a given user) and otherwise does what the real server does
with the users the mock knows.
"""

from __future__ import annotations

import json
from html import unescape
from typing import Any, Final, Mapping

from ..answers import Answer
from ..context import Context
from ..contract import messages as m
from ..contract.platforms import PLATFORMS, Platform, ucfirst
from ..params import Call, is_empty, scalar_text
from ..rendering.envelope import Envelope
from ..scenarios.model import ExistingUser, Fault, NamedError, NewUser, RawReply, Reply
from ..scenarios.selection import Pick
from .login import AUTH, TOKEN, USERINFO, Login, Purpose, account_of, answer, logged_in, register, unionid_of
from .steps import code_refusal, due_reply, settled_pick

# A list or object where the platform expects its code: the platform refuses it.
MALFORMED_CODE: Final = NamedError("code_invalid")
NICKNAME_MAX: Final = 60
DECRYPTING_PLATFORMS: Final = frozenset({"baidu", "qq"})  # profile arrives encrypted (§4.1)


# -- shared steps ----------------------------------------------------------------------------


def dispatch(call: Call, ctx: Context, suffix: str) -> Platform | Envelope:
    """`ucfirst(client type) . suffix` must be a method of AppMiniUserService (§3.1)."""
    client_type = call.client_type.lower()
    if client_type in ctx.profile.platforms:
        return PLATFORMS[client_type]
    return Envelope(m.METHOD_UNDEFINED.format(method=ucfirst(call.client_type) + suffix), m.FAIL)


def login_of(call: Call, ctx: Context, platform: Platform, fallback_device: str) -> Login:
    return Login(call, platform, ctx.lang(call), call.device or fallback_device)


def openid_login(call: Call, ctx: Context, suffix: str) -> Login | Envelope:
    """Dispatch, then the `openid` every call about a platform user must carry (「openid为空」)."""
    platform = dispatch(call, ctx, suffix)
    if isinstance(platform, Envelope):
        return platform
    openid = call.text("openid")
    login = login_of(call, ctx, platform, fallback_device=openid)
    return login.refuse(m.OPENID_EMPTY) if is_empty(openid) else login


def scenario_reply(call: Call, ctx: Context, login: Login, authcode: str = "") -> tuple[Pick, Reply | None] | Answer:
    """The scenario (if any) that answers this call, and its reply due now; or the closed site's
    answer when the settings the device holds now close it (§2.5)."""
    pick = settled_pick(call, ctx, authcode)
    if isinstance(pick, Answer):
        return pick
    if pick.scenario is None:
        return pick, None
    return pick, due_reply(pick.scenario, login.device, authcode, ctx)


def finish(reply: Reply, pick: Pick, login: Login, ctx: Context, purpose: Purpose) -> Answer:
    """The reply as the answer. A scenario's existing user is someone of its own, logged in on
    the device for that reply; a new user is the device's own platform user before ShopXO knew
    them, who stays the device's user once registered (docs/accounts.md, "The account model")."""
    outcome = reply.outcome
    if isinstance(outcome, (Fault, RawReply)):
        return Answer(outcome, reply.delay, pick)
    if pick.scenario is not None and isinstance(outcome, ExistingUser):
        login = login.scenario_user(pick.scenario.name)
    return Answer(answer(outcome, login, ctx, purpose), reply.delay, pick)


def auth_data(call: Call) -> dict[str, Any]:
    """`auth_data` as the server reads it: an object, or a JSON string (HTML-unescaped first)."""
    value = call.params.get("auth_data")
    if isinstance(value, dict):
        return value
    try:
        decoded = json.loads(unescape(scalar_text(value)))
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def profile_fields(platform: Platform, data: Mapping[str, Any]) -> dict[str, Any]:
    """The platform profile mapped onto user columns (`AppMiniUserService.php` 157-813)."""
    gender = scalar_text(data.get("gender"))
    if platform.name == "alipay":
        sex = 1 if gender.lower() == "f" else (2 if gender else 0)
    elif platform.name == "kuaishou":
        sex = 0
    else:
        sex = 1 if gender == "2" else (2 if gender and gender != "0" else 0)
    avatar_key = "avatar" if platform.name == "alipay" else "avatarUrl"
    return {
        "nickname": scalar_text(data.get("nickName") or data.get("nickname")),
        "avatar": scalar_text(data.get(avatar_key)),
        "gender": sex,
        "province": scalar_text(data.get("province")),
        "city": scalar_text(data.get("city")),
    }


def platform_ids(platform: Platform, call: Call, openid: str) -> dict[str, str]:
    ids = {platform.openid_column: openid}
    unionid = call.text("unionid") or call.text(f"{platform.name}_unionid")
    if platform.unionid_column and unionid:
        ids[platform.unionid_column] = unionid
    return ids


def encrypted_profile_refusal(login: Login, data: Mapping[str, Any]) -> Envelope | None:
    """Baidu and QQ send the profile encrypted: both parts must be there (§4.1)."""
    if is_empty(data.get("encrypted_data")):
        return login.refuse(m.ENCRYPTED_DATA_EMPTY)
    if is_empty(data.get("iv")):
        return login.refuse(m.IV_EMPTY)
    return None


# -- user/appminiuserauth (§3) ---------------------------------------------------------------


async def appminiuserauth(call: Call, ctx: Context) -> Answer:
    """`User::AppMiniUserAuth`: dispatch on the client type, check the code, serve the scenario."""
    platform = dispatch(call, ctx, "UserAuth")
    if isinstance(platform, Envelope):
        return Answer(platform)
    profile = ctx.profile
    authcode = profile.authcode(call.params, call.body)
    code = scalar_text(authcode)
    login = login_of(call, ctx, platform, fallback_device=code or repr(authcode))
    if is_empty(authcode):
        refusal = profile.empty_authcode[platform.name]
        return Answer(login.refuse(refusal.text, refusal.code))
    if isinstance(authcode, (list, dict)):
        return Answer(answer(MALFORMED_CODE, login, ctx))
    chosen = scenario_reply(call, ctx, login, code)
    if isinstance(chosen, Answer):  # the site is closed to the device (§2.5)
        return chosen
    pick, reply = chosen
    reply = reply or ctx.first_sight  # decision 6: the device's own platform user
    if not isinstance(reply.outcome, (Fault, RawReply)):
        reply = code_refusal(pick.scenario, platform.name, code, ctx) or reply
    return finish(reply, pick, login, ctx, AUTH)


# -- user/appminiuserinfo (§4.1) -------------------------------------------------------------


async def appminiuserinfo(call: Call, ctx: Context) -> Answer:
    """A new user's platform profile: the known user by openid, or a registration."""
    login = openid_login(call, ctx, "UserInfo")
    if isinstance(login, Envelope):
        return Answer(login)
    platform, openid = login.platform, call.text("openid")
    if is_empty(call.params.get("auth_data")):
        return Answer(login.refuse(m.AUTH_DATA_EMPTY))
    data = auth_data(call)
    if platform.name in DECRYPTING_PLATFORMS:
        refusal = encrypted_profile_refusal(login, data)
        if refusal:
            return Answer(refusal)
    ids = platform_ids(platform, call, openid)
    chosen = scenario_reply(call, ctx, login)
    if isinstance(chosen, Answer):  # the site is closed to the device (§2.5)
        return chosen
    pick, reply = chosen
    if reply is not None and not isinstance(reply.outcome, NewUser):
        return finish(reply, pick, login, ctx, USERINFO)
    delay = reply.delay if reply is not None else None
    accounts = ctx.state.accounts
    known = accounts.find(account_of(login, ids), unionid_of(platform, ids))
    if known is not None:
        return Answer(logged_in(accounts.row(known) or {}, login, ctx, USERINFO), delay, pick)
    outcome = reply.outcome if reply is not None and isinstance(reply.outcome, NewUser) else None
    return Answer(register(login, ctx, ids, profile_fields(platform, data), USERINFO, outcome), delay, pick)


# -- user/tokenuserinfo (§4.2) ---------------------------------------------------------------


async def tokenuserinfo(call: Call, ctx: Context) -> Answer:
    """The user whose token this is, found in the user table: only the newest token of each user
    is there (a later login replaced older ones, §4.2). The token stays; no status check."""
    lang = ctx.lang(call)
    token = call.text("token")
    if is_empty(token):
        return Answer(Envelope(m.TOKEN_EMPTY.in_lang(lang), m.FAIL))
    accounts = ctx.state.accounts
    found = accounts.for_token(token)
    if found is None or accounts.newest_token(found[0]) != token:
        return Answer(Envelope(m.USER_INFO_MISSING.in_lang(lang), m.FAIL))
    account, row = found
    platform = next(p for p in PLATFORMS.values() if p.openid_column == account[0])
    login = Login(call, platform, lang, device=token)
    return Answer(logged_in({**row, "token": token}, login, ctx, TOKEN))


async def userbasereg(call: Call, ctx: Context) -> Answer:
    """WeChat's "complete your profile" popup: avatar and nickname (and the mobile if required)."""
    login = openid_login(call, ctx, "UserAuth")
    if isinstance(login, Envelope):
        return Answer(login)
    platform, openid = login.platform, call.text("openid")
    nickname, avatar, mobile = call.text("nickname"), call.text("avatar"), call.text("mobile")
    if is_empty(avatar):
        return Answer(login.refuse(m.AVATAR_REQUIRED))
    if not nickname or len(nickname) > NICKNAME_MAX:
        return Answer(login.refuse(m.NICKNAME_LENGTH))
    if is_empty(mobile):  # whatever the settings say: the popup's form always sends one (as recorded)
        return Answer(login.refuse(m.MOBILE_EMPTY))
    ids = platform_ids(platform, call, openid)
    chosen = scenario_reply(call, ctx, login)
    if isinstance(chosen, Answer):  # the site is closed to the device (§2.5)
        return chosen
    pick, reply = chosen
    if reply is not None:
        return finish(reply, pick, login, ctx, USERINFO)
    fields: dict[str, Any] = {"nickname": nickname, "avatar": avatar, **({"mobile": mobile} if mobile else {})}
    account = account_of(login, ids)
    if account in ctx.state.accounts:
        return Answer(logged_in(ctx.state.accounts.change(account, **fields), login, ctx, USERINFO), pick=pick)
    return Answer(register(login, ctx, ids, fields, USERINFO), pick=pick)

