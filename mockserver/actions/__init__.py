"""Every route the mock models: (controller, action) -> function, read top to bottom.

The route facts (which routes exist, which outcomes each answers, which release lacks one) are
`contract.routes`; this table only names the function for each modelled route. Routes declared
in scenario files are answered by `declared.declared`; `lookup` says which function answers.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Final, Mapping

from ..context import Context
from ..contract import routes
from ..contract.routes import ActionKey
from ..params import Call
from . import base, center, declared, user
from .steps import Answer

Action = Callable[[Call, Context], Awaitable[Answer]]

ACTIONS: Final[Mapping[ActionKey, Action]] = {
    ("User", "appminiuserauth"): user.appminiuserauth,
    ("User", "appminiuserinfo"): user.appminiuserinfo,
    ("User", "tokenuserinfo"): user.tokenuserinfo,
    ("User", "onekeyusermobilebind"): user.onekeyusermobilebind,
    ("User", "appmobilebindverifysend"): user.appmobilebindverifysend,
    ("User", "appmobilebind"): user.appmobilebind,
    ("User", "userbasereg"): user.userbasereg,
    ("User", "center"): center.center,
    ("Base", "common"): base.common,
}


def lookup(key: ActionKey, ctx: Context) -> Action | None:
    """The function answering a route under this context's profile and scenarios."""
    if key in ctx.scenarios.actions and key not in ACTIONS:
        return declared.declared
    if not routes.modelled_in(key, ctx.profile.name):
        return None
    return ACTIONS.get(key)


def controller_exists(controller: str, ctx: Context) -> bool:
    return controller in routes.CONTROLLERS or any(c == controller for c, _ in ctx.scenarios.actions)
