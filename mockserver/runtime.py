"""The running mock apart from its web edge: its settings, the Context now serving (a reload
swaps it whole), the journal, and whoever observes the requests served.

The edge hands each served request, and the answer it sent, to `served`; the admin tasks (`control`) and the dashboard
act on a Runtime, so none of them needs HTTP to reach the mock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import gc
import itertools
import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from .context import UNKNOWN_USERS, CodePolicy, Context, Releases, SmsPolicy
from .contract import site
from .contract.clients import AUTO
from .contract.profiles import PROFILES, LaterClient
from .journal import Journal
from .journal.served import Sent, Served
from .params import Call
from .people.fake_users import FakeUsers
from .rendering.payloads import Payloads
from .scenarios.loader import ScenarioError, ScenarioLoadError, load_scenarios
from .scenarios.model import Place, ScenarioSet
from .scenarios.posted import Posted
from .scenarios.selection import UnknownScenario
from .settings import Settings
from .state import State

log = logging.getLogger(__name__)

Observer = Callable[[Served], None]
AnswerObserver = Callable[[Served, Sent], None]  # one that shows the answer too (the dashboard)


@dataclass(frozen=True, slots=True)
class Reloaded:
    """The last reload, kept for whoever shows it (the dashboard): a hot reload's result is
    otherwise only a log line."""

    time: float  # wall clock, Unix seconds
    problems: tuple[ScenarioError, ...]  # none: the new set is serving


def create_context(settings: Settings, scenarios: ScenarioSet) -> Context:
    """The Context of the pinned release, or (no release pinned) of the published page's."""
    return create_releases(settings, scenarios).primary


def create_releases(settings: Settings, scenarios: ScenarioSet) -> Releases:
    """One Context per release, sharing one State and made-up people; `settings.profile` pins one
    when it names one (`Releases`)."""
    state = State()
    if settings.scenario is not None:
        if settings.scenario not in scenarios.by_name:
            raise UnknownScenario(settings.scenario, scenarios)
        state.bindings.bind(settings.scenario)
    pinned = settings.profile in PROFILES
    if not pinned and settings.profile != AUTO:  # a misspelt pin must not serve as auto, unnoticed
        raise KeyError(settings.profile)
    fake_users = FakeUsers(settings.locale, settings.seed)
    contexts = {
        name: Context(
            profile=profile,
            scenarios=scenarios,
            fake_users=fake_users,
            state=state,
            config=site.server_config(name, settings.config),
            codes=CodePolicy(settings.single_use_codes, settings.code_ttl),
            sms=SmsPolicy(settings.sms_code),
            first_sight=UNKNOWN_USERS[settings.unknown_users],
        )
        for name, profile in PROFILES.items()
        if not pinned or name == settings.profile
    }
    return Releases(contexts, contexts[settings.profile] if pinned else None)


@dataclass(slots=True)
class Runtime:
    settings: Settings
    releases: Releases  # read once per request; a reload assigns new ones
    journal: Journal
    stopping: asyncio.Event = field(default_factory=asyncio.Event)  # set at shutdown
    observers: list[Observer] = field(default_factory=list)  # the journal first
    answer_observers: list[AnswerObserver] = field(default_factory=list)  # usually none
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))  # of served requests
    # A client the pinned profile does not fit, looked for until one is seen (then None: said once).
    later_client: LaterClient | None = None
    last_reload: Reloaded | None = None  # None: not reloaded since start
    posted: Posted = field(default_factory=Posted)  # `POST /__mock/scenarios`: kept over each reload
    # The process serves and nothing else (`serve.run`): a reload may pause and freeze the collector.
    owns_collector: bool = False
    # Reloads run one at a time (`reload`): how many were asked for, how many the loads so far cover.
    _reloading: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    _reloads_asked: int = field(default=0, init=False, repr=False)
    _reloads_covered: int = field(default=0, init=False, repr=False)
    _reload_problems: list[ScenarioError] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def start(cls, settings: Settings, scenarios: ScenarioSet) -> Runtime:
        journal = Journal(settings.journal_size, settings.journal_bytes)
        releases = create_releases(settings, scenarios)
        pinned = releases.pinned
        later_client = pinned.profile.later_client if pinned is not None else None
        return cls(settings, releases, journal, observers=[journal.record], later_client=later_client)

    @property
    def context(self) -> Context:
        """The Context of what is not a client's request (the admin API, the dashboard):
        `Releases.primary`. A client's request is answered by `releases.answering(call)`."""
        return self.releases.primary

    @property
    def state(self) -> State:
        return self.releases.primary.state

    def restart_ids(self) -> None:
        self.ids = itertools.count(1)

    def observe(self, observer: Observer) -> None:
        self.observers.append(observer)

    def observe_answers(self, observer: AnswerObserver) -> None:
        """An observer handed each answer as sent with its record (the dashboard, while open)."""
        self.answer_observers.append(observer)

    def client_notice(self, call: Call) -> str:
        """Once per server life, when a request comes from a client newer than the profile's
        release (`contract.profiles.LaterClient`): what will go wrong, logged as a warning and
        returned for the journal entry's `notice`; "" for every other request."""
        later = self.later_client
        if later is None:
            return ""
        sent = [name for name in later.params if name in call.params]
        if not sent:
            return ""
        self.later_client = None
        notice = later.warning.format(params=" and ".join(sent))
        log.warning("%s", notice)
        return notice

    def served(self, record: Served, sent: Sent) -> None:
        for observer in self.observers:
            observer(record)
        for answer_observer in self.answer_observers:
            answer_observer(record, sent)

    async def reload(self) -> list[ScenarioError]:
        """Load the fixtures layers again and swap them in if they are sound; else keep serving the last
        good set. Returns the problems found. State survives wherever its scenario still exists.

        One load at a time, in a thread: the API keeps answering meanwhile, and the new set is swapped
        in on the loop. A reload asked for during a load waits for it, then one more load serves every
        caller that waited (a file saved during a load is read by the next); a caller whose request a
        load started after already covers gets that load's answer."""
        self._reloads_asked += 1
        # Shielded: a caller that goes away (a client hanging up) leaves the load to finish and
        # swap, holding the lock until it has; else the next reload could overtake it.
        return list(await asyncio.shield(self._reload_for(self._reloads_asked)))

    async def _reload_for(self, ticket: int) -> list[ScenarioError]:
        async with self._reloading:
            if self._reloads_covered < ticket:
                self._reloads_covered = self._reloads_asked
                self._reload_problems = await self._load_and_swap()
            return self._reload_problems

    async def _load_and_swap(self) -> list[ScenarioError]:
        settings = self.settings
        try:
            load = functools.partial(load_scenarios, settings.layers, settings.locale, max_bytes=settings.max_scenario_bytes)
            scenarios = await asyncio.to_thread(_frozen, load) if self.owns_collector else await asyncio.to_thread(load)
        except ScenarioLoadError as exc:
            return self._failed(exc.errors)
        except Exception as exc:  # a loader bug must not kill the watcher nor leave the reload unreported
            log.exception("reloading the scenario files failed")
            where = ", ".join(map(str, settings.layers)) or "fixtures"
            return self._failed([ScenarioError(Place(where, 1, 1), f"cannot load: {type(exc).__name__}: {exc}")])
        scenarios, clashes = self.posted.relayered(scenarios)
        if clashes:  # a file now uses a posted scenario's name or match: as any clash, not served
            return self._failed(clashes)
        self.state.prune(scenarios.by_name)
        self.releases = reloaded(self.releases, scenarios)
        log.info("reloaded %d scenario(s) from %d file(s)", len(scenarios.scenarios), len(scenarios.files))
        self.last_reload = Reloaded(time.time(), ())
        return []

    def _failed(self, errors: list[ScenarioError]) -> list[ScenarioError]:
        problems = "\n".join(f"  {error}" for error in errors)
        log.error("%d problem(s) in the scenario files; still serving the last good set:\n%s", len(errors), problems)
        self.last_reload = Reloaded(time.time(), tuple(errors))
        return errors


def reloaded(releases: Releases, scenarios: ScenarioSet) -> Releases:
    """The same releases over a new scenario set, each with fresh rendered payloads."""
    fresh = {name: dataclasses.replace(ctx, scenarios=scenarios, payloads=Payloads()) for name, ctx in releases.contexts.items()}
    pinned = releases.pinned
    return Releases(fresh, fresh[pinned.profile.name] if pinned is not None else None)


def _frozen(load: Callable[[], ScenarioSet]) -> ScenarioSet:
    """`load()` with the cycle collector paused, and what it made frozen before the collector
    resumes: what `serve.run` does for the set loaded at start. Else, while a reload loads in its
    thread, the full collections walk the growing set again and again (113,000 scenarios: some
    30 of them, each holding the GIL up to a second while logins wait), and once it is loaded the
    first collection walks all of it at once. The set has no cycles, so when a later reload drops
    it, reference counting frees it frozen or not. What else is frozen with it is the cyclic
    garbage requests left during the load (some 0.1 object per login), kept for good."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        scenarios = load()
        gc.freeze()
        return scenarios
    finally:
        if was_enabled:
            gc.enable()
