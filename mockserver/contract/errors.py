"""The catalogue of named errors a scenario can answer with (§3.5, §2.3, §2.5), as each release
answers each platform.

Names are what front-end developers call these situations; each entry is the real server's code
and message. Most answer alike on every platform. The failures of the code exchange do not: each
platform class under ShopXO's `extend/base/` answers its platform's own error field verbatim
when the platform refused the code and said why (WeChat, QQ and Toutiao `errmsg`, Baidu
`error_description`, Kuaishou `error_msg`, Alipay `error_response.sub_msg`), and texts of its
own otherwise, which differ per platform and per release (`EXCHANGES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Mapping

from ..rendering.envelope import Encoding
from . import messages as m
from . import site
from .profiles import DEFAULT_PROFILE, PROFILES, Profile


@dataclass(frozen=True, slots=True)
class Failure:
    """One answer to a failure: its text, its code (None: the profile's rejection code for the
    requesting platform, `-10`/`-100` in v2.2, `-1` in v6), and where its words come from."""

    text: m.Text
    code: int | None = None
    own: bool = False  # the platform side's own words: a scenario may give others to pass through
    errno: int | None = None  # a curl error: " (errno)" follows the text, and `data` is the errno
    setting: str | None = None  # the words are this admin setting's (untranslated), `text` if unset


NO_PLATFORMS: Final[Mapping[str, Failure]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CatalogueError:
    description: str
    failure: Failure  # on every platform, unless `platforms` has the requesting one's own
    platforms: Mapping[str, Failure] = field(default_factory=lambda: NO_PLATFORMS)
    encoding: Encoding = Encoding.NORMAL

    def failure_for(self, platform: str) -> Failure:
        return self.platforms.get(platform, self.failure)

    @property
    def passes(self) -> frozenset[str]:
        """What a scenario may give this error to pass through: `text` (the platform side's own
        words), `errno` (a curl error's number)."""
        failures = (self.failure, *self.platforms.values())
        given = {"text"} if any(f.own for f in failures) else set()
        if any(f.errno is not None for f in failures):
            given.add("errno")
        return frozenset(given)


def _verbatim(text: str) -> m.Text:
    """Platform texts are passed through untranslated."""
    return m.Text(text, text)


def _own(text: str) -> Failure:
    return Failure(_verbatim(text), own=True)


# -- the code exchange, per release and platform (§3.5; S/extend/base/*.php, S@v2.2.2/extend/base/*.php)


@dataclass(frozen=True, slots=True)
class Exchange:
    """How one platform's code exchange fails, as one release answers it."""

    refused: Failure  # the platform refused the code, in its own words
    used: Failure  # the code was used before (the platform's words for it)
    down: Failure  # the platform answered no JSON: an error page, an HTTP failure
    unreachable: Failure  # no answer at all: the connection failed (a curl error)
    silent: Failure  # the platform refused without a message field


CALL_FAILED: Final = Failure(m.AUTH_API_CALL_FAILED)  # 授权接口调用失败: the answer was empty or no JSON
EXCEPTION: Final = Failure(m.AUTH_API_EXCEPTION)  # 授权接口异常错误: no message field to pass on
AUTH_FAILED: Final = Failure(m.AUTH_FAILED)  # 授权失败: Alipay's one word for every failure without sub_msg
# Kuaishou's exchange goes through `CurlPost`: a transport failure is curl's own words and number,
# code -9999, `data` the number (S/app/common.php:4395-4401); an HTTP failure, a body curl did get.
CURL_FAILED: Final = Failure(
    _verbatim(m.CURL_ERRORS[m.CURL_UNREACHABLE]), m.CURL_ERROR_CODE, own=True, errno=m.CURL_UNREACHABLE
)

WECHAT_WORDS: Final = Exchange(
    _own(m.PLATFORM_CODE_INVALID), _own(m.PLATFORM_CODE_USED), CALL_FAILED, CALL_FAILED, EXCEPTION
)

# v6.9: each platform class as S/extend/base/<Platform>.php has it.
V6_9_EXCHANGES: Final[Mapping[str, Exchange]] = MappingProxyType(
    {
        "weixin": WECHAT_WORDS,  # Wechat.php:427-452
        "qq": WECHAT_WORDS,  # QQ.php:99-119: QQ words its refusals as WeChat does [recorded]
        "toutiao": Exchange(  # Toutiao.php:93-122: one word for any code it refuses
            _own(m.TOUTIAO_BAD_CODE), _own(m.TOUTIAO_BAD_CODE), CALL_FAILED, CALL_FAILED, EXCEPTION
        ),
        "baidu": Exchange(  # Baidu.php:125-157
            _own(m.BAIDU_CODE_INVALID), _own(m.BAIDU_CODE_INVALID), CALL_FAILED, CALL_FAILED, EXCEPTION
        ),
        "kuaishou": Exchange(  # Kuaishou.php:47-82: CurlPost, then json_decode of what came
            _own(m.KUAISHOU_CODE_INVALID), _own(m.KUAISHOU_CODE_INVALID), EXCEPTION, CURL_FAILED, EXCEPTION
        ),
        "alipay": Exchange(  # Alipay.php:32-72: 授权失败 whenever there is no sub_msg
            _own(m.ALIPAY_CODE_INVALID), _own(m.ALIPAY_CODE_INVALID), AUTH_FAILED, AUTH_FAILED, AUTH_FAILED
        ),
    }
)

# v2.2.2: the same words, but Toutiao answers 授权接口异常错误 for every failure without errmsg
# (S@v2.2.2/extend/base/Toutiao.php: `empty($result) || empty($result['openid'])`); no Kuaishou.
V2_2_2_EXCHANGES: Final[Mapping[str, Exchange]] = MappingProxyType(
    {
        **{name: exchange for name, exchange in V6_9_EXCHANGES.items() if name != "kuaishou"},
        "toutiao": Exchange(
            _own(m.TOUTIAO_BAD_CODE), _own(m.TOUTIAO_BAD_CODE), EXCEPTION, EXCEPTION, EXCEPTION
        ),
    }
)

EXCHANGES: Final[Mapping[str, Mapping[str, Exchange]]] = MappingProxyType(
    {"current": V6_9_EXCHANGES, "documented": V2_2_2_EXCHANGES}
)


def _exchange(description: str, profile: Profile, situation: str) -> CatalogueError:
    """A failure of the code exchange, answered as the requesting platform's class answers it."""
    per_platform = {name: getattr(exchange, situation) for name, exchange in EXCHANGES[profile.name].items()}
    return CatalogueError(description, per_platform["weixin"], MappingProxyType(per_platform))


def _same(description: str, text: m.Text, code: int | None = None, encoding: Encoding = Encoding.NORMAL) -> CatalogueError:
    return CatalogueError(description, Failure(text, code), encoding=encoding)


_PROFILE_FREE: Final = {
    "signature_invalid": _same("Alipay answer signature invalid", m.SIGNATURE_INVALID),
    "params_error": _same("platform app credentials not configured", m.PARAMS_ERROR),
    "user_muted": _same("user status 1", m.USER_STATUS_TEXTS[1], m.USER_STATUS_FORBIDS),
    "user_disabled": _same("user status 2", m.USER_STATUS_TEXTS[2], m.USER_STATUS_FORBIDS),
    "pending_review": _same("user status 3", m.USER_STATUS_TEXTS[3], m.USER_STATUS_FORBIDS),
    "registration_review": _same("new user while registration review is on", m.USER_NOT_AUDIT, m.USER_STATUS_FORBIDS),
    "user_status_invalid": _same("user status not 0-3", m.USER_STATUS_INVALID, m.USER_STATUS_FORBIDS),
    "user_missing": _same("user vanished during login", m.USER_MISSING, m.USER_STATUS_FORBIDS),
    # appminiuserinfo / one-key binding: Baidu and QQ decrypt the profile with the cached session (§4.1)
    "session_key_missing": _same("no cached platform session", m.SESSION_KEY_MISSING, m.FAIL),
    "iv_length": _same("iv is not 24 characters", m.IV_LENGTH, m.FAIL),
    "decrypt_failed": _same("Baidu decryption failed", m.DECRYPT_FAILED, m.FAIL),
    "appkey_mismatch": _same("Baidu app key mismatch", m.APPKEY_MISMATCH, m.FAIL),
    "qq_decrypt_failed": _same("QQ decryption failed", m.QQ_RETRY, m.FAIL),
    "login_expired": _same("token invalid (escaped envelope)", m.LOGIN_EXPIRED, m.LOGIN_EXPIRED_CODE, Encoding.EXIT),
}


def _catalogue(profile: Profile) -> Mapping[str, CatalogueError]:
    closure = site.CLOSURES[profile.name]
    return MappingProxyType(
        {
            "code_invalid": _exchange("the platform refused the code, in its own words (WeChat 40029)", profile, "refused"),
            "code_used": _exchange("the code was used before, in the platform's words (WeChat 40163)", profile, "used"),
            "auth_api_failed": _exchange("the platform is down: it answers an error page, no JSON", profile, "down"),
            "platform_unreachable": _exchange(
                "the platform cannot be reached (Kuaishou: curl's error, -9999)", profile, "unreachable"
            ),
            "auth_api_exception": _exchange("the platform refused without a message", profile, "silent"),
            # Alipay's word for a failure without sub_msg; no other platform says it
            "auth_failed": _same("Alipay failed without a reason", m.AUTH_FAILED),
            **_PROFILE_FREE,
            "site_closed": CatalogueError(
                "site closed: its reason, home_site_close_reason (escaped envelope)",
                Failure(closure.fallback, m.SITE_CLOSED_CODE, setting=site.CLOSE_REASON),
                encoding=Encoding.EXIT,
            ),
        }
    )


# Every named error as each profile answers it, by profile name.
CATALOGUES: Final = {name: _catalogue(profile) for name, profile in PROFILES.items()}
ERROR_NAMES: Final = tuple(CATALOGUES[DEFAULT_PROFILE])
# What a scenario may give each error to pass through (the same in every profile).
PASSES: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {name: frozenset().union(*(c[name].passes for c in CATALOGUES.values())) for name in ERROR_NAMES}
)
