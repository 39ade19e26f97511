"""Everything an action needs besides the request, frozen; a reload swaps the whole Context."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Mapping

from .contract import clients, site
from .contract.profiles import DEFAULT_PROFILE, Profile
from .params import Call
from .people.fake_users import FakeUsers
from .rendering.payloads import Payloads
from .scenarios.model import ExistingUser, NewUser, Reply, Scenario, ScenarioSet
from .scenarios.selection import Rule, named_for
from .settings import DEFAULT_SMS_CODE, DEFAULT_UNKNOWN_USERS
from .state import DeviceReleases, State


@dataclass(frozen=True, slots=True)
class CodePolicy:
    """Server-wide platform-code rules (decision 7); lenient by default so tests can replay codes."""

    single_use: bool = False
    ttl: float | None = None  # seconds a code stays valid after it is first seen


@dataclass(frozen=True, slots=True)
class SmsPolicy:
    """The verification code every "SMS" carries, so a UI test can type it, and how long it lasts."""

    code: str = DEFAULT_SMS_CODE
    ttl: float = 600.0  # ShopXO's default common_verify_expire_time


# What a platform user no scenario names gets at first sight (`--unknown-users`; decision 6).
UNKNOWN_USERS: Final[Mapping[str, Reply]] = MappingProxyType(
    {
        # As the release does: WeChat registers them (current), else the unknown-user stub.
        "real": Reply(NewUser()),
        # An old existing user, made up (the mock's default before it kept accounts).
        "existing": Reply(ExistingUser(fields={}, generated=True)),
    }
)


@dataclass(frozen=True, slots=True)
class Context:
    profile: Profile
    scenarios: ScenarioSet
    fake_users: FakeUsers
    # The admin settings `base/common` answers (§4.4): the profile's fresh install under the
    # command line's (`site.server_config`); the mock's own logic reads the same ones.
    config: Mapping[str, Any]
    state: State = field(default_factory=State)
    codes: CodePolicy = CodePolicy()
    sms: SmsPolicy = SmsPolicy()
    payloads: Payloads = field(default_factory=Payloads)  # rendered once, token spliced per answer
    first_sight: Reply = UNKNOWN_USERS[DEFAULT_UNKNOWN_USERS]  # the reply when no scenario applies
    # Do the server's own settings close the API to anybody (§2.5)? Worked out once: every
    # request asks (`actions.closed`), and usually nothing but these settings is in force.
    site_shut: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "site_shut", site.CLOSURES[self.profile.name].shut(self.config))
        # Who a made-up device is depends on which devices came before it (`people.fake_users`), and so
        # do the rows rendered for it: forgetting the users forgets them, so the same devices get
        # the same people again.
        self.state.forget_with_users("made-up people", self.fake_users.forget)
        # One Context per release shares the State (`Releases`): each has its own rendered rows.
        self.state.forget_with_users(f"made-up rows ({self.profile.name})", self.payloads.forget_rows)

    def lang(self, call: Call) -> str:
        """The language this call is answered in, as the profile reads its `lang` parameter."""
        return self.profile.lang(call.text("lang"))

    def site_config(self, call: Call, *, last_answer: bool = True) -> Mapping[str, Any]:
        """The admin settings in force for this call's device, and the one place that says where
        they come from: the server's; over them the active scenario's (`--scenario`, or
        `POST /__mock/use` for everybody); over those the settings of the scenario answering this
        device: the first with settings of those the request names (`selection.named_for`: its
        X-Mock-Scenario header, a binding to its uuid or its token), else the last one with
        settings that answered it (`state.devices`; left out with `last_answer=False`). So the
        configuration a scenario shows the client is the one the server acts on, for that device,
        and the door (`actions.closed`) sees every source an action sees. Usually none applies:
        then this is `config` itself, the very object."""
        config = self.config
        state = self.state
        bindings = state.bindings
        # Usually none of them: asked once on every request (the door), so the sources are tested
        # here first, in the order below.
        if not (bindings.active or call.mock_scenario or bindings.per_client or state.devices.any):
            return config
        if bindings.active:
            config = _over(config, self.scenarios.by_name.get(bindings.active))
        named = named_for(call, bindings)
        if named or state.devices.any:
            config = _over(config, self._device_scenario(named, call.device if last_answer else None))
        return config

    def _device_scenario(self, named: tuple[tuple[Rule, str], ...], device: str | None) -> Scenario | None:
        """The first scenario with settings of those the request names, then the last one that
        answered `device` (None: not that one)."""
        by_name = self.scenarios.by_name
        last = self.state.devices.scenario(device) if device is not None else ""
        for name in (*(name for _, name in named), last):
            scenario = by_name.get(name) if name else None
            if scenario is not None and scenario.settings:
                return scenario
        return None


def _over(config: Mapping[str, Any], scenario: Scenario | None) -> Mapping[str, Any]:
    settings = scenario.settings if scenario is not None else None
    return {**config, **settings} if settings else config


@dataclass(frozen=True, slots=True)
class Releases:
    """The Contexts a server answers with: one per release, sharing one State, scenario set and
    made-up people (built together, `runtime.create_releases`), and which one answers a call.
    `pinned` (`--profile documented|current`): that one for everybody; else each request as the
    release its client speaks (`contract.clients`), and a device as it was first answered, so its
    state is never shown as two releases. A request with no uuid is no device: it is told by
    what it sends alone (its token may be a device's, but a tool sending no uuid is not its phone)."""

    contexts: Mapping[str, Context]  # by profile name
    pinned: Context | None
    # The Context for what is not a client's request (the admin API, the dashboard): the pinned
    # one, else the published page's.
    primary: Context = field(init=False)
    _devices: DeviceReleases = field(init=False, repr=False)  # the shared State's, looked up once

    def __post_init__(self) -> None:
        primary = self.pinned or self.contexts[DEFAULT_PROFILE]
        object.__setattr__(self, "primary", primary)
        object.__setattr__(self, "_devices", primary.state.releases)

    def answering(self, call: Call) -> tuple[Context, str]:
        """The Context that answers `call`, and why (the journal's `release_reason`)."""
        pinned = self.pinned
        if pinned is not None:
            return pinned, clients.PINNED
        profile, reason = clients.spoken_by(call.params)
        device = call.device
        if device:
            before = self._devices.keep(device, profile.name)
            if before != profile.name:
                return self.contexts[before], clients.AS_BEFORE[before]
        return self.contexts[profile.name], reason
