"""The lists a new user of a fresh ShopXO install sees, in ShopXO's shapes (§4.6).

For v6.9 (`current`) they are built below. For v2.2.2 (`documented`) they are what a fresh v2.2.2
install answered a new WeChat user (`data/shop_v2.2.2.json`, from tests/golden/recorded-v2.2.2),
its attachment host written `{host}`: `RECORDED` is the table of them by profile.

Each is `SystemBaseService::DataReturn($result)`: msg `success`, code 0 (`contract.messages`). A
count is an int (`COUNT(*)`), `page_total` is `ceil(0 / page_size)`, a float json_encode writes
as 0. `cart/index` is as recorded (`cart_index_ok.http`).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final, Mapping

from .home import cart_total

_V2: Final[Mapping[str, Any]] = json.loads(
    resources.files(__package__).joinpath("data", "shop_v2.2.2.json").read_text(encoding="utf-8")
)["answers"]
# Profile -> route name (e.g. "cart/index") -> the recorded `data`, `{host}` for the attachment host.
RECORDED: Final[Mapping[str, Mapping[str, Any]]] = MappingProxyType({"documented": _V2})
_HOSTED_PICTURE: Final = re.compile(r"\{host\}(/static/[^\"'\s]+)")


def recorded_pictures(route: str) -> frozenset[str]:
    """Every picture the recorded answers of this route (e.g. "index/index") link to under the
    host: the mock serves a placeholder at each (`contract.routes` lists them with their route)."""
    return frozenset(
        path
        for answers in RECORDED.values()
        if route in answers
        for path in _HOSTED_PICTURE.findall(json.dumps(answers[route], ensure_ascii=False))
    )


@lru_cache(maxsize=64)
def _recorded_text(profile: str, route: str, host: str) -> str | None:
    answer = RECORDED.get(profile, {}).get(route)
    if answer is None:
        return None
    # The host goes in as JSON text: a `"` or `\` in it stays a string.
    return json.dumps(answer, ensure_ascii=False).replace("{host}", json.dumps(host)[1:-1])


def recorded_data(profile: str, route: str, host: str) -> Any | None:
    """What the profile's release answered for this route, on this host; None: not recorded."""
    text = _recorded_text(profile, route, host)
    return None if text is None else json.loads(text)

# `common_default_payment` of the install (`config/shopxo.sql`, config row 255): the payment each
# client type opens with. No payment method is installed, so a named one is not found (null).
DEFAULT_PAYMENT: Final[Mapping[str, str]] = MappingProxyType(
    {
        "pc": "Lakala",
        "h5": "Alipay",
        "ios": "Lakala",
        "android": "",
        "weixin": "CashPayment",
        "alipay": "",
        "baidu": "",
        "toutiao": "CashPayment",
        "qq": "",
        "kuaishou": "Kuaishou",
    }
)


def cart_index() -> dict[str, Any]:
    """`Cart::Index`: the cart total, then its (empty) goods (`cart_index_ok.http`)."""
    return {**cart_total(logged_in=True), "data": []}


def address_list() -> dict[str, Any]:
    """`Useraddress::Index`."""
    return {"data": []}


def page() -> dict[str, Any]:
    """`Usergoodsfavor::Index`, `Usergoodsbrowse::Index`, `Message::Index`: the first page of nothing."""
    return {"total": 0, "page_total": 0, "data": []}


def order_list(client_type: str, payment_id: Any = None) -> dict[str, Any]:
    """`Order::Index`: no orders, no payment methods (none is installed), and
    `PaymentService::BuyDefaultPayment`: the `payment_id` asked for (None: none, or an empty one)
    as it came, else the client type's default looked up (null: not installed), else 0."""
    default: Any = payment_id if payment_id is not None else (None if DEFAULT_PAYMENT.get(client_type) else 0)
    return {**page(), "payment_list": [], "default_payment_id": default}
