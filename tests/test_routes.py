"""The route table is the one source of route facts: everything else agrees with it."""

from __future__ import annotations

import inspect

import pytest

from mockserver.actions import ACTIONS, function_of
from mockserver.contract import api_catalogue, home, routes, shop, site
from mockserver.contract.profiles import PROFILES
from mockserver.routing import resolve


def test_every_registration_names_an_async_function_of_the_actions() -> None:
    for route in routes.ROUTES:
        function = ACTIONS[route.key]
        assert inspect.iscoroutinefunction(function), route
        assert function.__module__ == f"mockserver.actions.{route.action.rpartition('.')[0]}", route


@pytest.mark.parametrize("action", ["shop.nothing", "nowhere.index", "index"])
def test_a_registration_naming_no_function_fails_at_load_saying_which(action: str) -> None:
    route = routes.ModelledRoute(("Index", "index"), action, routes.DECLARED_OUTCOMES)
    with pytest.raises(ImportError, match=f"registers \\('Index', 'index'\\) to '{action}'"):
        function_of(route)


def test_each_route_is_registered_once() -> None:
    assert len(routes.MODELLED) == len(routes.ROUTES)


def test_the_pictures_served_are_those_of_the_fresh_installs_answers() -> None:
    assert site.COMMON_PICTURES | site.CENTER_PICTURES | home.PICTURES <= routes.PICTURES
    assert routes.MODELLED[("Index", "index")].pictures >= shop.recorded_pictures("index/index") != frozenset()


def test_a_route_missing_in_a_release_names_a_real_profile() -> None:
    named = {profile for facts in routes.MODELLED.values() for profile in facts.missing_in}
    assert named <= set(PROFILES)


def test_every_modelled_route_is_on_a_real_controller_and_resolves_to_itself() -> None:
    controllers = {name for release in routes.CATALOGUES.values() for name in release.controllers}
    for controller, action in routes.MODELLED:
        assert controller in controllers
        assert resolve(f"{controller}/{action}".lower()).key == (controller, action)


def test_tokenuserinfo_is_modelled_only_where_the_release_has_it() -> None:
    key = ("User", "tokenuserinfo")
    assert (routes.modelled_in(key, "current"), routes.modelled_in(key, "documented")) == (True, False)


def test_a_declared_route_answers_the_declared_outcome_kinds() -> None:
    assert routes.outcomes_for(("Cart", "index")) == routes.DECLARED_OUTCOMES
    assert routes.outcomes_for(routes.LOGIN) == routes.USER_OUTCOMES


# -- the catalogue: each profile's release, read from ShopXO's source (contract.api_catalogue) --

# (controllers, routes, routes needing a login): a changed count is a changed reading of the source.
SIZES = {"current": (36, 144, 47), "documented": (27, 93, 37)}

# Modelled in a profile whose release lacks the route: none (v2.2.2's User.php has no
# UserBaseReg, and the mock no longer answers it under `documented`).
NOT_IN_THE_RELEASE: set[tuple[tuple[str, str], str]] = set()


def test_each_profile_has_its_release() -> None:
    assert set(routes.CATALOGUES) == set(PROFILES)


@pytest.mark.parametrize("profile", PROFILES)
def test_the_release_keeps_its_size(profile: str) -> None:
    release = routes.CATALOGUES[profile]
    assert (len(release.controllers), len(release.routes), sum(release.routes.values())) == SIZES[profile]


@pytest.mark.parametrize("table", [api_catalogue.V6_9, api_catalogue.V2_2_2], ids=["v6.9", "v2.2.2"])
def test_every_catalogue_route_resolves_to_itself_and_its_login_lists_name_actions(table: tuple[api_catalogue.Controller, ...]) -> None:
    assert len({controller.name for controller in table}) == len(table)
    for controller in table:
        assert resolve(f"{controller.name.lower()}/x").controller == controller.name
        assert set(controller.exempt) | set(controller.login) <= set(controller.actions)
        assert not controller.exempt or controller.guarded
        for action in controller.actions:
            assert resolve(f"{controller.name}/{action}".lower()).key == (controller.name, action.lower())


@pytest.mark.parametrize("profile", PROFILES)
def test_a_modelled_route_is_one_of_its_release(profile: str) -> None:
    release = routes.CATALOGUES[profile]
    modelled = {key for key in routes.MODELLED if routes.modelled_in(key, profile)}
    assert {(key, profile) for key in modelled - set(release.routes)} == {
        gap for gap in NOT_IN_THE_RELEASE if gap[1] == profile
    }
    missing = {key for key, facts in routes.MODELLED.items() if profile in facts.missing_in}
    assert not missing & set(release.routes)


@pytest.mark.parametrize(
    ("profile", "route", "needs_login"),
    [
        pytest.param("current", ("Cart", "index"), True, id="cart/index"),
        pytest.param("current", ("Useraddress", "index"), True, id="useraddress/index"),
        pytest.param("current", ("Personal", "save"), True, id="personal/save"),
        pytest.param("current", ("Personal", "useravatarupload"), False, id="personal/useravatarupload"),
        pytest.param("current", ("Index", "index"), False, id="index/index"),
        pytest.param("current", ("User", "center"), False, id="user/center"),
        pytest.param("documented", ("User", "center"), True, id="documented-user/center"),
        pytest.param("current", ("User", "appemailbind"), False, id="user/appemailbind"),
        pytest.param("current", ("Search", "index"), False, id="search/index-fresh-install"),
        pytest.param("current", ("Goods", "favor"), True, id="goods/favor"),
    ],
)
def test_which_routes_need_a_login(profile: str, route: routes.ActionKey, needs_login: bool) -> None:
    assert routes.CATALOGUES[profile].routes[route] is needs_login
