"""Stored user + profile -> the payloads of the contract (§3.3, §3.4). Pure.

A payload is built from the profile's field list: each key is read from a column (typed as the
profile types numbers) or computed from the row, the way `UserService::UserHandle` derives it.
"""

from __future__ import annotations

import time
from functools import cache
from types import MappingProxyType
from typing import Any, Callable, Final, Mapping, NamedTuple

from ..contract import messages as m
from ..contract.fields import INT_COLUMNS, TEMPLATE_USER_FIELDS
from ..contract.platforms import Platform
from ..contract.profiles import Profile
from ..contract.site import SHANGHAI
from ..people.fake_users import UserRow

_INT_COLUMNS: Final = frozenset(INT_COLUMNS)


class View(NamedTuple):
    """What a payload's computed fields depend on besides the stored row. A tuple: it keys the
    memo of rendered payloads on every answer, and tuples hash fast."""

    profile: Profile
    lang: str
    base_url: str  # the attachment host: the mock's own address
    platform: str
    system_type: str
    mandatory_bind_mobile: int


_SHANGHAI_OFFSET: Final = int(SHANGHAI.utcoffset(None).total_seconds())


def local_time(timestamp: int, pattern: str = "%Y-%m-%d %H:%M:%S") -> str:
    # gmtime of the shifted time: the same text as datetime in SHANGHAI, at a third of the cost.
    return time.strftime(pattern, time.gmtime(timestamp + _SHANGHAI_OFFSET))


def masked(value: str) -> str:
    """`mobile_security` / `email_security`: first 3 + `***` + last 3, `""` when empty."""
    return value[:3] + "***" + value[-3:] if value else ""


def avatar_url(avatar: str, view: View) -> str:
    if not avatar:
        return view.base_url + view.profile.default_avatar_path
    if avatar.startswith(("http://", "https://")):
        return avatar
    return view.base_url + "/" + avatar.lstrip("/")


def user_name_view(row: UserRow, view: View) -> str:
    """The first non-empty of the profile's candidates (`UserService::UserHandle`)."""
    candidates = {
        "username": row["username"],
        "nickname": row["nickname"],
        "mobile_security": masked(str(row["mobile"])),
        "email_security": masked(str(row["email"])),
    }
    return next((str(candidates[k]) for k in view.profile.user_name_view_order if candidates[k]), "")


_COMPUTED: Final[Mapping[str, Callable[[UserRow, View], Any]]] = {
    "system_type": lambda row, view: view.system_type,
    "platform": lambda row, view: view.platform,
    "avatar_url": lambda row, view: avatar_url(str(row["avatar"]), view),
    "birthday_date": lambda row, view: (
        local_time(int(row["birthday"]), "%Y-%m-%d") if row["birthday"] else ""
    ),
    "add_time_text": lambda row, view: local_time(int(row["add_time"])),
    "upd_time_text": lambda row, view: local_time(int(row["upd_time"])),
    "gender_text": lambda row, view: m.GENDER_TEXTS.get(int(row["gender"]), m.GENDER_TEXTS[0]).in_lang(
        view.lang
    ),
    "mobile_security": lambda row, view: masked(str(row["mobile"])),
    "email_security": lambda row, view: masked(str(row["email"])),
    "address_info": lambda row, view: "".join(
        str(row[k]) for k in ("province", "city", "county", "address")
    ),
    "user_name_view": user_name_view,
    "is_mandatory_bind_mobile": lambda row, view: view.mandatory_bind_mobile,
    "is_user_exist": lambda row, view: 1,
}


Getter = Callable[[UserRow, View], Any]
TOKEN: Final = "token"  # the one value that is neither the row's nor the view's: each answer's own


def _column(name: str, as_string: bool) -> Getter:
    if as_string:
        return lambda row, view: str(row[name])
    return lambda row, view: row[name]


@cache
def _plan(profile: Profile, omit: frozenset[str]) -> tuple[tuple[str, Getter | None], ...]:
    """Each payload key with the getter of its value (None: the token), worked out once per
    profile and omission."""
    plan: list[tuple[str, Getter | None]] = []
    for key in profile.user_fields:
        if key in omit:
            continue
        source = profile.field_sources.get(key, key)
        if source == TOKEN:
            plan.append((key, None))
            continue
        getter = _COMPUTED.get(source) or _column(source, profile.numbers_as_strings and source in _INT_COLUMNS)
        plan.append((key, getter))
    return tuple(plan)


# A computed field a template may name under a profile whose answer lacks it, by its source.
_TEMPLATE_SOURCES: Final = {"birthday_text": "birthday_date"}


@cache
def _field_getters(profile: Profile) -> Mapping[str, Getter | None]:
    """Each field `{{user.<name>}}` may name, with its getter under this profile (None: the
    token): the login answer's own where the profile's answer has the field, so a template shows
    what the login showed (`avatar` the full URL, `current`'s `birthday` the date); else the
    column, typed as the profile types numbers, or the computed value."""
    answered = dict(_plan(profile, frozenset()))
    getters: dict[str, Getter | None] = {}
    for name in TEMPLATE_USER_FIELDS:
        if name in answered or name == TOKEN:
            getters[name] = answered.get(name)
        elif name in _COMPUTED or name in _TEMPLATE_SOURCES:
            getters[name] = _COMPUTED[_TEMPLATE_SOURCES.get(name, name)]
        else:
            getters[name] = _column(name, profile.numbers_as_strings and name in _INT_COLUMNS)
    return MappingProxyType(getters)


def user_field(name: str, row: UserRow, view: View, token: str) -> Any:
    """One field of the user as this profile's answers show it (a name of
    `contract.fields.TEMPLATE_USER_FIELDS`; the loader refuses any other)."""
    get = _field_getters(view.profile)[name]
    return token if get is None else get(row, view)


def user_payload(row: UserRow, view: View, omit: frozenset[str], token: str) -> dict[str, Any]:
    """The user as `AppUserInfoHandle` answers it with this token, in the profile's field order,
    less `omit`."""
    return {key: token if get is None else get(row, view) for key, get in _plan(view.profile, omit)}


def unknown_user_stub(platform: Platform, ids: Mapping[str, str], has_unionid: bool) -> dict[str, Any]:
    """§3.4(a): `{"is_user_exist":0,"openid":…[,"unionid":…]}`."""
    stub: dict[str, Any] = {"is_user_exist": 0, "openid": ids[platform.openid_column]}
    if has_unionid:
        stub["unionid"] = ids.get(platform.unionid_column or "", "")
    return stub


def mandatory_bind_draft(
    platform: Platform, ids: Mapping[str, str], nickname: str, referrer: Any
) -> dict[str, Any]:
    """§3.4(b): the registration draft answered instead of a user while a mobile is required."""
    draft: dict[str, Any] = {
        platform.openid_column: ids[platform.openid_column],
        "nickname": nickname,
        "avatar": "",
        "gender": 0,
        "province": "",
        "city": "",
        "county": "",
        "mobile": "",
        "referrer": referrer,
    }
    if platform.unionid_column and ids.get(platform.unionid_column):
        draft[platform.unionid_column] = ids[platform.unionid_column]
    draft["is_mandatory_bind_mobile"] = 1
    return draft
