"""`user/center` (§4.4): the user centre the client's 我的 page shows, for the token's own user.

The shape per release is `contract.center`; the values come from the user the token names (the
row the login stored, so the nickname, avatar and `user_name_view` are the login payload's) and
from a fresh shop: no orders, favourites, views or messages, an empty cart, the install's menu.
A `user/center` scenario answers instead when one applies.
"""

from __future__ import annotations

from typing import Any, Callable, Final, Mapping

from ..answers import Answer
from ..context import Context
from ..contract import center as c
from ..contract import messages as m
from ..contract import site
from ..params import Call
from ..rendering.envelope import Envelope
from ..rendering.view import View, avatar_url, user_name_view
from .declared import declared_answer
from .unmodelled import login_expired as expired

Row = Mapping[str, Any]
# A value of the answer from the token's user (None: a guest) and the request's view of it.
Source = Callable[[Row | None, View], Any]


def _integral(row: Row | None, view: View) -> int:
    """`IntegralService::UserIntegral`: an integer in both releases, whatever the column holds
    (recorded: v2.2.2's user/center answers `"integral":0` where its login payload, the row as
    read, carries the string `"0"`); 0 when empty."""
    value = row["integral"] if row else 0
    return int(value or 0)


def _text(column: str) -> Source:
    return lambda row, view: str(row[column]) if row else ""


def _order_status(row: Row | None, view: View) -> list[dict[str, Any]]:
    return [{"name": name.in_lang(view.lang), "status": status, "count": 0} for status, name in c.ORDER_STATUSES]


def _count(row: Row | None, view: View) -> int:
    return c.NEW_SHOP_COUNT


SOURCES: Final[Mapping[str, Source]] = {
    "integral": _integral,
    "avatar": lambda row, view: avatar_url(str(row["avatar"]), view) if row else "",
    "nickname": _text("nickname"),
    "username": _text("username"),
    "user_name_view": lambda row, view: user_name_view(row, view) if row else "",
    "user_order_status": _order_status,
    "user_order_count": _count,
    "user_goods_favor_count": _count,
    "user_goods_browse_count": _count,
    "message_total": _count,
    "navigation": lambda row, view: site.center_navigation(view.profile.name, view.base_url),
    "cart_total": lambda row, view: dict(c.EMPTY_CART if row else c.GUEST_CART),
    "cart_count": lambda row, view: c.EMPTY_CART_COUNT,
}


async def center(call: Call, ctx: Context) -> Answer:
    chosen = declared_answer(call, ctx)
    if chosen is not None:
        return chosen
    lang = ctx.lang(call)
    shape = c.CENTER[ctx.profile.name]
    found = ctx.state.accounts.for_token(call.text("token"))
    if found is None and shape.requires_login:
        return Answer(expired(call, ctx))
    row = found[1] if found else None
    view = View(ctx.profile, lang, call.base_url, call.client_type, call.system_type, 0)
    data = {key: SOURCES[shape.sources.get(key, key)](row, view) for key in shape.fields}
    return Answer(Envelope(m.SUCCESS_TEXT, m.SUCCESS, data))
