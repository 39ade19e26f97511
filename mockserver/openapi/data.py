"""The `data` of each modelled route's success, as JSON Schema (2020-12), per release.

Each schema is read off the contract data the server answers from, not written beside it: the
user payload from the profile's field list and the column types (`contract.fields`,
`contract.profiles`: under `documented` every integer column is a string, §2.4), `user/center`
from `contract.center`, `base/common` and the shop from the fresh install's data the actions
answer (`contract.site`, `contract.shop`, `contract.home`). Where a shape is that data's, only
its top-level keys and their JSON types are held to it: deeper values are the site's own
(settings a scenario may change, goods, menus) and stay open, said in their description.

A route whose answer this module has no shape for gets an open schema that says so (`UNTYPED`),
rather than one made up; `tests/test_openapi.py` holds that no route is left so.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Final, Mapping

from ..contract import center as c
from ..contract import home, shop, site
from ..contract.fields import INT_COLUMNS
from ..contract.profiles import Profile
from ..contract.routes import ModelledRoute

Schema = dict[str, Any]

HOST: Final = "http://127.0.0.1:8080"  # the samples' URLs are not part of their shape: any address will do
_INTS: Final = frozenset(INT_COLUMNS)
# Computed fields (`rendering.view`) that are numbers: flags the answer sets, never a column.
_INT_FLAGS: Final = frozenset({"is_mandatory_bind_mobile", "is_user_exist"})
# Keys the payload leaves out for some purposes (`actions.login`: the user-info and binding
# answers drop `is_user_exist`, tokenuserinfo both): present in the login's own answer.
_OPTIONAL: Final = _INT_FLAGS


def json_type(value: Any) -> Schema:
    """The JSON type of a sample value (bool before int: Python's bool is an int)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array"}
    if isinstance(value, dict):
        return {"type": "object", "additionalProperties": True}
    return {"type": "null"}


def top_level(sample: Any, what: str) -> Schema:
    """A fresh install's answer, held to its top-level keys and their types; deeper, open."""
    schema = json_type(sample)
    if isinstance(sample, dict):
        schema["properties"] = {key: json_type(value) for key, value in sample.items()}
        schema["required"] = list(sample)
    schema["description"] = (
        f"{what}: the top-level keys and their types as a fresh install answers; "
        "their contents are the site's own and open here"
    )
    return schema


def column_type(profile: Profile, source: str) -> Schema:
    """A payload field's type from the column or computed value behind it (`rendering.view`)."""
    if source in _INTS:
        return {"type": "string", "pattern": "^-?[0-9]+$"} if profile.numbers_as_strings else {"type": "integer"}
    if source in _INT_FLAGS:
        return {"type": "integer", "enum": [0, 1]}
    return {"type": "string"}  # string columns, the token, and every computed text


def user(profile: Profile) -> Schema:
    """The user as `AppUserInfoHandle` answers it (§3.3, §7.2), keys in the profile's order."""
    fields = profile.user_fields
    properties = {key: column_type(profile, profile.field_sources.get(key, key)) for key in fields}
    return {
        "type": "object",
        "description": f"the logged-in user, {len(fields)} keys in this order"
        + (" (integer columns as strings: PHP < 8.1)" if profile.numbers_as_strings else ""),
        "properties": properties,
        "required": [key for key in fields if key not in _OPTIONAL],
        "additionalProperties": False,
    }


STUB: Final[Schema] = {
    "type": "object",
    "description": "§3.4(a): the platform knows the code but no user has its openid yet",
    "properties": {
        "is_user_exist": {"const": 0},
        "openid": {"type": "string"},
        "unionid": {"type": "string"},
    },
    "required": ["is_user_exist", "openid"],
    "additionalProperties": False,
}

# §3.4(b): the registration draft while the site requires a mobile (`rendering.view`); its id
# columns are the platform's own, so their names are open.
DRAFT: Final[Schema] = {
    "type": "object",
    "description": "§3.4(b): the registration draft answered while the site requires a mobile; "
    "beside these keys, the platform's openid (and unionid) column",
    "properties": {
        "nickname": {"type": "string"},
        "avatar": {"type": "string"},
        "gender": {"type": "integer"},
        "province": {"type": "string"},
        "city": {"type": "string"},
        "county": {"type": "string"},
        "mobile": {"type": "string"},
        "referrer": {"description": "the request's referrer, verbatim"},
        "is_mandatory_bind_mobile": {"const": 1},
    },
    "required": ["nickname", "is_mandatory_bind_mobile"],
    "additionalProperties": {"type": "string"},
}


# Shared by several routes' data: `spec` puts them in the document's components once.
SHARED: Final[Mapping[str, Callable[[Profile], Schema]]] = MappingProxyType(
    {"User": user, "UnknownUser": lambda profile: STUB, "RegistrationDraft": lambda profile: DRAFT}
)


def _shared(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def login(profile: Profile) -> Schema:
    """A login-type answer: the user, or the stub of an unknown one, or the draft of a new one."""
    return {"anyOf": [_shared("User"), _shared("UnknownUser"), _shared("RegistrationDraft")]}


def logged_in(profile: Profile) -> Schema:
    return _shared("User")


_ORDER_STATUS: Final[Schema] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "status": {"enum": [status for status, _ in c.ORDER_STATUSES]},
            "count": {"type": "integer"},
        },
        "required": ["name", "status", "count"],
    },
}


def _center_sources(profile: Profile) -> Mapping[str, Schema]:
    """The type of each value `actions.center.SOURCES` answers."""
    integral: Schema = {"type": "integer"}
    if profile.numbers_as_strings:
        integral = {"type": ["string", "integer"], "description": "the column as a string; 0 (an integer) when empty"}
    cart = {"type": "object", "properties": {key: {"type": "integer"} for key in c.EMPTY_CART}}
    text: Schema = {"type": "string"}
    count: Schema = {"type": "integer"}
    return {
        "integral": integral,
        "avatar": text,
        "nickname": text,
        "username": text,
        "user_name_view": text,
        "user_order_status": _ORDER_STATUS,
        "user_order_count": count,
        "user_goods_favor_count": count,
        "user_goods_browse_count": count,
        "message_total": count,
        "navigation": top_level(site.center_navigation(profile.name, HOST), "the install's user-centre menu"),
        "cart_total": cart,
        "cart_count": count,
    }


def center(profile: Profile) -> Schema:
    shape = c.CENTER[profile.name]
    sources = _center_sources(profile)
    return {
        "type": "object",
        "description": "the user centre (§4.4)" + (": a login is required" if shape.requires_login else ": a guest's has empty fields"),
        "properties": {key: sources[shape.sources.get(key, key)] for key in shape.fields},
        "required": list(shape.fields),
        "additionalProperties": False,
    }


def common(profile: Profile) -> Schema:
    sample = site.common_data(profile.name, site.FRESH[profile.name].config, client_type="weixin", base_url=HOST, lang="zh")
    return top_level(sample, "the site's configuration the client reads at launch (§4.4)")


# v6.9's builders of the shop (`actions.shop`), for a release without recorded answers.
_SHOP_BUILDERS: Final[Mapping[str, Callable[[], Any]]] = MappingProxyType(
    {
        "index/index": lambda: home.home_data(HOST, "weixin", "app", "zh", False),
        "cart/index": shop.cart_index,
        "useraddress/index": shop.address_list,
        "order/index": lambda: shop.order_list("weixin"),
        "usergoodsfavor/index": shop.page,
        "usergoodsbrowse/index": shop.page,
        "message/index": shop.page,
    }
)


def shop_page(route: str, profile: Profile) -> Schema | None:
    """A shop route's page as the action answers it: the release's recorded answer, else v6.9's."""
    sample = shop.recorded_data(profile.name, route, HOST)
    if sample is None and route in _SHOP_BUILDERS:
        sample = _SHOP_BUILDERS[route]()
    return None if sample is None else top_level(sample, f"{route} of a fresh install (§4.6)")


def _fixed(schema: Schema) -> Callable[[Profile], Schema]:
    return lambda profile: schema


_TEXT_DATA: Final[Schema] = {"type": "string", "description": "an empty string"}

# The success `data` of each modelled route, by its action (`contract.routes.ModelledRoute.action`).
SHAPES: Final[Mapping[str, Callable[[Profile], Schema]]] = MappingProxyType(
    {
        "user.appminiuserauth": login,
        "user.appminiuserinfo": login,
        "user.userbasereg": login,
        "binding.onekeyusermobilebind": login,
        "binding.appmobilebind": login,
        "user.tokenuserinfo": logged_in,
        "binding.appemailbind": logged_in,
        "personal.save": logged_in,
        "binding.appmobilebindverifysend": _fixed(_TEXT_DATA),
        "binding.appemailbindverifysend": _fixed(_TEXT_DATA),
        "binding.onekeyusermobiledecrypt": _fixed({"type": "string", "description": "the decrypted mobile number"}),
        "personal.useravatarupload": _fixed({"type": "string", "description": "the uploaded picture's URL"}),
        "center.center": center,
        "base.common": common,
    }
)  # fmt: skip


UNTYPED: Final = "not typed in this document: any JSON value"


def success_data(route: ModelledRoute, profile: Profile) -> Schema:
    """The success `data` of a modelled route, or an open schema saying it is untyped."""
    shape = SHAPES.get(route.action)
    if shape is not None:
        return shape(profile)
    if route.stands_in_for_shop:
        page = shop_page(f"{route.key[0]}/{route.key[1]}".lower(), profile)
        if page is not None:
            return page
    return {"description": UNTYPED}
