"""`base/common` (§4.4): a fresh install's site configuration and the rest of its answer, per
profile, as data; and the server's time zone, in which it writes times and reads dates.

The fresh installs live in `data/<profile>.json`, as the two recorded installs answered them
(`SystemBaseService::Common`; v6.9: `S/app/service/SystemBaseService.php:45-257`), loaded once at
import. Two kinds of holes stand in them for what is not the install's own: `{host}` at the start
of a string is the site's root URL (on the mock, its own address, so every picture and agreement
link points at the mock), and `{text:KEY}` a text of ShopXO's language file, answered in the
request's language (`TEXTS`).

`config` is the admin settings: the server's are a fresh install's under the command line's
(`--config KEY=VALUE`), a `base/common` scenario's over those; the mock's own logic reads the
same values, so the configuration the client sees is the one the server acts on. One of them
closes the whole API (`CLOSURES`, §2.5).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta, timezone
from importlib import resources
from types import MappingProxyType
from typing import Any, Final, Mapping

from . import messages as m
from .messages import Text
from .profiles import PROFILES

# The server's zone, Asia/Shanghai, has been a fixed UTC+8 since 1992; a fixed offset spares the
# tzdata dependency and cannot drift.
SHANGHAI: Final = timezone(timedelta(hours=8))

MANDATORY_BIND_MOBILE: Final = "common_user_is_mandatory_bind_mobile"
REGISTER_AUDIT: Final = "common_register_is_enable_audit"
APP_STATE: Final = "home_site_app_state"  # v6.9: the client types the API is closed to
SITE_STATE: Final = "home_site_state"  # v2.2.2: 1 open, anything else closed to everybody
CLOSE_REASON: Final = "home_site_close_reason"  # what a closed API answers, untranslated

HOST: Final = "{host}"  # a string starting so is a URL on the site's own host
_TEXT_OPEN: Final = "{text:"

# The language-file texts the fresh installs' answers carry (v6.9's `site_info_data`, built by
# `ResourcesService::SiteInfoData` from `MyLang` keys; lang zh / en).
TEXTS: Final[Mapping[str, Text]] = MappingProxyType(
    {
        "form_base_data_title": Text("基础信息", "Base Info"),
        "address_title": Text("地址", "Address"),
        "intro_title": Text("简介", "Introduction"),
        "online_customer_title": Text("在线客服", "Online Customer"),
        "tel_title": Text("电话", "Telephone"),
        "email_title": Text("邮箱", "mailbox"),
        "platform_client_title": Text("平台客户端", "Platform client"),
    }
)


@dataclass(frozen=True, slots=True)
class FreshInstall:
    """What a just-installed ShopXO of one release answers, holes and all."""

    common: Mapping[str, Any]  # base/common's `data`, its `config` the install's own
    config: Mapping[str, Any]  # the admin settings (the same object as common["config"])
    config_by_client: Mapping[str, Mapping[str, Any]]  # keys only one client type gets, at the end
    center_navigation: tuple[Mapping[str, Any], ...]  # user/center's `navigation` (AppCenterNav)


def _load(profile: str) -> FreshInstall:
    text = resources.files(__package__).joinpath("data", f"{profile}.json").read_text(encoding="utf-8")
    document = json.loads(text)
    common = document["base_common"]
    return FreshInstall(
        common=MappingProxyType(common),
        config=MappingProxyType(common["config"]),
        config_by_client=MappingProxyType(document["config_by_client"]),
        center_navigation=tuple(document["center_navigation"]),
    )


FRESH: Final[Mapping[str, FreshInstall]] = MappingProxyType(
    {name: _load(name) for name in PROFILES}
)


def _pictures(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value[len(HOST) :]} if value.startswith(HOST + "/static/") else set()
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return set().union(*map(_pictures, value))
    return set()


def _image_paths(values: list[Any]) -> frozenset[str]:
    return frozenset(path for path in _pictures(values) if path.endswith((".png", ".jpg", ".jpeg", ".gif")))


# Every picture the fresh installs' answers link to on the site's own host (logos, menu icons,
# banners), `base/common`'s and `user/center`'s menu: the mock serves a placeholder at each
# (`contract.routes` lists them with their route), so a front-end offline shows no broken image.
COMMON_PICTURES: Final = _image_paths([fresh.common for fresh in FRESH.values()])
CENTER_PICTURES: Final = _image_paths([fresh.center_navigation for fresh in FRESH.values()])


@dataclass(frozen=True, slots=True)
class Closure:
    """How a release tells that its API is closed to a client (§2.5): the first thing every API
    controller checks (`Common::SiteStstusCheck`, in its constructor), so every route answers it."""

    setting: str
    by_client_type: bool  # the setting lists the client types closed to; else the site's state, open at 1
    fallback: Text  # the reason when `home_site_close_reason` is not set at all

    def shut(self, config: Mapping[str, Any]) -> bool:
        """Is the API closed to anybody? Usually not (the list empty, the state 1): asked first,
        it spares the request's client type being looked up at all."""
        value = config.get(self.setting)
        return bool(value) if self.by_client_type else not _php_equals_one(value)

    def closes(self, config: Mapping[str, Any], client_type: str) -> bool:
        if not self.by_client_type:
            return self.shut(config)
        # `in_array(APPLICATION_CLIENT_TYPE, $data)`: the client type as sent, case and all
        value = config.get(self.setting)
        return bool(value) and client_type in _listed(value)


CLOSURES: Final[Mapping[str, Closure]] = MappingProxyType(
    {
        # S/app/api/controller/Common.php:136-143: MyC('home_site_close_reason', MyLang('upgrading_tips'))
        "current": Closure(APP_STATE, True, m.SITE_CLOSED),
        # S@v2.2.2/app/api/controller/Common.php:124-130: MyC('home_site_state') != 1, '网站维护中...'
        "documented": Closure(SITE_STATE, False, m.SITE_CLOSED_V2),
    }
)


def close_reason(config: Mapping[str, Any], profile: str, lang: str) -> str:
    """What a closed API answers: the site's own reason as set, in every language. `MyC` gives
    the release's fallback only when the setting is unset; an empty reason answers DataReturn's
    操作失败 (§2.1), as any error with an empty message does."""
    reason = config.get(CLOSE_REASON)
    if reason is None:
        return CLOSURES[profile].fallback.in_lang(lang)
    text = str(reason)
    return text if text not in ("", "0") else m.OPERATE_FAIL.in_lang(lang)  # PHP's empty()


def _listed(value: Any) -> Any:
    """A list setting as ConfigService reads it: a list, or the database's comma-separated string."""
    if isinstance(value, str):
        return value.split(",")
    return value if isinstance(value, (list, tuple)) else ()


def _php_equals_one(value: Any) -> bool:
    """PHP 8's `$value == 1`: 1, true, 1.0, or a numeric string worth 1 (`"1"`, `" 1.0"`)."""
    if value == 1:
        return True
    if isinstance(value, str):
        try:
            return float(value.strip()) == 1
        except ValueError:
            return False
    return False


def server_config(profile: str, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """The admin settings the server starts with: the fresh install's under the command line's."""
    return MappingProxyType({**FRESH[profile].config, **settings})


def common_data(profile: str, config: Mapping[str, Any], *, client_type: str, base_url: str, lang: str) -> dict[str, Any]:
    """`data` of the `base/common` answer for this client, with these admin settings in force."""
    fresh = FRESH[profile]
    extra = fresh.config_by_client.get(client_type, {})
    data = dict(fresh.common)  # the keys in the install's order, `config` in its place
    data["config"] = {**config, **{key: value for key, value in extra.items() if key not in config}}
    filled: dict[str, Any] = fill(data, base_url, lang)
    return filled


def center_navigation(profile: str, base_url: str) -> list[Any]:
    """`navigation` of `user/center`: the fresh install's user-centre menu."""
    navigation: list[Any] = fill(list(FRESH[profile].center_navigation), base_url, "")
    return navigation


def fill(value: Any, base_url: str, lang: str) -> Any:
    """A copy of `value` with its holes filled: `{host}` by `base_url`, `{text:KEY}` in `lang`."""
    kind = type(value)
    if kind is str:
        if value.startswith(HOST):
            return base_url + value[len(HOST) :]
        if value.startswith(_TEXT_OPEN) and value.endswith("}") and value[len(_TEXT_OPEN) : -1] in TEXTS:
            return TEXTS[value[len(_TEXT_OPEN) : -1]].in_lang(lang)
        return value
    if kind is dict or (kind not in _SCALARS and isinstance(value, Mapping)):
        return {key: fill(item, base_url, lang) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [fill(item, base_url, lang) for item in value]
    return value


_SCALARS: Final = frozenset({int, float, bool, type(None)})
