"""The lists a new user of a fresh ShopXO v6.9 install sees, in ShopXO's shapes (§4.6).

Each is `SystemBaseService::DataReturn($result)`: msg `success`, code 0 (`contract.messages`). A
count is an int (`COUNT(*)`), `page_total` is `ceil(0 / page_size)`, a float json_encode writes
as 0. `cart/index` is as recorded (`cart_index_ok.http`).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Final, Mapping

from .home import cart_total

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
