"""The route table: every fact about ShopXO's API routes, in one place every other one reads.

A route is `(Controller, action)` as ThinkPHP names them (`routing.resolve`). The table says
which routes each profile's release has and which of them need a login (`CATALOGUES`, read from
ShopXO's source in `contract.api_catalogue`; an unknown action on a real controller answers
非法访问, an unknown controller 控制器不存在: §1.1), which routes the mock models itself, which
scenario outcomes each can answer, and which release lacks one. `actions.ACTIONS` gives the
function for each modelled route; a test checks the two agree. Any other route a scenario file
names is a declared endpoint: it answers spelled-out envelopes, errors and faults. A real route
the mock neither models nor finds declared answers -400 when it needs a login the request lacks,
else says the mock has no model of it (`actions.unmodelled`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Mapping, Sequence

from . import api_catalogue

ActionKey = tuple[str, str]  # (Controller, action), e.g. ("User", "appminiuserauth")

LOGIN: Final[ActionKey] = ("User", "appminiuserauth")

USER_OUTCOMES: Final = frozenset({"user", "fake_user", "new_user", "error", "fault"})
CONFIG_OUTCOMES: Final = frozenset({"config", "error", "fault"})
DECLARED_OUTCOMES: Final = frozenset({"envelope", "error", "fault"})


@dataclass(frozen=True, slots=True)
class RouteFacts:
    outcomes: frozenset[str]  # the outcome kinds its scenarios may use
    missing_in: frozenset[str] = frozenset()  # profiles (releases) that do not have it


V2_PROFILES: Final = frozenset({"documented"})  # the profiles of ShopXO v2.2.2


# The routes the mock models itself.
MODELLED: Final[Mapping[ActionKey, RouteFacts]] = {
    LOGIN: RouteFacts(USER_OUTCOMES),
    ("User", "appminiuserinfo"): RouteFacts(USER_OUTCOMES),
    ("User", "tokenuserinfo"): RouteFacts(DECLARED_OUTCOMES, missing_in=frozenset({"documented"})),  # v2.2.3 (§7.1)
    ("User", "onekeyusermobilebind"): RouteFacts(USER_OUTCOMES),
    ("User", "appmobilebindverifysend"): RouteFacts(DECLARED_OUTCOMES),
    ("User", "appmobilebind"): RouteFacts(USER_OUTCOMES),
    ("User", "userbasereg"): RouteFacts(USER_OUTCOMES, missing_in=V2_PROFILES),  # added after v2.2.2
    ("User", "center"): RouteFacts(DECLARED_OUTCOMES),  # v2.2 requires a login, v6.9 not (§4.4)
    ("Base", "common"): RouteFacts(CONFIG_OUTCOMES),
    # Around the login, v6.9 only (§4.3, §4.5): v2.2.2 has none of these routes.
    ("User", "onekeyusermobiledecrypt"): RouteFacts(DECLARED_OUTCOMES, missing_in=V2_PROFILES),
    ("User", "appemailbindverifysend"): RouteFacts(DECLARED_OUTCOMES, missing_in=V2_PROFILES),
    ("User", "appemailbind"): RouteFacts(DECLARED_OUTCOMES, missing_in=V2_PROFILES),
    ("Personal", "save"): RouteFacts(DECLARED_OUTCOMES, missing_in=V2_PROFILES),
    ("Personal", "useravatarupload"): RouteFacts(DECLARED_OUTCOMES, missing_in=V2_PROFILES),
    # The shop of a fresh v6.9 install (§4.6); v2.2.2 answers these in shapes of its own.
    ("Index", "index"): RouteFacts(DECLARED_OUTCOMES),
    ("Cart", "index"): RouteFacts(DECLARED_OUTCOMES),
    ("Useraddress", "index"): RouteFacts(DECLARED_OUTCOMES),
    ("Order", "index"): RouteFacts(DECLARED_OUTCOMES),
    ("Usergoodsfavor", "index"): RouteFacts(DECLARED_OUTCOMES),
    ("Usergoodsbrowse", "index"): RouteFacts(DECLARED_OUTCOMES),
    ("Message", "index"): RouteFacts(DECLARED_OUTCOMES),
}


@dataclass(frozen=True, slots=True)
class Catalogue:
    """One release's API routes (`contract.api_catalogue`), ready to look up."""

    routes: Mapping[ActionKey, bool]  # every route it has -> does it need a login
    guarded: Mapping[str, frozenset[str]]  # controllers checking the login before any action -> actions exempt
    controllers: frozenset[str]

    def checks_login_first(self, action: ActionKey) -> bool:
        """Does the controller's constructor check the login before this action, a missing one included?"""
        exempt = self.guarded.get(action[0])
        return exempt is not None and action[1] not in exempt


def catalogue(controllers: Sequence[api_catalogue.Controller]) -> Catalogue:
    """The lookups of one release's controllers: route -> needs a login, the guarded controllers."""
    routes: dict[ActionKey, bool] = {}
    guarded: dict[str, frozenset[str]] = {}
    for controller in controllers:
        exempt = frozenset(action.lower() for action in controller.exempt)
        if controller.guarded:
            guarded[controller.name] = exempt
        for action in controller.actions:
            key = (controller.name, action.lower())
            routes[key] = (controller.guarded and key[1] not in exempt) or action in controller.login
    names = frozenset(controller.name for controller in controllers)
    return Catalogue(MappingProxyType(routes), MappingProxyType(guarded), names)


# Each profile's release: `documented` is ShopXO v2.2.2, `current` v6.9.0 (decision 1).
CATALOGUES: Final[Mapping[str, Catalogue]] = MappingProxyType(
    {"documented": catalogue(api_catalogue.V2_2_2), "current": catalogue(api_catalogue.V6_9)}
)

# Every controller some release has (S/app/api/controller/, S@v2.2.2/app/api/controller/).
CONTROLLERS: Final = frozenset[str]().union(*(release.controllers for release in CATALOGUES.values()))


def outcomes_for(action: ActionKey) -> frozenset[str]:
    """What a scenario for this route may answer: a modelled route's own kinds, else a declared one's."""
    facts = MODELLED.get(action)
    return facts.outcomes if facts else DECLARED_OUTCOMES


def modelled_in(action: ActionKey, profile: str) -> bool:
    """Does the mock answer this route itself under this profile?"""
    facts = MODELLED.get(action)
    return facts is not None and profile not in facts.missing_in
