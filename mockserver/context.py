"""Everything an action needs besides the request, frozen; a reload swaps the whole Context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .contract.profiles import Profile
from .fake_users import FakeUsers
from .params import Call
from .payloads import Payloads
from .scenarios.model import ScenarioSet, SiteConfig
from .state import State


@dataclass(frozen=True, slots=True)
class CodePolicy:
    """Server-wide platform-code rules (decision 7); lenient by default so tests can replay codes."""

    single_use: bool = False
    ttl: float | None = None  # seconds a code stays valid after it is first seen


@dataclass(frozen=True, slots=True)
class SmsPolicy:
    """The verification code every "SMS" carries, so a UI test can type it, and how long it lasts."""

    code: str = "123456"
    ttl: float = 600.0  # ShopXO's default common_verify_expire_time


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

    def lang(self, call: Call) -> str:
        """The language this call is answered in, as the profile reads its `lang` parameter."""
        return self.profile.lang(call.text("lang"))

    def site_config(self) -> Mapping[str, Any]:
        """The admin settings in force: the server's, under an active `base/common` scenario's
        (so a UI test that switches the configuration the client sees switches the server too)."""
        active = self.scenarios.by_name.get(self.state.bindings.active or "")
        if active is not None and isinstance(active.outcome, SiteConfig):
            return {**self.config, **active.outcome.values}
        return self.config
