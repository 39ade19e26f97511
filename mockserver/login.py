"""A login outcome -> the envelope the real server answers for it (§3.3-§3.5). Pure.

The endpoint (`actions.user`) decides *which* outcome applies; this module knows what each one
looks like for a platform and a profile: an existing user (after the status check), an unknown
user (stub, WeChat registration or its draft), or an error.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Mapping

from .context import Context
from .contract import messages as m
from .contract.errors import CATALOGUES
from .contract.fields import EMPTY_USER
from .contract.platforms import Platform
from .envelope import Envelope
from .fake_users import UserRow, derive_seed, number_code
from .params import Call, is_empty, scalar_text
from .render import View, mandatory_bind_draft, unknown_user_stub, user_payload
from .scenarios import templates
from .scenarios.model import CustomError, ExistingUser, NamedError, NewUser, Outcome, Template


@dataclass(frozen=True, slots=True)
class Login:
    """One login attempt: who asks, from which platform, in which language."""

    call: Call
    platform: Platform
    lang: str
    device: str  # the client's uuid, else the authcode: what generated users are seeded from


def answer(outcome: Outcome, login: Login, ctx: Context) -> Envelope:
    if isinstance(outcome, ExistingUser):
        return existing_user(outcome, login, ctx)
    if isinstance(outcome, NewUser):
        return new_user(outcome, login, ctx)
    return error(outcome, login, ctx)


def existing_user(outcome: ExistingUser, login: Login, ctx: Context) -> Envelope:
    base = ctx.fake_users.person(login.device) if outcome.generated else EMPTY_USER
    ids = ctx.fake_users.platform_ids(login.platform, login.device)
    fields = _filled(outcome, login, ids, ctx) if outcome.templated else outcome.fields
    row = {**base, **ids, **fields}
    refusal = status_refusal(int(row["status"]), login, ctx)
    if refusal:
        return refusal
    token = outcome.token or new_token()
    bind = ctx.mandatory_bind_mobile if outcome.mandatory_bind_mobile is None else outcome.mandatory_bind_mobile
    return _logged_in(row, token, bind, m.AUTH_LOGIN_SUCCESS, login, ctx)


def new_user(outcome: NewUser, login: Login, ctx: Context) -> Envelope:
    platform, profile = login.platform, ctx.profile
    ids = ctx.fake_users.platform_ids(platform, login.device)
    if outcome.openid:
        ids[platform.openid_column] = outcome.openid
    if outcome.unionid is not None and platform.unionid_column:
        ids[platform.unionid_column] = outcome.unionid
    if not (platform.name == "weixin" and profile.wechat_registers_unknown):
        stub = unknown_user_stub(platform, ids, platform.name in profile.stub_has_unionid)
        return Envelope(m.AUTH_LOGIN_SUCCESS.in_lang(login.lang), m.SUCCESS, stub)
    # v6 WeChat registers the user on the spot (§3.4b), unless review or a mobile is required.
    if outcome.review:
        return Envelope(m.USER_NOT_AUDIT.in_lang(login.lang), m.USER_STATUS_FORBIDS)
    nickname = m.DEFAULT_NICKNAME_WEIXIN.in_lang(login.lang)
    referrer = login.call.params.get("referrer")
    referrer_text = scalar_text(referrer)
    if outcome.mandatory_bind_mobile or ctx.mandatory_bind_mobile:
        draft = mandatory_bind_draft(platform, ids, nickname, 0 if is_empty(referrer) else referrer)
        return Envelope(m.AUTH_SUCCESS.in_lang(login.lang), m.SUCCESS, draft)
    user_id = derive_seed(ctx.fake_users.seed, "registered", login.device) % 90000 + 10000
    now = int(ctx.state.clock.now())
    row = {
        **EMPTY_USER,
        **ids,
        "id": user_id,
        "number_code": number_code(user_id),
        "nickname": nickname,
        "referrer": int(referrer_text) if referrer_text.isdigit() else 0,
        "add_time": now,
        "upd_time": now,
    }
    return _logged_in(row, new_token(), 0, m.AUTH_SUCCESS, login, ctx)


def error(outcome: NamedError | CustomError, login: Login, ctx: Context) -> Envelope:
    if isinstance(outcome, CustomError):
        msg = outcome.msg or m.OPERATE_FAIL.in_lang(login.lang)
        return Envelope(msg, outcome.code, outcome.data)
    entry = CATALOGUES[ctx.profile.name][outcome.name]
    code = ctx.profile.rejection_codes[login.platform.name] if entry.code is None else entry.code
    msg = entry.text.in_lang(login.lang)
    if entry.needs_rid:
        msg = msg.format(rid=request_id())
    return Envelope(msg, code, encoding=entry.encoding)


def _filled(outcome: ExistingUser, login: Login, ids: Mapping[str, str], ctx: Context) -> dict[str, Any]:
    """Fill `{{faker.*}}` / `{{request.*}}` holes; Faker is seeded per device and field, so stable."""
    platform = login.platform
    echo = {
        **{name: scalar_text(value) for name, value in login.call.params.items()},
        "client_type": platform.name,
        "openid": ids[platform.openid_column],
        "unionid": ids.get(platform.unionid_column or "", ""),
    }
    fields: dict[str, Any] = {}
    for name, value in outcome.fields.items():
        if isinstance(value, Template):
            fake = ctx.fake_users.provider(login.device, name)
            value = templates.render(value, fake, echo)
        fields[name] = value
    return fields


def status_refusal(status: int, login: Login, ctx: Context) -> Envelope | None:
    """`UserStatusCheck`: -110 with the status text unless the profile lets this status log in."""
    if status in ctx.profile.login_statuses:
        return None
    text = m.USER_STATUS_TEXTS.get(status, m.USER_STATUS_INVALID)
    return Envelope(text.in_lang(login.lang), m.USER_STATUS_FORBIDS)


def _logged_in(row: Mapping[str, Any], token: str, bind: int, text: m.Text, login: Login, ctx: Context) -> Envelope:
    user: UserRow = dict(row)
    ctx.state.remember_token(token, user)
    view = View(
        profile=ctx.profile,
        lang=login.lang,
        base_url=login.call.base_url,
        platform=login.platform.name,
        system_type=login.call.system_type,
        token=token,
        mandatory_bind_mobile=bind,
    )
    return Envelope(text.in_lang(login.lang), m.SUCCESS, user_payload(user, view))


def new_token() -> str:
    """32 lowercase hex, like ShopXO's md5 tokens (§6)."""
    return secrets.token_hex(16)


def request_id() -> str:
    """A WeChat `rid`, e.g. `6583f22d-35b1b023-4a6d02b6`."""
    return "-".join(secrets.token_hex(4) for _ in range(3))
