"""The `User` controller's actions: the login (§3) and the endpoints around it (§4.1-§4.3).

Each action checks its parameters as ShopXO does, in ShopXO's order, then lets a scenario for this
endpoint answer (an error, a fault, a given user) and otherwise does what the real server does
with the users the mock knows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from typing import Any, Final, Mapping

from ..context import Context
from ..contract import messages as m
from ..contract.platforms import PLATFORMS, Platform, ucfirst
from ..rendering.envelope import Envelope
from .login import (
    AUTH,
    BOUND,
    TOKEN,
    USERINFO,
    Login,
    Purpose,
    account_of,
    answer,
    logged_in,
    new_row,
    register,
    unionid_of,
)
from ..answers import Answer
from ..params import Call, is_empty, scalar_text
from ..scenarios.model import ExistingUser, Fault, NamedError, NewUser, RawReply, Reply
from ..scenarios.selection import Pick
from .declared import declared_answer
from .steps import code_refusal, due_reply, settled_pick

# A list or object where the platform expects its code: the platform refuses it.
MALFORMED_CODE: Final = NamedError("code_invalid")
# `CheckMobile` (S/app/common.php): mainland numbers.
MOBILE: Final = re.compile(r"^1[3-9]\d{9}$")
# `CheckEmail`: `common_regex_email` (`S/app/service/ConstService.php:774`), PCRE's ASCII \w.
EMAIL: Final = re.compile(r"^\w+([-+.]\w+)*@\w+([-.]\w+)*\.\w+([-.]\w+)*$", re.ASCII)
INTVAL: Final = re.compile(r"[ \t\n\r\v\f]*([+-]?\d+)", re.ASCII)  # PHP's intval() of a string: its leading digits
NICKNAME_MAX: Final = 60
DECRYPTING_PLATFORMS: Final = frozenset({"baidu", "qq"})  # profile arrives encrypted (§4.1)
ONEKEY_PLATFORMS: Final = frozenset({"weixin", "baidu", "toutiao"})


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
    authcode = (call.body if profile.authcode_from_body_only else call.params).get("authcode")
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


# -- mobile binding (§4.3) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Channel:
    """Where a verification code goes (an SMS, an e-mail) and how ShopXO checks the address (§4.3)."""

    field: str  # the parameter holding the address
    pattern: re.Pattern[str]
    required: m.Text
    malformed: m.Text
    malformed_code: int  # when binding (sending answers -1)


SMS: Final = Channel("mobile", MOBILE, m.MOBILE_REQUIRED, m.MOBILE_FORMAT, m.MOBILE_FORMAT_CODE)
MAIL: Final = Channel("email", EMAIL, m.EMAIL_REQUIRED, m.EMAIL_FORMAT, m.EMAIL_FORMAT_CODE)


def address_refusal(call: Call, ctx: Context, channel: Channel) -> Envelope | None:
    """The send step's checks: an address is given and well formed."""
    lang = ctx.lang(call)
    address = call.text(channel.field)
    if is_empty(address):
        return Envelope(channel.required.in_lang(lang), m.FAIL)
    if not channel.pattern.match(address):
        return Envelope(channel.malformed.in_lang(lang), m.FAIL)
    return None


def send_code(call: Call, ctx: Context, channel: Channel) -> Answer:
    """"Send" the code: every code is the server's fixed one (`--sms-code`)."""
    ctx.state.verify_codes.send(call.text(channel.field), ctx.sms.code)
    return Answer(Envelope(m.SEND_SUCCESS.in_lang(ctx.lang(call)), m.SUCCESS))


def verified(call: Call, ctx: Context, channel: Channel) -> tuple[Platform, str, str] | Answer:
    """The bind step's checks, in ShopXO's order (`UserService::AppMobileBind` / `AppEmailBind`):
    the address and code given, the address well formed, the code sent to it and not expired,
    then the platform user it binds, named by `<client type>_openid` (so a client type without
    platforms fails at -20). The platform, openid and address, or the refusal."""
    lang = ctx.lang(call)

    def refuse(text: m.Text, code: int = m.FAIL) -> Answer:
        return Answer(Envelope(text.in_lang(lang), code))

    address, verify = call.text(channel.field), call.text("verify")
    if is_empty(address):
        return refuse(channel.required)
    if is_empty(verify):
        return refuse(m.VERIFY_REQUIRED)
    if not channel.pattern.match(address):
        return refuse(channel.malformed, channel.malformed_code)
    sent = ctx.state.verify_codes.valid(address, ctx.sms.ttl)
    if sent is None:
        return refuse(m.VERIFY_EXPIRED, m.VERIFY_EXPIRED_CODE)
    if verify != sent:
        return refuse(m.VERIFY_WRONG, m.VERIFY_WRONG_CODE)
    platform = PLATFORMS.get(call.client_type.lower())
    openid = call.text(platform.openid_column) if platform else ""
    if platform is None or is_empty(openid):
        return refuse(m.BIND_OPENID_EMPTY, m.BIND_OPENID_EMPTY_CODE)
    return platform, openid, address


async def appmobilebindverifysend(call: Call, ctx: Context) -> Answer:
    refusal = address_refusal(call, ctx, SMS)
    return Answer(refusal) if refusal else send_code(call, ctx, SMS)


async def appmobilebind(call: Call, ctx: Context) -> Answer:
    """Bind the SMS-verified mobile to the platform user (`UserService::AppMobileBind`)."""
    checked = verified(call, ctx, SMS)
    if isinstance(checked, Answer):
        return checked
    platform, openid, mobile = checked
    login = login_of(call, ctx, platform, fallback_device=openid)
    return bind_mobile(call, ctx, login, platform_ids(platform, call, openid), mobile)


def onekey_mobile(call: Call, ctx: Context) -> tuple[Login, str] | Envelope:
    """`AppMiniOnekeyUserMobileDecrypt`: the phone number the platform hands over for the openid
    (weixin for its `code`, baidu and toutiao decrypting `encrypted_data` with `iv`), or the refusal."""
    lang = ctx.lang(call)
    openid = call.text("openid")
    if is_empty(openid):
        return Envelope(m.OPENID_EMPTY.in_lang(lang), m.FAIL)
    platform = PLATFORMS.get(call.client_type.lower())
    if platform is None or platform.name not in ONEKEY_PLATFORMS:
        text = m.ONEKEY_UNSUPPORTED_FORMAT.format(client_type=call.client_type, text=m.ONEKEY_UNSUPPORTED.in_lang(lang))
        return Envelope(text, m.FAIL)
    login = login_of(call, ctx, platform, fallback_device=openid)
    if platform.name == "weixin" and is_empty(call.params.get("code")):
        return login.refuse(m.TEMP_CODE_EMPTY)
    if platform.name != "weixin":
        refusal = encrypted_profile_refusal(login, call.params)
        if refusal:
            return refusal
    # The phone number the platform would report for this account: stable per openid.
    return login, str(ctx.fake_users.person(f"mobile:{platform.name}:{openid}")["mobile"])


async def onekeyusermobilebind(call: Call, ctx: Context) -> Answer:
    """One-key binding: the platform hands over the phone number itself (§4.3)."""
    decrypted = onekey_mobile(call, ctx)
    if isinstance(decrypted, Envelope):
        return Answer(decrypted)
    login, mobile = decrypted
    return bind_mobile(call, ctx, login, platform_ids(login.platform, call, call.text("openid")), mobile)


async def onekeyusermobiledecrypt(call: Call, ctx: Context) -> Answer:
    """The profile popup's one-key mobile: only the number (msg `success`); the user is unchanged
    until `personal/save` or `user/userbasereg` sends it back (§4.3)."""
    decrypted = onekey_mobile(call, ctx)
    if isinstance(decrypted, Envelope):
        return Answer(decrypted)
    chosen = declared_answer(call, ctx)
    if chosen is not None:
        return chosen
    return Answer(Envelope(m.SUCCESS_TEXT, m.SUCCESS, decrypted[1]))


def bind_mobile(call: Call, ctx: Context, login: Login, ids: Mapping[str, str], mobile: str) -> Answer:
    """The account gets the mobile (-50 if another account has it, -51 if it already has it);
    an account the mock does not know is registered with it (「授权成功」)."""
    chosen = scenario_reply(call, ctx, login)
    if isinstance(chosen, Answer):  # the site is closed to the device (§2.5)
        return chosen
    pick, reply = chosen
    if reply is not None:
        return finish(reply, pick, login, ctx, BOUND)
    accounts = ctx.state.accounts
    account = account_of(login, ids)
    holder = accounts.holder_of(mobile)
    if holder is not None and holder != account:
        return Answer(login.refuse(m.MOBILE_TAKEN, m.MOBILE_TAKEN_CODE), pick=pick)
    known = accounts.row(account)
    if known is None:
        fields = {**profile_fields(login.platform, call.params), "mobile": mobile}
        return Answer(register(login, ctx, ids, fields, USERINFO), pick=pick)
    if known.get("mobile") == mobile:
        return Answer(login.refuse(m.MOBILE_SAME, m.MOBILE_SAME_CODE), pick=pick)
    return Answer(logged_in(accounts.change(account, mobile=mobile), login, ctx, BOUND, bind=0), pick=pick)


# -- e-mail binding (§4.3) -------------------------------------------------------------------


async def appemailbindverifysend(call: Call, ctx: Context) -> Answer:
    refusal = address_refusal(call, ctx, MAIL)
    if refusal:
        return Answer(refusal)
    return declared_answer(call, ctx) or send_code(call, ctx, MAIL)


async def appemailbind(call: Call, ctx: Context) -> Answer:
    """Bind the verified e-mail to the platform user (`UserService::AppEmailBind`), checked as
    a mobile is; an account the mock does not know is registered with it."""
    checked = verified(call, ctx, MAIL)
    if isinstance(checked, Answer):
        return checked
    platform, openid, email = checked
    chosen = declared_answer(call, ctx)
    if chosen is not None:
        return chosen
    login = login_of(call, ctx, platform, fallback_device=openid)
    ids = platform_ids(platform, call, openid)
    accounts = ctx.state.accounts
    account = account_of(login, ids)
    holder = accounts.email_holder(email)
    if holder is not None and holder != account:
        return Answer(login.refuse(m.EMAIL_TAKEN, m.EMAIL_TAKEN_CODE))
    known = accounts.row(account)
    if known is None:
        row = new_row(login, ctx, ids, {**bind_profile(call.params), "email": email})
        return Answer(logged_in(row, login, ctx, BOUND))
    if known.get("email") == email:
        return Answer(login.refuse(m.EMAIL_SAME, m.EMAIL_SAME_CODE))
    return Answer(logged_in(accounts.change(account, email=email), login, ctx, BOUND))


def bind_profile(params: Mapping[str, Any]) -> dict[str, Any]:
    """What a binding that creates the user takes from the request (`AppAccountsBindhHandle`)."""
    fields: dict[str, Any] = {
        key: scalar_text(params[key])
        for key in ("nickname", "avatar", "province", "city", "county")
        if not is_empty(params.get(key))
    }
    gender = params.get("gender")
    if gender is not None:
        leading = INTVAL.match(scalar_text(gender))
        fields["gender"] = int(leading.group(1)) if leading else 0
    return fields


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

