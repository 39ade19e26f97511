"""`user/center` (§4.4) as data: each release's keys in wire order, where each value comes from,
whether the release asks for a login first, and what a new shop counts.

v6.9 (`S/app/api/controller/User.php:261-324`) answers anybody: without a user (no token, or one
it did not mint) the user's fields are empty and the counts 0. v2.2.2
(`S@v2.2.2/app/api/controller/User.php:721-767`) calls `IsLogin()` first, so a missing or unknown
token gets the escaped -400 (§2.3), and two keys carry other names (and the cart a count).
**[recorded]** Both answer `msg` `success` (`SystemBaseService::DataReturn`'s literal).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Mapping

from .messages import Text


@dataclass(frozen=True, slots=True)
class CenterShape:
    # The `data` keys in wire order; `sources` maps a key to the value behind it where the two
    # differ (the key is its own source otherwise). The sources are `actions.center.SOURCES`.
    fields: tuple[str, ...]
    sources: Mapping[str, str]
    requires_login: bool  # v2.2's `IsLogin()`: -400 without a user


_FIELDS: Final = (
    "integral", "avatar", "nickname", "username", "user_name_view", "user_order_status",
    "user_order_count", "user_goods_favor_count", "user_goods_browse_count",
)  # fmt: skip

CENTER: Final[Mapping[str, CenterShape]] = MappingProxyType(
    {
        "documented": CenterShape(
            fields=(*_FIELDS, "common_message_total", "navigation", "common_cart_total"),
            sources=MappingProxyType({"common_message_total": "message_total", "common_cart_total": "cart_count"}),
            requires_login=True,
        ),
        "current": CenterShape(
            fields=(*_FIELDS, "message_total", "navigation", "cart_total"),
            sources=MappingProxyType({}),
            requires_login=False,
        ),
    }
)

# `OrderService::OrderStatusStepTotal` with comments and after-sales: the order statuses 0-6, then
# 100 (to be evaluated) and 101 (refunds), each with its count (lang zh:959-969 / en:958-968;
# v2.2.2 the same Chinese names whatever the language).
ORDER_STATUSES: Final[tuple[tuple[int, Text], ...]] = (
    (0, Text("待确认", "To be confirmed")),
    (1, Text("待付款", "Pending payment")),
    (2, Text("待发货", "To be shipped")),
    (3, Text("待收货", "Goods to be received")),
    (4, Text("已完成", "Completed")),
    (5, Text("已取消", "Cancelled")),
    (6, Text("已关闭", "Closed")),
    (100, Text("待评价", "To be evaluated")),
    (101, Text("退款/售后", "Refund / after sales")),
)

# The cart of v6.9 **[recorded]**: without a user `UserGoodsCartTotal` answers its own literal
# (`S/app/service/GoodsCartService.php:594`); a user's empty cart is `GoodsCartTotal`'s row, its
# two sums in the query's order (`:559`). Both zeros are ints on the wire.
GUEST_CART: Final[Mapping[str, Any]] = MappingProxyType({"buy_number": 0, "total_price": 0})
EMPTY_CART: Final[Mapping[str, Any]] = MappingProxyType({"total_price": 0, "buy_number": 0})
EMPTY_CART_COUNT: Final = 0  # v2.2's `BuyService::UserCartTotal`: a count (an int)
NEW_SHOP_COUNT: Final = 0  # orders, favourites, views, unread messages of a shop nobody used yet
