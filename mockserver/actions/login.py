"""Who a user is and what a login-type endpoint answers for them (§3.3-§3.5, §4).

The endpoints (`actions.user`, `actions.binding`) decide *which* outcome applies; this module
knows what each one looks like for a platform and a profile: an existing user (after the status
check), an unknown user (stub, registration or its draft), or an error. It keeps the account model
of docs/accounts.md ("The account model"): the platform user behind a login is the device's
own, or a scenario's own on that device (`Login.person`); a user the accounts know logs in as
stored, whatever the outcome says of a stranger; every user answered is recorded, so the next call
(tokenuserinfo, a binding, the next login) sees the same person.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Mapping

from ..context import Context
from ..contract import messages as m
from ..contract import site
from ..contract.errors import CATALOGUES
from ..contract.fields import EMPTY_USER, number_code
from ..contract.platforms import Platform
from ..params import Call, is_empty, scalar_text
from ..rendering.envelope import Envelope
from ..rendering.view import View, mandatory_bind_draft, unknown_user_stub
from ..scenarios import templates
from ..scenarios.model import CustomError, ExistingUser, NamedError, NewUser, Outcome, Template
from ..state import Account
from ..state.accounts import LINKING_UNIONIDS
from ..support.records import per_request


@dataclass(frozen=True, slots=True)
class Purpose:
    """What kind of answer carries the user: its message and the payload keys it leaves out."""

    text: m.Text | str
    omit: frozenset[str] = frozenset()
    mints_token: bool = True
    checks_status: bool = True


AUTH: Final = Purpose(m.AUTH_LOGIN_SUCCESS)  # appminiuserauth, existing user (§3.3)
REGISTERED: Final = Purpose(m.AUTH_SUCCESS)  # appminiuserauth, WeChat auto-registration (§3.4b)
USERINFO: Final = Purpose(m.AUTH_SUCCESS, frozenset({"is_user_exist"}))  # appminiuserinfo (§4.1)
BOUND: Final = Purpose(m.BIND_SUCCESS, frozenset({"is_user_exist"}))  # binding endpoints (§4.3)
WAITING_REVIEW: Final = 3  # the status `AuthUserProgram` gives a user registered under review
TOKEN: Final = Purpose(m.SUCCESS_TEXT, frozenset({"is_mandatory_bind_mobile", "is_user_exist"}), False, False)


@per_request
class Login:
    """One call about a platform user: who asks, from which platform, in which language."""

    call: Call
    platform: Platform
    lang: str
    device: str  # the client's device (`Call.device`), else the authcode: sequences are its
    # Whose platform user this is, when not the device's own: the device and the scenario that
    # answers (`scenario_user`), so each scenario's user on a device is an account of its own.
    person: str = ""

    @property
    def key(self) -> str:
        """What the platform ids and a made-up person are derived from."""
        return self.person or self.device

    def scenario_user(self, scenario: str) -> Login:
        """The same call, about the platform user a scenario stands for on this device."""
        return Login(self.call, self.platform, self.lang, self.device, f"{self.device}\x1f{scenario}")

    def in_lang(self, text: m.Text | str) -> str:
        """A message in the caller's language (a literal, like `success`, as it is)."""
        return text if isinstance(text, str) else text.in_lang(self.lang)

    def refuse(self, text: m.Text, code: int = m.FAIL) -> Envelope:
        return Envelope(text.in_lang(self.lang), code)


def answer(outcome: Outcome, login: Login, ctx: Context, purpose: Purpose = AUTH) -> Envelope:
    if isinstance(outcome, ExistingUser):
        return existing_user(outcome, login, ctx, purpose)
    if isinstance(outcome, NewUser):
        return new_user(outcome, login, ctx)
    if isinstance(outcome, (NamedError, CustomError)):
        return error(outcome, login, ctx)
    raise TypeError(f"{type(outcome).__name__} does not answer a login (the loader refuses it)")


def account_of(login: Login, ids: Mapping[str, Any]) -> Account:
    column = login.platform.openid_column
    return column, str(ids.get(column, ""))


def unionid_of(platform: Platform, ids: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (column, unionid) ShopXO also looks this platform's user up by, if any (§3.2)."""
    column = platform.unionid_column
    return (column, str(ids.get(column, ""))) if column and column in LINKING_UNIONIDS else None


def existing_user(outcome: ExistingUser, login: Login, ctx: Context, purpose: Purpose = AUTH) -> Envelope:
    """A user the scenario says exists: its columns over the account's, the mock's changes over those."""
    ids = ctx.fake_users.platform_ids(login.platform, login.key)
    if outcome.templated:
        row: Mapping[str, Any] = _row(outcome, login, ids, ctx)
    else:
        row = ctx.payloads.row(outcome, login.platform.name, login.key, lambda: _row(outcome, login, ids, ctx))
    bind = _bind_flag(login, ctx) if outcome.mandatory_bind_mobile is None else outcome.mandatory_bind_mobile
    return logged_in(row, login, ctx, purpose, token=outcome.token, bind=bind)


def _row(outcome: ExistingUser, login: Login, ids: Mapping[str, str], ctx: Context) -> Mapping[str, Any]:
    base = ctx.fake_users.person(login.key) if outcome.generated else EMPTY_USER
    fields = _filled(outcome, login, ids, ctx) if outcome.templated else outcome.fields
    return MappingProxyType({**base, **ids, **fields})


def logged_in(
    row: Mapping[str, Any],
    login: Login,
    ctx: Context,
    purpose: Purpose,
    *,
    token: str | None = None,
    bind: int | None = None,
) -> Envelope:
    """The status check, then the user as `purpose` answers it; the account is recorded."""
    refusal = status_refusal(int(row["status"]), login, ctx) if purpose.checks_status else None
    if refusal:
        return refusal
    accounts = ctx.state.accounts
    account = account_of(login, row)
    if not purpose.mints_token:
        token = str(row.get("token", ""))
    token = token or new_token()
    stored = accounts.serve(account, row, token)
    view = View(
        profile=ctx.profile,
        lang=login.lang,
        base_url=login.call.base_url,
        platform=login.platform.name,
        system_type=login.call.system_type,
        mandatory_bind_mobile=_bind_flag(login, ctx) if bind is None else bind,
    )
    data = ctx.payloads.user_data(stored, view, purpose.omit, token)
    return Envelope(login.in_lang(purpose.text), m.SUCCESS, data)


def new_user(outcome: NewUser, login: Login, ctx: Context) -> Envelope:
    """§3.4: a platform user ShopXO has not seen: the stub, or (v6 WeChat) registration on the
    spot. Once registered they are known: later logins find the stored user (§3.2)."""
    platform, profile = login.platform, ctx.profile
    ids = dict(ctx.fake_users.platform_ids(platform, login.key))
    if outcome.openid:
        ids[platform.openid_column] = outcome.openid
    if outcome.unionid is not None and platform.unionid_column:
        ids[platform.unionid_column] = outcome.unionid
    accounts = ctx.state.accounts
    known = accounts.find(account_of(login, ids), unionid_of(platform, ids))
    if known is not None:
        return logged_in(accounts.row(known) or {}, login, ctx, AUTH)
    if not (platform.name == "weixin" and profile.wechat_registers_unknown):
        stub = unknown_user_stub(platform, ids, platform.name in profile.stub_has_unionid)
        return Envelope(m.AUTH_LOGIN_SUCCESS.in_lang(login.lang), m.SUCCESS, stub)
    nickname = m.DEFAULT_NICKNAME_WEIXIN.in_lang(login.lang)
    return register(login, ctx, ids, {"nickname": nickname}, REGISTERED, outcome)


def register(
    login: Login,
    ctx: Context,
    ids: Mapping[str, str],
    profile_fields: Mapping[str, Any],
    purpose: Purpose,
    outcome: NewUser | None = None,
) -> Envelope:
    """`AuthUserProgram`: a required mobile answers the draft (nobody is created); else a new
    user, who under review is created waiting (status 3) and refused."""
    review = (outcome is not None and outcome.review) or ctx.site_config(login.call).get(site.REGISTER_AUDIT)
    referrer = login.call.params.get("referrer")
    mobile = str(profile_fields.get("mobile", ""))
    if not mobile and ((outcome and outcome.mandatory_bind_mobile) or _bind_flag(login, ctx)):
        nickname = profile_fields.get("nickname", "")
        draft = mandatory_bind_draft(login.platform, ids, nickname, 0 if is_empty(referrer) else referrer)
        for key in ("avatar", "gender", "province", "city"):
            if key in profile_fields:
                draft[key] = profile_fields[key]
        return Envelope(m.AUTH_SUCCESS.in_lang(login.lang), m.SUCCESS, draft)
    row = new_row(login, ctx, ids, {**profile_fields, "status": WAITING_REVIEW} if review else profile_fields)
    if review:
        ctx.state.accounts.serve(account_of(login, row), row)
        return login.refuse(m.USER_NOT_AUDIT, m.USER_STATUS_FORBIDS)
    return logged_in(row, login, ctx, purpose, bind=0 if mobile else None)


def new_row(login: Login, ctx: Context, ids: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """A freshly registered user: id and number_code stable per account, `add_time` from the
    clock, `upd_time` 0 until the profile is edited (recorded from v6.9; v2.2's insert sets none)."""
    account = account_of(login, ids)
    user_id = ctx.fake_users.user_id("\x1f".join(("registered", *account)))
    now = int(ctx.state.clock.now())
    referrer = scalar_text(login.call.params.get("referrer"))
    return {
        **EMPTY_USER,
        **ids,
        "id": user_id,
        "number_code": number_code(user_id),
        "referrer": int(referrer) if referrer.isdigit() else 0,
        "add_time": now,
        "upd_time": 0,
        **fields,
    }


def error(outcome: NamedError | CustomError, login: Login, ctx: Context) -> Envelope:
    if isinstance(outcome, CustomError):
        msg = outcome.msg or m.OPERATE_FAIL.in_lang(login.lang)
        return Envelope(msg, outcome.code, outcome.data)
    entry = CATALOGUES[ctx.profile.name][outcome.name]
    failure = entry.failure_for(login.platform.name)  # the requesting platform's own answer
    code = ctx.profile.rejection_codes.get(login.platform.name, m.FAIL) if failure.code is None else failure.code
    if failure.setting is not None:  # the site's own words (site_closed: its reason)
        msg = site.close_reason(ctx.site_config(login.call), ctx.profile.name, login.lang)
    elif failure.own and outcome.text is not None:  # the scenario's words for the platform's
        msg = outcome.text
    else:
        msg = failure.text.in_lang(login.lang)
    if failure.own and m.RID in msg:  # WeChat's request id: a new one per answer
        msg = msg.replace(m.RID, request_id())
    data: Any = ""
    if failure.errno is not None:  # curl's failure: its words, its number, and the number as data
        data = outcome.errno or failure.errno
        if outcome.text is None and outcome.errno is not None:
            msg = m.CURL_ERRORS.get(outcome.errno, msg)
        msg = f"{msg} ({data})"
    return Envelope(msg or m.OPERATE_FAIL.in_lang(login.lang), code, data, entry.encoding)


def status_refusal(status: int, login: Login, ctx: Context) -> Envelope | None:
    """`UserStatusCheck`: -110 with the status text unless the profile lets this status log in."""
    if status in ctx.profile.login_statuses:
        return None
    return login.refuse(m.USER_STATUS_TEXTS.get(status, m.USER_STATUS_INVALID), m.USER_STATUS_FORBIDS)


def _bind_flag(login: Login, ctx: Context) -> int:
    """`is_mandatory_bind_mobile`: the admin setting in force for the caller's device."""
    return 1 if ctx.site_config(login.call).get(site.MANDATORY_BIND_MOBILE) else 0


def _filled(outcome: ExistingUser, login: Login, ids: Mapping[str, str], ctx: Context) -> dict[str, Any]:
    """Fill `{{faker.*}}` / `{{request.*}}` holes; Faker is seeded per device and field, so stable."""
    echo = request_echo(login, ids)
    fields: dict[str, Any] = {}
    for name, value in outcome.fields.items():
        if isinstance(value, Template):
            value = templates.render(value, ctx.fake_users.provider(login.key, name), echo)
        fields[name] = value
    return fields


def request_echo(login: Login, ids: Mapping[str, str]) -> dict[str, str]:
    """What `{{request.<name>}}` may echo: every parameter, the client type and platform ids."""
    platform = login.platform
    return {
        **{name: scalar_text(value) for name, value in login.call.params.items()},
        "client_type": platform.name,
        "openid": ids.get(platform.openid_column, ""),
        "unionid": ids.get(platform.unionid_column or "", ""),
    }


def new_token() -> str:
    """32 lowercase hex, like ShopXO's md5 tokens (§6)."""
    return secrets.token_hex(16)


def request_id() -> str:
    """A WeChat `rid`, e.g. `6583f22d-35b1b023-4a6d02b6`."""
    return "-".join(secrets.token_hex(4) for _ in range(3))
