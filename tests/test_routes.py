"""The route table is the one source of route facts: everything else agrees with it."""

from __future__ import annotations

from mockserver.actions import ACTIONS
from mockserver.contract import routes
from mockserver.contract.profiles import PROFILES
from mockserver.routing import resolve


def test_every_modelled_route_has_its_function_and_nothing_else_does() -> None:
    assert set(ACTIONS) == set(routes.MODELLED)


def test_a_route_missing_in_a_release_names_a_real_profile() -> None:
    named = {profile for facts in routes.MODELLED.values() for profile in facts.missing_in}
    assert named <= set(PROFILES)


def test_every_modelled_route_is_on_a_real_controller_and_resolves_to_itself() -> None:
    for controller, action in routes.MODELLED:
        assert controller in routes.CONTROLLERS
        assert resolve(f"{controller}/{action}".lower()).key == (controller, action)


def test_tokenuserinfo_is_modelled_only_where_the_release_has_it() -> None:
    key = ("User", "tokenuserinfo")
    assert (routes.modelled_in(key, "current"), routes.modelled_in(key, "documented")) == (True, False)


def test_a_declared_route_answers_the_declared_outcome_kinds() -> None:
    assert routes.outcomes_for(("Cart", "index")) == routes.DECLARED_OUTCOMES
    assert routes.outcomes_for(routes.LOGIN) == routes.USER_OUTCOMES
