"""Every route the mock models: (controller, action) -> function, read top to bottom.

The route facts (which routes exist, which outcomes each answers, which release lacks one) are
`contract.routes`; this table only names the function for each modelled route. Routes declared
in scenario files are answered by `declared.declared`, the release's other routes by
`unmodelled`; `lookup` says which function answers.
"""

from __future__ import annotations

from typing import Final, Mapping

from ..answers import Action
from ..context import Context
from ..contract import routes
from ..contract.routes import ActionKey
from . import base, center, declared, personal, shop, unmodelled, user

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
    ("User", "onekeyusermobiledecrypt"): user.onekeyusermobiledecrypt,
    ("User", "appemailbindverifysend"): user.appemailbindverifysend,
    ("User", "appemailbind"): user.appemailbind,
    ("Personal", "save"): personal.save,
    ("Personal", "useravatarupload"): personal.useravatarupload,
    ("Index", "index"): shop.index,
    ("Cart", "index"): shop.cart,
    ("Useraddress", "index"): shop.useraddress,
    ("Order", "index"): shop.order,
    ("Usergoodsfavor", "index"): shop.usergoodsfavor,
    ("Usergoodsbrowse", "index"): shop.usergoodsbrowse,
    ("Message", "index"): shop.message,
}


def lookup(key: ActionKey, ctx: Context) -> Action | None:
    """The function answering a route under this context's profile and scenarios."""
    if key in ctx.scenarios.actions and key not in ACTIONS:
        return declared.declared
    if not routes.modelled_in(key, ctx.profile.name):
        if key in ctx.scenarios.actions:
            return declared.declared  # modelled for another profile, declared in a scenario file
        return unmodelled.action_for(key, ctx)  # None: no such route (-1000)
    return ACTIONS.get(key)
