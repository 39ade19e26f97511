"""The route table: every fact about ShopXO's API routes, in one place every other one reads.

A route is `(Controller, action)` as ThinkPHP names them (`routing.resolve`). The table says
which controllers the real API has (an unknown action on one of them answers 非法访问, an unknown
controller 控制器不存在: §1.1), which routes the mock models itself, which scenario outcomes each
can answer, and which release lacks one. `actions.ACTIONS` gives the function for each modelled
route; a test checks the two agree. Any other route a scenario file names is a declared
endpoint: it answers spelled-out envelopes, errors and faults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Mapping

ActionKey = tuple[str, str]  # (Controller, action), e.g. ("User", "appminiuserauth")

LOGIN: Final[ActionKey] = ("User", "appminiuserauth")

USER_OUTCOMES: Final = frozenset({"user", "fake_user", "new_user", "error", "fault"})
CONFIG_OUTCOMES: Final = frozenset({"config", "error", "fault"})
DECLARED_OUTCOMES: Final = frozenset({"envelope", "error", "fault"})


@dataclass(frozen=True, slots=True)
class RouteFacts:
    outcomes: frozenset[str]  # the outcome kinds its scenarios may use
    missing_in: frozenset[str] = frozenset()  # profiles (releases) that do not have it


# The routes the mock models itself.
MODELLED: Final[Mapping[ActionKey, RouteFacts]] = {
    LOGIN: RouteFacts(USER_OUTCOMES),
    ("User", "appminiuserinfo"): RouteFacts(USER_OUTCOMES),
    ("User", "tokenuserinfo"): RouteFacts(DECLARED_OUTCOMES, missing_in=frozenset({"documented"})),  # v2.2.3 (§7.1)
    ("User", "onekeyusermobilebind"): RouteFacts(USER_OUTCOMES),
    ("User", "appmobilebindverifysend"): RouteFacts(DECLARED_OUTCOMES),
    ("User", "appmobilebind"): RouteFacts(USER_OUTCOMES),
    ("User", "userbasereg"): RouteFacts(USER_OUTCOMES),
    ("User", "center"): RouteFacts(DECLARED_OUTCOMES),  # v2.2 requires a login, v6.9 not (§4.4)
    ("Base", "common"): RouteFacts(CONFIG_OUTCOMES),
}

# ShopXO's api app controllers (S/app/api/controller/).
CONTROLLERS: Final = frozenset(
    {
        "Base", "Buy", "Cart", "Common", "Goods", "Index", "Message", "Order", "Paylog",
        "Plugins", "Region", "Search", "User", "Useraddress", "Usergoodsbrowse",
        "Usergoodsfavor", "Userintegral", "Usernotice", "Ordersale", "Orderaftersale",
        "Answer", "Article", "Customview", "Design", "Diy", "Personal", "Safety", "Ueditor",
    }
)  # fmt: skip


def outcomes_for(action: ActionKey) -> frozenset[str]:
    """What a scenario for this route may answer: a modelled route's own kinds, else a declared one's."""
    facts = MODELLED.get(action)
    return facts.outcomes if facts else DECLARED_OUTCOMES


def modelled_in(action: ActionKey, profile: str) -> bool:
    """Does the mock answer this route itself under this profile?"""
    facts = MODELLED.get(action)
    return facts is not None and profile not in facts.missing_in
