"""Which scenario answers a request. The precedence, first that applies wins:

1. the `X-Mock-Scenario: <name>` request header;
2. a scenario bound to the device (the `uuid` parameter), then one bound to the `token`;
3. the authcode rules: scenarios naming the exact authcode (found in O(1)), then every other
   scenario (regular expressions, other parameters, catch-alls) in file order, files sorted by
   path; within each group the first whose whole match holds wins;
4. the globally active scenario (`--scenario NAME` at start);
5. none: the endpoint's built-in behaviour (for a login, a made-up user stable per device).

Every scenario answers one endpoint (`action`); a header, binding or active scenario for another
endpoint is passed over, so a UI test can send one header or bind one device for a whole flow.
"""

from __future__ import annotations

from enum import Enum

from ..contract.routes import ActionKey
from ..params import Call
from ..state import Bindings
from ..support.records import per_request
from .matching import explain
from .model import Scenario, ScenarioSet


class Rule(Enum):
    HEADER = "header"
    DEVICE = "device binding"
    TOKEN = "token binding"
    AUTHCODE = "exact authcode"
    PATTERN = "match"
    GLOBAL = "active scenario"
    DEFAULT = "default user"
    UNMODELLED = "no model"  # a real route neither modelled nor declared: no scenario to pick (actions.unmodelled)
    SITE_CLOSED = "site closed"  # closed before any action ran: no scenario to pick (actions.closed)


@per_request
class Pick:
    scenario: Scenario | None
    rule: Rule
    near_misses: tuple[str, ...] = ()  # scenarios for this authcode that did not match, and why
    note: str = ""  # what else a person reading the journal should know (an ignored header)


HEADER = "X-Mock-Scenario"  # the request header that chooses a scenario by name


class UnknownScenario(LookupError):
    """A header or binding names a scenario the loaded set does not have."""

    def __init__(self, name: str, known: ScenarioSet) -> None:
        super().__init__(name)
        self.name = name
        self.known = tuple(known.by_name)


def named_for(call: Call, bindings: Bindings) -> tuple[tuple[Rule, str], ...]:
    """The scenarios a request names for its device, in the order they win: the header's, then
    the one bound to its uuid, then the one bound to its token ("" where none); () when it names
    none (usually: no header sent, nothing bound to a client). The one list of them: selection
    takes the first that answers the endpoint, `Context.site_config` the first with settings."""
    if not (call.mock_scenario or bindings.per_client):
        return ()
    return (
        (Rule.HEADER, call.mock_scenario),
        (Rule.DEVICE, bindings.for_device(call.device)),
        (Rule.TOKEN, bindings.for_token(call.text("token"))),
    )


def select(scenarios: ScenarioSet, action: ActionKey, call: Call, authcode: str, bindings: Bindings) -> Pick:
    note = ""
    named = named_for(call, bindings)
    if named:
        forced, note = _forced(scenarios, action, named)
        if forced:
            return forced
    table = scenarios.table(action)
    misses: list[str] = []
    for rule, candidates in (
        (Rule.AUTHCODE, table.by_authcode.get(authcode, ()) if authcode else ()),
        (Rule.PATTERN, table.patterns),
    ):
        for scenario in candidates:
            if scenario.match is None:  # never indexed; keeps the type checker informed
                continue
            reason = explain(scenario.match, call, authcode)
            if reason is None:
                return Pick(scenario, rule, tuple(misses), note)
            if rule is Rule.AUTHCODE:
                misses.append(f"{scenario.name}: {reason}")
    if bindings.active:
        active = _named(scenarios, bindings.active)
        if active.action == action:
            return Pick(active, Rule.GLOBAL, tuple(misses), note)
    return Pick(None, Rule.DEFAULT, tuple(misses), note)


def _forced(scenarios: ScenarioSet, action: ActionKey, named: tuple[tuple[Rule, str], ...]) -> tuple[Pick | None, str]:
    """The header's or a binding's scenario, if it answers this endpoint; and a note when the
    header names one that answers another (so the journal can say why it was passed over)."""
    note = ""
    for rule, name in named:
        if name:
            scenario = _named(scenarios, name)
            if scenario.action == action:
                return Pick(scenario, rule, note=note), note
            if rule is Rule.HEADER:
                note = f"{HEADER} '{name}' ignored: it answers {action_name(scenario.action)}, not {action_name(action)}"
    return None, note


def action_name(action: ActionKey) -> str:
    return "/".join(action).lower()


def _named(scenarios: ScenarioSet, name: str) -> Scenario:
    scenario = scenarios.by_name.get(name)
    if scenario is None:
        raise UnknownScenario(name, scenarios)
    return scenario
