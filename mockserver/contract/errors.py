"""The catalogue of named errors a scenario can answer with (§3.5, §2.3, §2.5).

Names are what front-end developers call these situations; each entry is the real server's code
and message. A code of None means "the platform's rejection code", which depends on the profile
and the platform (`-10`/`-100` in v2.2, `-1` in v6).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Mapping

from ..envelope import Encoding
from . import messages as m
from .profiles import DEFAULT_PROFILE, PROFILES, Profile


@dataclass(frozen=True, slots=True)
class CatalogueError:
    code: int | None  # None: the profile's rejection code for the requesting platform
    text: m.Text
    description: str
    encoding: Encoding = Encoding.NORMAL
    needs_rid: bool = False  # WeChat texts end in a request id: minted per answer


def _verbatim(text: str) -> m.Text:
    """Platform texts are passed through untranslated."""
    return m.Text(text, text)


_PROFILE_FREE: Final = {
    "code_invalid": CatalogueError(
        None, _verbatim(m.PLATFORM_CODE_INVALID), "platform rejected the code (WeChat 40029)", needs_rid=True
    ),
    "code_used": CatalogueError(
        None, _verbatim(m.PLATFORM_CODE_USED), "the code was already used (WeChat 40163)", needs_rid=True
    ),
    "auth_api_failed": CatalogueError(None, m.AUTH_API_CALL_FAILED, "platform unreachable or not JSON"),
    "auth_api_exception": CatalogueError(None, m.AUTH_API_EXCEPTION, "platform refused without a message"),
    "auth_failed": CatalogueError(None, m.AUTH_FAILED, "Alipay unreachable"),
    "signature_invalid": CatalogueError(None, m.SIGNATURE_INVALID, "Alipay answer signature invalid"),
    "params_error": CatalogueError(None, m.PARAMS_ERROR, "platform app credentials not configured"),
    "user_muted": CatalogueError(m.USER_STATUS_FORBIDS, m.USER_STATUS_TEXTS[1], "user status 1"),
    "user_disabled": CatalogueError(m.USER_STATUS_FORBIDS, m.USER_STATUS_TEXTS[2], "user status 2"),
    "pending_review": CatalogueError(m.USER_STATUS_FORBIDS, m.USER_STATUS_TEXTS[3], "user status 3"),
    "registration_review": CatalogueError(
        m.USER_STATUS_FORBIDS, m.USER_NOT_AUDIT, "new user while registration review is on"
    ),
    "user_status_invalid": CatalogueError(m.USER_STATUS_FORBIDS, m.USER_STATUS_INVALID, "user status not 0-3"),
    "user_missing": CatalogueError(m.USER_STATUS_FORBIDS, m.USER_MISSING, "user vanished during login"),
    # appminiuserinfo / one-key binding: Baidu and QQ decrypt the profile with the cached session (§4.1)
    "session_key_missing": CatalogueError(m.FAIL, m.SESSION_KEY_MISSING, "no cached platform session"),
    "iv_length": CatalogueError(m.FAIL, m.IV_LENGTH, "iv is not 24 characters"),
    "decrypt_failed": CatalogueError(m.FAIL, m.DECRYPT_FAILED, "Baidu decryption failed"),
    "appkey_mismatch": CatalogueError(m.FAIL, m.APPKEY_MISMATCH, "Baidu app key mismatch"),
    "qq_decrypt_failed": CatalogueError(m.FAIL, m.QQ_RETRY, "QQ decryption failed"),
    "login_expired": CatalogueError(
        m.LOGIN_EXPIRED_CODE, m.LOGIN_EXPIRED, "token invalid (escaped envelope)", Encoding.EXIT
    ),
}


def _catalogue(profile: Profile) -> Mapping[str, CatalogueError]:
    return MappingProxyType(
        {
            **_PROFILE_FREE,
            "site_closed": CatalogueError(
                m.SITE_CLOSED_CODE, profile.site_closed_text, "site closed (escaped envelope)", Encoding.EXIT
            ),
        }
    )


# Every named error as each profile answers it, by profile name.
CATALOGUES: Final = {name: _catalogue(profile) for name, profile in PROFILES.items()}
ERROR_NAMES: Final = tuple(CATALOGUES[DEFAULT_PROFILE])
