"""Every endpoint the mock answers: (controller, action) -> function, read top to bottom.

Endpoints declared in scenario files (any other `controller/action`) are answered by
`declared.declared`; `lookup` says which function answers a route.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Final, Mapping

from ..answer import Answer
from ..context import Context
from ..params import Call
from . import base, declared, user

Action = Callable[[Call, Context], Awaitable[Answer]]
ActionKey = tuple[str, str]

ACTIONS: Final[Mapping[ActionKey, Action]] = {
    ("User", "appminiuserauth"): user.appminiuserauth,
    ("User", "appminiuserinfo"): user.appminiuserinfo,
    ("User", "tokenuserinfo"): user.tokenuserinfo,
    ("User", "onekeyusermobilebind"): user.onekeyusermobilebind,
    ("User", "appmobilebindverifysend"): user.appmobilebindverifysend,
    ("User", "appmobilebind"): user.appmobilebind,
    ("User", "userbasereg"): user.userbasereg,
    ("Base", "common"): base.common,
}

# ShopXO's api app controllers (S/app/api/controller/): an unknown action on one of these answers
# 非法访问(<action>), an unknown controller 控制器不存在(<name>).
CONTROLLERS: Final = frozenset(
    {
        "Base", "Buy", "Cart", "Common", "Goods", "Index", "Message", "Order", "Paylog",
        "Plugins", "Region", "Search", "User", "Useraddress", "Usergoodsbrowse",
        "Usergoodsfavor", "Userintegral", "Usernotice", "Ordersale", "Orderaftersale",
        "Answer", "Article", "Customview", "Design", "Diy", "Personal", "Safety", "Ueditor",
    }
)  # fmt: skip


def lookup(key: ActionKey, ctx: Context) -> Action | None:
    """The function answering a route under this context's profile and scenarios."""
    if key in ctx.scenarios.actions and key not in ACTIONS:
        return declared.declared
    if key in ctx.profile.missing_actions:
        return None
    return ACTIONS.get(key)


def controller_exists(controller: str, ctx: Context) -> bool:
    return controller in CONTROLLERS or any(c == controller for c, _ in ctx.scenarios.actions)
