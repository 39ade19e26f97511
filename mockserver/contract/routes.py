"""The route table: every fact about ShopXO's API routes, in one place every other one reads.

A route is `(Controller, action)` as ThinkPHP names them (`routing.resolve`). The table says
which routes each profile's release has and which of them need a login (`CATALOGUES`, read from
ShopXO's source in `contract.api_catalogue`; an unknown action on a real controller answers
非法访问, an unknown controller 控制器不存在: §1.1) and, one registration per route (`ROUTES`),
which routes the mock models itself: the function answering each, the scenario outcomes it can
answer, the release that lacks it, whether it stands in for a shop, the pictures its answers link
to. `actions.ACTIONS`, `STAND_IN_SHOP` and `PICTURES` are read off that registration. The
registration lives here, in the contract's data, rather than beside the functions in `actions/`,
because the scenario loader and the upstream policy read the outcomes and the stand-ins without
the actions, and the actions import the scenarios: code may read data, never the other way round.
Adding a modelled route touches its registration here, its action and its data.

Any other route a scenario file names is a declared endpoint: it answers spelled-out envelopes,
errors and faults. A real route the mock neither models nor finds declared answers -400 when it
needs a login the request lacks, else says the mock has no model of it (`actions.unmodelled`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Mapping, Sequence

from . import api_catalogue, home, shop, site

ActionKey = tuple[str, str]  # (Controller, action), e.g. ("User", "appminiuserauth")

LOGIN: Final[ActionKey] = ("User", "appminiuserauth")

USER_OUTCOMES: Final = frozenset({"user", "fake_user", "new_user", "error", "fault"})
CONFIG_OUTCOMES: Final = frozenset({"config", "error", "fault"})
DECLARED_OUTCOMES: Final = frozenset({"envelope", "error", "fault"})
V2_PROFILES: Final = frozenset({"documented"})  # the profiles of ShopXO v2.2.2


@dataclass(frozen=True, slots=True)
class ModelledRoute:
    """One route the mock models, registered once: every other view of it (`MODELLED`,
    `actions.ACTIONS`, `STAND_IN_SHOP`, `PICTURES`) is derived from this table."""

    key: ActionKey
    # The function answering it, as "module.function" under `mockserver.actions/`: a name, not the
    # function, so this data imports no code (the actions import it); `actions` resolves every
    # name once at import and fails there on one that names nothing.
    action: str
    outcomes: frozenset[str]  # the outcome kinds its scenarios may use
    missing_in: frozenset[str] = frozenset()  # profiles (releases) that do not have it
    # A stand-in for a shop (a fresh install's answer): under `--forward unmodelled` a real shop
    # behind the mock answers it instead (`upstream.policy`).
    stands_in_for_shop: bool = False
    pictures: frozenset[str] = frozenset()  # paths its answers link to: the mock serves a placeholder at each


def _shop(key: ActionKey, action: str, pictures: frozenset[str] = frozenset()) -> ModelledRoute:
    """A route of the shop a fresh v6.9 install answers (§4.6); v2.2.2 answers in shapes of its
    own (`contract.shop.RECORDED`)."""
    name = f"{key[0]}/{key[1]}".lower()
    return ModelledRoute(key, action, DECLARED_OUTCOMES, stands_in_for_shop=True,
                         pictures=pictures | shop.recorded_pictures(name))  # fmt: skip


# The routes the mock models itself, one registration each.
ROUTES: Final[tuple[ModelledRoute, ...]] = (
    ModelledRoute(LOGIN, "user.appminiuserauth", USER_OUTCOMES),
    ModelledRoute(("User", "appminiuserinfo"), "user.appminiuserinfo", USER_OUTCOMES),
    ModelledRoute(("User", "tokenuserinfo"), "user.tokenuserinfo", DECLARED_OUTCOMES,
                  missing_in=frozenset({"documented"})),  # v2.2.3 (§7.1)
    ModelledRoute(("User", "onekeyusermobilebind"), "binding.onekeyusermobilebind", USER_OUTCOMES),
    ModelledRoute(("User", "appmobilebindverifysend"), "binding.appmobilebindverifysend", DECLARED_OUTCOMES),
    ModelledRoute(("User", "appmobilebind"), "binding.appmobilebind", USER_OUTCOMES),
    ModelledRoute(("User", "userbasereg"), "user.userbasereg", USER_OUTCOMES,
                  missing_in=V2_PROFILES),  # added after v2.2.2
    ModelledRoute(("User", "center"), "center.center", DECLARED_OUTCOMES,
                  pictures=site.CENTER_PICTURES),  # v2.2 requires a login, v6.9 not (§4.4)
    ModelledRoute(("Base", "common"), "base.common", CONFIG_OUTCOMES, pictures=site.COMMON_PICTURES),
    # Around the login, v6.9 only (§4.3, §4.5): v2.2.2 has none of these routes.
    ModelledRoute(("User", "onekeyusermobiledecrypt"), "binding.onekeyusermobiledecrypt", DECLARED_OUTCOMES,
                  missing_in=V2_PROFILES),
    ModelledRoute(("User", "appemailbindverifysend"), "binding.appemailbindverifysend", DECLARED_OUTCOMES,
                  missing_in=V2_PROFILES),
    ModelledRoute(("User", "appemailbind"), "binding.appemailbind", DECLARED_OUTCOMES, missing_in=V2_PROFILES),
    ModelledRoute(("Personal", "save"), "personal.save", DECLARED_OUTCOMES, missing_in=V2_PROFILES),
    ModelledRoute(("Personal", "useravatarupload"), "personal.useravatarupload", DECLARED_OUTCOMES,
                  missing_in=V2_PROFILES),
    # The shop of a fresh v6.9 install (§4.6).
    _shop(("Index", "index"), "shop.index", pictures=home.PICTURES),
    _shop(("Cart", "index"), "shop.cart"),
    _shop(("Useraddress", "index"), "shop.useraddress"),
    _shop(("Order", "index"), "shop.order"),
    _shop(("Usergoodsfavor", "index"), "shop.usergoodsfavor"),
    _shop(("Usergoodsbrowse", "index"), "shop.usergoodsbrowse"),
    _shop(("Message", "index"), "shop.message"),
)  # fmt: skip

# The views the rest of the mock reads, derived from `ROUTES`.
MODELLED: Final[Mapping[ActionKey, ModelledRoute]] = {route.key: route for route in ROUTES}  # a dict: read per request
# What a real shop behind the mock answers better under `--forward unmodelled` (`upstream.policy`).
STAND_IN_SHOP: Final = frozenset(route.key for route in ROUTES if route.stands_in_for_shop)
# Every picture a modelled answer links to (`web.images` serves a placeholder at each).
PICTURES: Final = frozenset[str]().union(*(route.pictures for route in ROUTES))


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


def outcomes_for(action: ActionKey) -> frozenset[str]:
    """What a scenario for this route may answer: a modelled route's own kinds, else a declared one's."""
    facts = MODELLED.get(action)
    return facts.outcomes if facts else DECLARED_OUTCOMES


def modelled_in(action: ActionKey, profile: str) -> bool:
    """Does the mock answer this route itself under this profile?"""
    facts = MODELLED.get(action)
    return facts is not None and profile not in facts.missing_in
