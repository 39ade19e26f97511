"""Every route the mock models: (controller, action) -> function, read top to bottom.

The route facts (which routes exist, which outcomes each answers, which release lacks one) are
`contract.routes`; this table only names the function for each modelled route. Routes declared
in scenario files are answered by `declared.declared`, the release's other routes by
`catalogue`; `lookup` says which function answers.
"""

from __future__ import annotations

from typing import Final, Mapping

from ..context import Context
from ..contract import routes
from ..contract.routes import ActionKey
from . import base, catalogue, center, declared, user
from .steps import Action

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
        return catalogue.action_for(key, ctx)  # None: no such route (-1000)
    return ACTIONS.get(key)
