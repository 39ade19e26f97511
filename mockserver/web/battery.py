"""The diff's battery sent to a real ShopXO and to a mock started on this loop, each case's two
answers judged by `upstream.diff` (the comparison; this is its HTTP side, aiohttp's client)."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from typing import Any, Final, Iterable, Sequence

import aiohttp
from yarl import URL

from ..scenarios.loader import load_scenarios
from ..settings import Settings
from ..upstream.cases import BOGUS_TOKEN, Case
from ..upstream.diff import DIFFERING, Result, Side, Verdict, judge
from .replay import Serve

# The shipped scenario that logs in a made-up user on any platform and profile: the mock's user
# for the cases that need one.
MOCK_LOGIN: Final = "demo-user"

@dataclass(frozen=True, slots=True)
class Target:
    """One side: where it is and the token of its logged-in user ("" when there is none)."""

    base_url: str
    user_token: str = ""

    @property
    def origin(self) -> str:
        return self.base_url.rstrip("/")


async def run(
    cases: Iterable[Case], upstream: Target, mock: Target, upstream_session: aiohttp.ClientSession, mock_session: aiohttp.ClientSession
) -> list[Result]:
    results = []
    answered = False
    for case in cases:
        if case.token == "user" and not (upstream.user_token and mock.user_token):
            results.append(Result(case, Verdict.SKIPPED, ("needs a logged-in user on both sides: give --upstream-token",)))
            continue
        theirs = await fetch(upstream_session, upstream, case)
        if theirs.error and not answered:
            # An upstream that has not answered once is unreachable, not different: one failure
            # says it (`diff.unreachable`); every other case would say it again, each after a timeout.
            return [*results, judge(case, theirs, Side(), upstream.origin, mock.origin)]
        answered = True
        ours = await fetch(mock_session, mock, case)
        results.append(judge(case, theirs, ours, upstream.origin, mock.origin))
    return results


async def differing_as(results: Sequence[Result], upstream: str, settings: Settings, timeout: float, serve: Serve) -> int:
    """How many of the cases the upstream answered would differ from a mock with `settings`
    (another profile): the upstream's answers are reused, not asked for again."""
    limit = aiohttp.ClientTimeout(total=timeout)
    session = aiohttp.ClientSession(timeout=limit, cookie_jar=aiohttp.DummyCookieJar())
    answered = [r for r in results if r.verdict is not Verdict.SKIPPED and not r.upstream.error]
    async with serve(settings, load_scenarios(settings.layers, settings.locale, max_bytes=settings.max_scenario_bytes)) as mock_url, session:
        token = await login(session, mock_url) if any(r.case.token == "user" for r in answered) else ""
        mock = Target(mock_url, token)
        count = 0
        for result in answered:
            ours = await fetch(session, mock, result.case)
            count += judge(result.case, result.upstream, ours, Target(upstream).origin, mock.origin).verdict in DIFFERING
    return count


async def fetch(session: aiohttp.ClientSession, target: Target, case: Case) -> Side:
    token = {"none": "", "bogus": BOGUS_TOKEN, "user": target.user_token}[case.token]
    url = URL(target.base_url.rstrip("/") + "/" + case.path(token), encoded=True)
    kwargs: dict[str, Any] = {}
    if case.json is not None:
        kwargs["data"] = json.dumps(dict(case.json), ensure_ascii=False).encode()
        kwargs["headers"] = {"Content-Type": "application/json"}
    elif case.form is not None:
        kwargs["data"] = dict(case.form)
    try:
        async with session.request(case.method, url, allow_redirects=False, **kwargs) as response:
            return Side(response.status, response.headers.get("Content-Type", ""), await response.read())
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return Side(error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)



async def compare(
    cases: tuple[Case, ...],
    upstream: str,
    settings: Settings,
    upstream_token: str | None,
    timeout: float,
    verify: ssl.SSLContext | bool,
    serve: Serve,
) -> list[Result]:
    """The battery against the upstream and a mock on this loop, each with its own session (no
    cookie shared between them, nor kept from one case to the next)."""
    limit = aiohttp.ClientTimeout(total=timeout)
    theirs = aiohttp.ClientSession(timeout=limit, connector=aiohttp.TCPConnector(ssl=verify), cookie_jar=aiohttp.DummyCookieJar())
    ours = aiohttp.ClientSession(timeout=limit, cookie_jar=aiohttp.DummyCookieJar())
    async with serve(settings, load_scenarios(settings.layers, settings.locale, max_bytes=settings.max_scenario_bytes)) as mock_url, theirs, ours:
        mock_token = await login(ours, mock_url) if any(case.token == "user" for case in cases) else ""
        return await run(cases, Target(upstream, upstream_token or ""), Target(mock_url, mock_token), theirs, ours)


async def login(session: aiohttp.ClientSession, base_url: str) -> str:
    """A token of the mock's own made-up user, for the cases that need one ("" if none came)."""
    case = Case("login", "user/appminiuserauth", json={"authcode": MOCK_LOGIN})
    async with session.post(base_url + case.path(""), json={"authcode": MOCK_LOGIN}) as response:
        document = await response.json(content_type=None)
    data = document.get("data") if isinstance(document, dict) else None
    return str(data.get("token", "")) if isinstance(data, dict) else ""
