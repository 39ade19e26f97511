"""The mini-program platforms: which client types log in, and which id columns each one fills (§3.2)."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Mapping


@dataclass(frozen=True, slots=True)
class IdShape:
    """What a platform's ids look like (§6), so generated ones pass a front-end's eye."""

    prefix: str
    length: int
    alphabet: str


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_WECHAT_ID = IdShape("o", 28, _BASE62 + "_-")
_OPAQUE = IdShape("", 32, _BASE62)


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    openid_column: str
    unionid_column: str | None
    openid_shape: IdShape

    @property
    def method(self) -> str:
        """The ShopXO method name this platform dispatches to, e.g. `WeixinUserAuth`."""
        return ucfirst(self.name) + "UserAuth"


PLATFORMS: Final = {
    p.name: p
    for p in (
        Platform("weixin", "weixin_openid", "weixin_unionid", _WECHAT_ID),
        # v2.2 calls it user_id: 16 digits from 2088 (§6); a fine opaque open_id for v6 too.
        Platform("alipay", "alipay_openid", None, IdShape("2088", 16, "0123456789")),
        Platform("baidu", "baidu_openid", None, _OPAQUE),
        Platform("toutiao", "toutiao_openid", "toutiao_unionid", _OPAQUE),
        Platform("qq", "qq_openid", "qq_unionid", _OPAQUE),
        Platform("kuaishou", "kuaishou_openid", None, _OPAQUE),
    )
}

# Every value the client may send (`ConstService.php:235-246`); only PLATFORMS log in.
CLIENT_TYPES: Final = ("pc", "h5", "ios", "android", *PLATFORMS)
DEFAULT_CLIENT_TYPE: Final = "pc"

# What people write for a platform instead of ShopXO's name: its English or Chinese name, its
# company, its mini-program JS namespace (`wx.login`, `my.getAuthCode`, ...) or uni-app's platform
# id. A scenario file's "did you mean" looks here before comparing spellings.
CLIENT_TYPE_ALIASES: Final[Mapping[str, str]] = MappingProxyType({
    "wechat": "weixin", "wx": "weixin", "mp-weixin": "weixin",
    "ali": "alipay", "zhifubao": "alipay", "my": "alipay", "mp-alipay": "alipay",
    "swan": "baidu", "mp-baidu": "baidu",
    "douyin": "toutiao", "dy": "toutiao", "tt": "toutiao", "bytedance": "toutiao", "mp-toutiao": "toutiao",
    "mp-qq": "qq",
    "ks": "kuaishou", "mp-kuaishou": "kuaishou",
})  # fmt: skip


def ucfirst(value: str) -> str:
    """PHP's `ucfirst`: upper-case the first character only."""
    return value[:1].upper() + value[1:]
