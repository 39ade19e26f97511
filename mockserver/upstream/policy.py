"""Which requests the mock hands to its upstream, and with which token (decision 12). Pure.

Two modes (`--forward`):
- `unmodelled` (the default): a route the mock does not model under its profile goes upstream
  (`goods/detail`, `buy/index`, a plugin's controller, a route the release lacks), unless a
  scenario file declares it and one of its scenarios applies. The shop the mock only stands in
  for (a fresh install's home tab, cart and lists: `contract.routes.STAND_IN_SHOP`) counts as
  not modelled once there is a real shop. The login and the calls around it (`user/*`,
  `base/common`, `personal/*`) stay the mock's.
- `unmatched`: every request goes upstream unless a scenario applies to it. The mock's built-in
  answers (its made-up users, its fresh install) are then never used: it is the real shop with
  chosen answers forced on top.

Either way scenario selection keeps its precedence (the `X-Mock-Scenario` header, a binding, an
authcode or other match, the active scenario): whatever a scenario answers, the mock answers.

The upstream does not know the tokens the mock mints. A request carrying one goes with the
configured `--upstream-token` instead (a real user's on that shop), or, without one, as a guest
(no token). A route that needs a login cannot go as a guest (the upstream would answer -400, and
the client would wipe its storage and log in again, round and round): one the mock models (the
cart, the lists) is answered by the mock, any other by the mock with a -1 that says what to do.
Any other token (none, the upstream's own, a made-up one) goes as it came.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from ..context import Context
from ..contract import messages as m
from ..contract import routes
from ..contract.routes import LOGIN, STAND_IN_SHOP, ActionKey
from ..params import Call, scalar_text
from ..rendering.envelope import Envelope
from ..scenarios.selection import UnknownScenario, select
from .messages import MOCKED_LOGIN


class Forward(Enum):
    UNMODELLED = "unmodelled"
    UNMATCHED = "unmatched"


FORWARD_MODES: Final = tuple(mode.value for mode in Forward)
BASE_COMMON: Final[ActionKey] = ("Base", "common")


def goes_upstream(call: Call, ctx: Context, mode: Forward, configured_token: str | None = None) -> bool:
    """Does the upstream answer this request rather than the mock?"""
    key = call.route.key
    profile = ctx.profile.name
    modelled = routes.modelled_in(key, profile)
    if modelled and not configured_token and needs_login(key, profile) and minted(call, ctx):
        return False  # the upstream cannot take the mock's login: the mock's own cart beats a refusal
    if mode is Forward.UNMODELLED:
        if modelled and key not in STAND_IN_SHOP:
            return False
        return key not in ctx.scenarios.actions or not _scenario_applies(call, ctx, key)
    # The settings a scenario put in force for this device come with the mock's base/common.
    if key == BASE_COMMON and ctx.state.devices.any and ctx.state.devices.scenario(call.device):
        return False
    return not _scenario_applies(call, ctx, key)


def minted(call: Call, ctx: Context) -> bool:
    """Does the call carry a token the mock minted (a login the mock answered)?"""
    token = call.text("token")
    return bool(token) and ctx.state.accounts.for_token(token) is not None


def _scenario_applies(call: Call, ctx: Context, key: ActionKey) -> bool:
    authcode = ""
    if key == LOGIN:  # the only route whose rules look at the authcode, read as the profile reads it
        authcode = scalar_text(ctx.profile.authcode(call.params, call.body))
    try:
        return select(ctx.scenarios, key, call, authcode, ctx.state.bindings).scenario is not None
    except UnknownScenario:
        return True  # the header names no scenario: the mock says so itself (400)


def upstream_token(call: Call, ctx: Context, configured: str | None) -> str | None | Envelope:
    """The token to send upstream instead of the request's (None: send the request as it came;
    "": no token, a guest), or the envelope the mock answers instead of forwarding."""
    if not minted(call, ctx):
        return None  # not one the mock minted: the upstream's own login, or nobody
    if configured:
        return configured
    if needs_login(call.route.key, ctx.profile.name):
        return Envelope(MOCKED_LOGIN.format(route=call.route.name), m.FAIL)
    return ""


def needs_login(key: ActionKey, profile: str) -> bool:
    """Does the profile's release check the login before answering this route (`Common::IsLogin`)?"""
    release = routes.CATALOGUES[profile]
    return release.routes.get(key, False) or release.checks_login_first(key)
