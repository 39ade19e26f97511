"""The shop around the login, as a fresh ShopXO install answers a new user (§4.6): the home tab
(`index/index`), the cart, the addresses, and the order, favourite, browse and message lists.
Built for v6.9; for a release whose answers were recorded (`contract.shop.RECORDED`: v2.2.2),
those.

The lists need a login the way their controllers check it (`Common::IsLogin()` in the
constructor: the -400 first); `index/index` needs none and shows a guest's cart total. Then a
scenario for the route may answer (an envelope, an error, a fault); otherwise the install's
answer, empty for a user the mock minted a token for.
"""

from __future__ import annotations

from typing import Any, Callable

from ..answers import Action, Answer
from ..context import Context
from ..contract import home, shop
from ..contract import messages as m
from ..params import Call, is_empty
from ..rendering.envelope import Envelope
from .declared import declared_answer
from .unmodelled import not_logged_in


async def index(call: Call, ctx: Context) -> Answer:
    """`Index::Index`: the home tab (no login needed; a user's cart total differs from a guest's)."""
    chosen = declared_answer(call, ctx)
    if chosen is not None:
        return chosen
    data = shop.recorded_data(ctx.profile.name, call.route.name, call.base_url)
    if data is None:
        logged_in = ctx.state.accounts.for_token(call.text("token")) is not None
        data = home.home_data(call.base_url, call.client_type, call.public["application"], ctx.lang(call), logged_in)
    return Answer(Envelope(m.SUCCESS_TEXT, m.SUCCESS, data))


def _logged_in_list(make: Callable[[Call], dict[str, Any]]) -> Action:
    """An action of a controller that checks the login first, answering `make(call)`."""

    async def action(call: Call, ctx: Context) -> Answer:
        expired = not_logged_in(call, ctx)
        if expired is not None:
            return Answer(expired)
        chosen = declared_answer(call, ctx)
        if chosen is not None:
            return chosen
        data = shop.recorded_data(ctx.profile.name, call.route.name, call.base_url)
        return Answer(Envelope(m.SUCCESS_TEXT, m.SUCCESS, make(call) if data is None else data))

    return action


def _payment_id(call: Call) -> Any:
    value = call.params.get("payment_id")
    return None if is_empty(value) else value


cart = _logged_in_list(lambda call: shop.cart_index())
useraddress = _logged_in_list(lambda call: shop.address_list())
order = _logged_in_list(lambda call: shop.order_list(call.client_type, _payment_id(call)))
usergoodsfavor = _logged_in_list(lambda call: shop.page())
usergoodsbrowse = _logged_in_list(lambda call: shop.page())
message = _logged_in_list(lambda call: shop.page())
