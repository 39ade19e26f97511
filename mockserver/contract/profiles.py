"""The two contract profiles (contract README, decision 1) as data: field lists, typing, switches.

`documented` is the published page, i.e. ShopXO v2.2.2 on PHP < 8.1; `current` is ShopXO v6.9 on
PHP >= 8.1. Code asks a profile questions; it never branches on a profile's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Mapping

from . import messages as m
from .platforms import PLATFORMS


@dataclass(frozen=True, slots=True)
class Refusal:
    """A code and message the profile answers with, e.g. for an empty authcode."""

    code: int
    text: m.Text


@dataclass(frozen=True, slots=True)
class LaterClient:
    """Clients newer than a profile's release, told apart by parameters only they send, and what
    goes wrong when they talk to it (the warning, with `{params}`: the ones a request carried)."""

    params: tuple[str, ...]
    warning: str


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity: two singletons
class Profile:
    name: str
    # The user payload's keys in wire order; `field_sources` maps a key to the column or computed
    # value behind it where the two differ (the key is its own source otherwise).
    user_fields: tuple[str, ...]
    field_sources: Mapping[str, str]
    numbers_as_strings: bool  # PHP < 8.1 PDO returns every column as a string (§2.4)
    honours_lang: bool  # v2.2 answered in Chinese whatever `lang` said
    platforms: frozenset[str]  # client types with a `<Type>UserAuth` method
    authcode_from_body_only: bool  # v2.2 read `authcode` from the POST body alone (§7.1)
    login_statuses: frozenset[int]  # user statuses that may log in
    empty_authcode: Mapping[str, Refusal]  # per platform (§3.5, README table)
    rejection_codes: Mapping[str, int]  # per platform: code when the platform refuses the code
    stub_has_unionid: frozenset[str]  # platforms whose unknown-user stub carries `unionid`
    wechat_registers_unknown: bool  # v6 auto-registers a WeChat user instead of the stub (§3.4b)
    user_name_view_order: tuple[str, ...]
    default_avatar_path: str  # appended to the attachment host (the mock's own address)
    # How 控制器不存在 and 非法访问 name the controller or action (§1.1, §7.1).
    unknown_route_text: str  # "{message}({name})", or v2.2's name first: "{name} {message}"
    later_client: LaterClient | None  # a client this release does not fit, when one is seen

    def authcode(self, params: Mapping[str, Any], body: Mapping[str, Any]) -> Any:
        """The login's `authcode` where this release reads it (the request's merged parameters, or
        v2.2's POST body alone), as sent: the login action and the upstream policy both ask here."""
        return (body if self.authcode_from_body_only else params).get("authcode")

    def lang(self, requested: object) -> str:
        if self.honours_lang and requested in m.LANGS:
            return str(requested)
        return m.DEFAULT_LANG


_DOCUMENTED_FIELDS = (
    "id", "alipay_openid", "weixin_openid", "weixin_unionid", "weixin_web_openid",
    "baidu_openid", "toutiao_openid", "qq_openid", "qq_unionid", "status", "token",
    "username", "nickname", "mobile", "email", "gender", "avatar", "province", "city",
    "birthday", "address", "integral", "locking_integral", "referrer",
    "plugins_distribution_level", "plugins_user_level", "is_delete_time", "add_time",
    "upd_time", "add_time_text", "upd_time_text", "gender_text", "birthday_text",
    "mobile_security", "email_security", "user_name_view", "is_mandatory_bind_mobile",
    "is_user_exist",
)  # fmt: skip

_CURRENT_FIELDS = (
    "id", "number_code", "status", "username", "nickname", "mobile", "email", "gender",
    "avatar", "province", "city", "county", "birthday", "address", "integral",
    "locking_integral", "referrer", "is_delete_time", "is_logout_time", "add_time",
    "upd_time", "system_type", "platform", "token", "alipay_openid", "weixin_openid",
    "weixin_unionid", "weixin_web_openid", "baidu_openid", "toutiao_openid",
    "toutiao_unionid", "qq_openid", "qq_unionid", "kuaishou_openid", "add_time_text",
    "upd_time_text", "gender_text", "mobile_security", "email_security", "address_info",
    "user_name_view", "is_setup_pwd", "is_mandatory_bind_mobile", "is_user_exist",
)  # fmt: skip

_V2_PLATFORMS = frozenset(PLATFORMS) - {"kuaishou"}
# The v6.3+ client adds these to every request (U/App.vue:371-410; §7.3: the v2.2-era client sent
# neither): what tells today's client (`contract.clients`, and the warning of a pinned v2.2).
TODAYS_CLIENT_PARAMS: Final = ("application_client_brand", "theme")

DOCUMENTED: Final = Profile(
    name="documented",
    user_fields=_DOCUMENTED_FIELDS,
    field_sources=MappingProxyType({"birthday_text": "birthday_date", "avatar": "avatar_url"}),
    numbers_as_strings=True,
    honours_lang=False,
    platforms=_V2_PLATFORMS,
    authcode_from_body_only=True,
    login_statuses=frozenset({0, 1}),
    empty_authcode=MappingProxyType(
        {
            "weixin": Refusal(m.PLATFORM_REJECTED_V2, m.AUTHCODE_INCORRECT),
            "baidu": Refusal(m.PLATFORM_REJECTED_V2, m.AUTHCODE_INCORRECT),
            "toutiao": Refusal(m.PLATFORM_REJECTED_V2, m.AUTHCODE_INCORRECT),
            "qq": Refusal(m.FAIL, m.AUTHCODE_EMPTY),
            "alipay": Refusal(m.FAIL, m.AUTHCODE_EMPTY),
        }
    ),
    rejection_codes=MappingProxyType(
        {name: m.PLATFORM_REJECTED_V2 for name in _V2_PLATFORMS}
        | {"alipay": m.PLATFORM_REJECTED_ALIPAY_V2}
    ),
    stub_has_unionid=frozenset({"weixin"}),
    wechat_registers_unknown=False,
    user_name_view_order=("username", "nickname", "mobile_security", "email_security"),
    default_avatar_path="/static/index/default/images/default-user-avatar.jpg",
    unknown_route_text="{name} {message}",  # S@v2.2.2/app/api/controller/Common.php:212, Error.php:37
    # Today's client counts on v6.9's guest user/center (§4.4).
    later_client=LaterClient(TODAYS_CLIENT_PARAMS, m.LATER_CLIENT_ON_V2),
)

CURRENT: Final = Profile(
    name="current",
    user_fields=_CURRENT_FIELDS,
    field_sources=MappingProxyType({"birthday": "birthday_date", "avatar": "avatar_url"}),
    numbers_as_strings=False,
    honours_lang=True,
    platforms=frozenset(PLATFORMS),
    authcode_from_body_only=False,
    login_statuses=frozenset({0}),
    empty_authcode=MappingProxyType(
        {
            "weixin": Refusal(m.FAIL, m.AUTHCODE_INCORRECT),
            "baidu": Refusal(m.FAIL, m.AUTHCODE_INCORRECT),
            "toutiao": Refusal(m.FAIL, m.AUTHCODE_INCORRECT),
            "kuaishou": Refusal(m.FAIL, m.AUTHCODE_INCORRECT),
            "qq": Refusal(m.FAIL, m.AUTHCODE_EMPTY),
            "alipay": Refusal(m.FAIL, m.AUTHCODE_EMPTY),
        }
    ),
    rejection_codes=MappingProxyType({name: m.FAIL for name in PLATFORMS}),
    stub_has_unionid=frozenset({"toutiao", "qq"}),
    wechat_registers_unknown=True,
    user_name_view_order=("nickname", "username", "mobile_security", "email_security"),
    default_avatar_path="/static/common/images/default-user-avatar-md.png",
    unknown_route_text="{message}({name})",  # S/app/api/controller/Common.php:250, Error.php:37
    later_client=None,
)

PROFILES: Final = {p.name: p for p in (DOCUMENTED, CURRENT)}
DEFAULT_PROFILE: Final = DOCUMENTED.name
