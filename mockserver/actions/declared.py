"""Endpoints declared in scenario files: any `controller/action` a front-end calls.

They answer with the same selection and outcome kinds as the login: a spelled-out envelope
(templated), a named or custom error, a fault; `requires_login` answers -400 (the escaped
envelope of §2.3) to a token no login minted, which sends the client back to its login. When no
scenario of the endpoint applies, it answers as the release would (`unmodelled`: -400, -1000),
except that instead of "no model of it: declare it" it says which scenarios missed, and why.

An envelope's `{{user.<field>}}` shows the user the request's token names, as the profile's
answers show that user (decision 9). Only an envelope that names one looks the user up (the
loader marks it); without such a user every field is "" and the journal's note says why.
"""

from __future__ import annotations

from typing import Any, Final

from ..answers import Answer
from ..context import Context
from ..contract import messages as m
from ..contract.platforms import PLATFORMS
from ..params import Call, scalar_text
from ..people.fake_users import FakeUsers
from ..rendering.envelope import Envelope
from ..rendering.view import View, user_field
from ..scenarios import templates
from ..scenarios.model import CannedEnvelope, CustomError, NamedError, Reply, Template
from ..scenarios.matching import explain
from ..scenarios.selection import HEADER, Pick, Rule
from .login import Login, error
from .steps import due_reply, settled_pick
from .unmodelled import not_logged_in, undeclared

# The journal's note when `{{user.*}}` has no user to show (decision 9).
NO_TOKEN: Final = "{{user.*}} rendered empty: the request has no token (requires_login: true answers -400 instead)"
UNKNOWN_TOKEN: Final = "{{user.*}} rendered empty: the token names no logged-in user (requires_login: true answers -400 instead)"


def declared_answer(call: Call, ctx: Context) -> Answer | None:
    """The answer of the scenario for this endpoint, or None when none applies. A SiteConfig
    outcome is handed back as the body for `base/common` to merge."""
    lang = ctx.lang(call)
    pick = settled_pick(call, ctx)
    if isinstance(pick, Answer):  # the settings the device holds now close the site (§2.5)
        return pick
    scenario = pick.scenario
    if scenario is None:
        return None
    if scenario.requires_login:
        expired = not_logged_in(call, ctx)
        if expired is not None:
            return Answer(expired, pick=pick)
    device = call.device or call.text("token")
    reply: Reply = due_reply(scenario, device, "", ctx)
    outcome = reply.outcome
    body: Any = outcome
    if isinstance(outcome, CannedEnvelope):
        echo = {name: scalar_text(value) for name, value in call.params.items()}
        user, note = _template_user(call, ctx, lang) if outcome.needs_user else (templates.no_user, "")
        data = _render(outcome.data, ctx.fake_users, device, echo, user)
        body = Envelope(outcome.msg or (m.OPERATE_FAIL.in_lang(lang) if outcome.code else ""), outcome.code, data)
        if note:
            pick = Pick(pick.scenario, pick.rule, pick.near_misses, "; ".join(filter(None, (pick.note, note))))
    elif isinstance(outcome, (NamedError, CustomError)):
        platform = PLATFORMS.get(call.client_type.lower(), PLATFORMS["weixin"])
        body = error(outcome, Login(call, platform, lang, device), ctx)
    return Answer(body, reply.delay, pick)


async def declared(call: Call, ctx: Context) -> Answer:
    answer = declared_answer(call, ctx)
    if answer is not None:
        return answer
    fallback = await undeclared(call, ctx)
    if fallback.pick is None or fallback.pick.rule is not Rule.UNMODELLED:
        return fallback  # the release's own check (-400 without a login, -1000): as ShopXO answers
    # "No model of it: declare it" would be wrong: it is declared. Say which scenarios missed, and why.
    misses = near_misses(call, ctx)
    note = m.NO_SCENARIO_MATCHED_NOTE.format(route=call.route.name, misses="; ".join(misses))
    text = m.NO_SCENARIO_MATCHED.format(route=call.route.name, misses="; ".join(misses))
    return Answer(Envelope(text, m.FAIL), pick=Pick(None, Rule.DEFAULT, misses, note))


def near_misses(call: Call, ctx: Context) -> tuple[str, ...]:
    """Each scenario of the route and why it did not answer this request (the first condition it
    failed, or that only its name chooses it). Only on this miss: a scan of the set is affordable."""
    found: list[str] = []
    for scenario in ctx.scenarios.scenarios:
        if scenario.action != call.route.key:
            continue
        if scenario.match is None:
            found.append(f"{scenario.name}: chosen by name only (use, a binding or {HEADER})")
        else:
            found.append(f"{scenario.name}: {explain(scenario.match, call, '') or 'matches, but a binding chose another'}")
    return tuple(found)


def _template_user(call: Call, ctx: Context, lang: str) -> tuple[templates.UserField, str]:
    """What `{{user.<field>}}` shows for this request, and the journal's note when nobody: the
    token is how ShopXO finds the user (`Common::IsLogin`)."""
    token = call.text("token")
    found = ctx.state.accounts.for_token(token)
    if found is None:
        return templates.no_user, UNKNOWN_TOKEN if token else NO_TOKEN
    row = found[1]
    view = View(ctx.profile, lang, call.base_url, call.client_type, call.system_type, 0)
    return (lambda name: user_field(name, row, view, token)), ""


def _render(value: Any, fake_users: FakeUsers, device: str, echo: dict[str, str], user: templates.UserField) -> Any:
    if isinstance(value, Template):
        return templates.fill(value, fake_users.provider(device, value.text), echo, user)
    if isinstance(value, dict):
        return {k: _render(v, fake_users, device, echo, user) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v, fake_users, device, echo, user) for v in value]
    return value
