"""The real API's routes the mock neither models nor has a scenario for (`contract.routes`).

As ShopXO answers them, as far as the mock can know: a route that needs a login answers the
escaped -400 envelope (§2.3) to a token no login minted, which sends the client back to its
login; otherwise the mock says it has no model of the route and how to declare one, with code
-1 and a note in the journal. A route the release does not have answers -1000 (§1.1), worded as
the profile's release words it; but a controller that checks the login in its constructor
answers -400 first, to an action it lacks too.
"""

from __future__ import annotations

from ..answers import Action, Answer
from ..context import Context
from ..contract import messages as m
from ..contract import routes
from ..contract.routes import ActionKey
from ..params import Call
from ..rendering.envelope import Encoding, Envelope
from ..scenarios.selection import Pick, Rule


def not_logged_in(call: Call, ctx: Context) -> Envelope | None:
    """`Common::IsLogin()`: the -400 envelope when the call's token is no token the mock minted
    (none, empty, made up, or from before a reset), None when it names a user."""
    if ctx.state.accounts.for_token(call.text("token")) is not None:
        return None
    return login_expired(call, ctx)


def login_expired(call: Call, ctx: Context) -> Envelope:
    """-400 登录失效: what `IsLogin()` exits with (the escaped envelope of §2.3)."""
    return Envelope(m.LOGIN_EXPIRED.in_lang(ctx.lang(call)), m.LOGIN_EXPIRED_CODE, encoding=Encoding.EXIT)


def action_for(key: ActionKey, ctx: Context) -> Action | None:
    """What answers a route that is neither modelled nor declared; None: -1000, no such route."""
    release = routes.CATALOGUES[ctx.profile.name]
    if key in release.routes:
        return unmodelled
    if release.checks_login_first(key):
        return login_first
    return None


async def unmodelled(call: Call, ctx: Context) -> Answer:
    """A real route: -400 when it needs a login the call lacks, else "no model of it"."""
    if routes.CATALOGUES[ctx.profile.name].routes[call.route.key]:
        expired = not_logged_in(call, ctx)
        if expired is not None:
            return Answer(expired)
    note = m.NO_MODEL_NOTE.format(route=call.route.name)
    return Answer(Envelope(m.NO_MODEL.format(route=call.route.name), m.FAIL), pick=Pick(None, Rule.UNMODELLED, note=note))


async def login_first(call: Call, ctx: Context) -> Answer:
    """An action a login-checking controller lacks: the constructor's -400 comes before 非法访问."""
    return Answer(not_logged_in(call, ctx) or unknown_route(call, ctx))


async def undeclared(call: Call, ctx: Context) -> Answer:
    """What a declared route answers when none of its scenarios applies: as if none were declared."""
    action = action_for(call.route.key, ctx)
    return Answer(unknown_route(call, ctx)) if action is None else await action(call, ctx)


async def no_such_route(call: Call, ctx: Context) -> Answer:
    """What answers a route the release lacks (`unknown_route`)."""
    return Answer(unknown_route(call, ctx))


def unknown_route(call: Call, ctx: Context) -> Envelope:
    """-1000 for a controller or action the release lacks, worded as the profile's release words it (§1.1, §7.1)."""
    route = call.route
    lang = ctx.lang(call)
    if controller_exists(route.controller, ctx):
        message, name = m.ILLEGAL_ACCESS, route.typed_action
    else:
        message, name = m.CONTROLLER_NOT_EXIST, route.typed_controller.lower()
    return Envelope(ctx.profile.unknown_route_text.format(message=message.in_lang(lang), name=name), m.UNKNOWN_ROUTE)


def controller_exists(controller: str, ctx: Context) -> bool:
    """Is it a controller of the profile's release, or one a scenario file declares an action of?"""
    return controller in routes.CATALOGUES[ctx.profile.name].controllers or any(
        c == controller for c, _ in ctx.scenarios.actions
    )
