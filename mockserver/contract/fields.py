"""The user columns a payload is built from, and the fields computed from them (§3.3, §7.2).

`COLUMNS` is the stored user: what a scenario may set and what the generator fills. Integer columns
are native ints here; a profile decides whether they go on the wire as JSON strings (§2.4).
"""

from __future__ import annotations

import hashlib
from types import MappingProxyType
from typing import Final, Mapping

ID_COLUMNS: Final = (
    "alipay_openid",
    "weixin_openid",
    "weixin_unionid",
    "weixin_web_openid",
    "baidu_openid",
    "toutiao_openid",
    "toutiao_unionid",
    "qq_openid",
    "qq_unionid",
    "kuaishou_openid",
)

INT_COLUMNS: Final = (
    "id",
    "status",
    "gender",
    "birthday",  # Unix seconds, 0 = unset; a scenario may also write "YYYY-MM-DD"
    "integral",
    "locking_integral",
    "referrer",
    "plugins_distribution_level",
    "plugins_user_level",
    "is_delete_time",
    "is_logout_time",
    "add_time",
    "upd_time",
    "is_setup_pwd",
)

STR_COLUMNS: Final = (
    "number_code",
    "username",
    "nickname",
    "mobile",
    "email",
    "avatar",
    "province",
    "city",
    "county",
    "address",
    *ID_COLUMNS,
)

# A stored user with nothing set: what a database row holds by default.
EMPTY_USER: Final[Mapping[str, int | str]] = MappingProxyType(
    {**{name: 0 for name in INT_COLUMNS}, **{name: "" for name in STR_COLUMNS}}
)

# Not columns, but a scenario may pin them on a user: the login token (decision 5) and the admin
# setting `common_user_is_mandatory_bind_mobile` as this user sees it.
PINNABLE: Final = ("token", "is_mandatory_bind_mobile")

# The fields an answer computes from the stored user that a front-end shows about them (§3.3),
# named as the answers name them. Not the flags that describe the request or the site
# (`is_user_exist`, `is_mandatory_bind_mobile`, `platform`, `system_type`).
COMPUTED_USER_FIELDS: Final = (
    "user_name_view",
    "mobile_security",
    "email_security",
    "gender_text",
    "birthday_text",
    "address_info",
    "add_time_text",
    "upd_time_text",
)

# What `{{user.<name>}}` may name in a declared endpoint's envelope (decision 9): every column,
# the request's token, and the computed fields.
TEMPLATE_USER_FIELDS: Final = (*EMPTY_USER.keys(), "token", *COMPUTED_USER_FIELDS)


# Each byte of a hash as one of the digits 1-9, for `bytes.translate`.
_DIGIT_OF_BYTE: Final = bytes(ord("123456789"[byte % 9]) for byte in range(256))


def number_code(user_id: int) -> str:
    """`8888` + random digits 1-9 + the id, 14 characters (`UserService.php:2902-2912`).

    ShopXO draws the digits at random once, at registration; here they come from a hash of the id,
    so a user has the same code in every answer, run and process (a scenario file that pins an
    id without a code gets this one)."""
    length = max(0, 10 - len(str(user_id)))  # at most 10: one 64-byte digest is plenty
    digits = hashlib.blake2b(f"number_code\x1f{user_id}".encode()).digest()[:length]
    return f"8888{digits.translate(_DIGIT_OF_BYTE).decode('ascii')}{user_id}"
