"""Binding a mobile or an e-mail to the platform user (§4.3): the code "sent" by SMS or e-mail,
the bind that checks it, and the one-key mobile the platform hands over itself.

Each action checks its parameters as `UserService::AppMobileBind` / `AppEmailBind` do, in their
order, then lets a scenario for the route answer, and otherwise binds the address to the account
the mock knows (or registers one with it). The steps shared with the login are `actions.user`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final, Mapping

from ..answers import Answer
from ..context import Context
from ..contract import messages as m
from ..contract.platforms import PLATFORMS, Platform
from ..params import Call, is_empty, scalar_text
from ..rendering.envelope import Envelope
from .declared import declared_answer
from .login import BOUND, USERINFO, Login, account_of, logged_in, new_row, register
from .user import encrypted_profile_refusal, finish, login_of, platform_ids, profile_fields, scenario_reply

# `CheckMobile` (S/app/common.php): mainland numbers.
MOBILE: Final = re.compile(r"^1[3-9]\d{9}$")
# `CheckEmail`: `common_regex_email` (`S/app/service/ConstService.php:774`), PCRE's ASCII \w.
EMAIL: Final = re.compile(r"^\w+([-+.]\w+)*@\w+([-.]\w+)*\.\w+([-.]\w+)*$", re.ASCII)
INTVAL: Final = re.compile(r"[ \t\n\r\v\f]*([+-]?\d+)", re.ASCII)  # PHP's intval() of a string: its leading digits
ONEKEY_PLATFORMS: Final = frozenset({"weixin", "baidu", "toutiao"})


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
