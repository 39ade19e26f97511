"""The same requests to a real ShopXO and to the mock: per case, same bytes, same shape, or how
they differ.

Each side's own address is set aside first (a site's pictures and links name its host), then:
- **same bytes**: status, content type and body equal;
- **same shape**: what a client relies on is equal, only a site's own values differ: status,
  content type, the escaping (`\\uXXXX` or raw UTF-8, `\\/` or `/`), the envelope's `code` and
  `msg`, and all through `data` the keys, their order and each value's JSON type. Values are the
  site's own (ids, times, tokens, names, the texts an admin sets, how many goods a list holds)
  and are not compared;
- **differs**: anything of that is different, each difference said in one line with its path
  (`data.config.home_site_name: string upstream, number mock`);
- **skipped**: the case needs what was not given (a logged-in user: `--upstream-token`);
- **failed**: a side gave no answer (refused, timed out): counted as a difference.
"""

from __future__ import annotations

import json
import re
import ssl
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, Iterable, Iterator, Sequence

import aiohttp
from yarl import URL

from ..scenarios.loader import load_scenarios
from ..settings import Settings
from .cases import BOGUS_TOKEN, Case
from .replay import Serve

# The shipped scenario that logs in a made-up user on any platform and profile: the mock's user
# for the cases that need one.
MOCK_LOGIN: Final = "demo-user"
MAX_LINES: Final = 12  # differences shown per case; the rest counted
SNIPPET: Final = 60
_UNICODE_ESCAPE = re.compile(rb"\\u(?!00[0-7][0-9a-fA-F])[0-9a-fA-F]{4}")


class Verdict(Enum):
    SAME_BYTES = "same bytes"
    SAME_SHAPE = "same shape"
    DIFFERS = "differs"
    FAILED = "failed"
    SKIPPED = "skipped"


DIFFERING: Final = frozenset({Verdict.DIFFERS, Verdict.FAILED})


@dataclass(frozen=True, slots=True)
class Side:
    """One side's answer to a case (or why there is none)."""

    status: int = 0
    content_type: str = ""
    body: bytes = b""
    error: str = ""

    def summary(self) -> dict[str, Any]:
        if self.error:
            return {"error": self.error}
        return {"status": self.status, "content_type": self.content_type, "bytes": len(self.body)}


@dataclass(frozen=True, slots=True)
class Result:
    case: Case
    verdict: Verdict
    differences: tuple[str, ...] = ()
    upstream: Side = field(default_factory=Side)
    mock: Side = field(default_factory=Side)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.case.name,
            "method": self.case.method,
            "url": self.case.path("{token}"),
            "verdict": self.verdict.value,
            "differences": list(self.differences),
            "upstream": self.upstream.summary(),
            "mock": self.mock.summary(),
        }


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
    for case in cases:
        if case.token == "user" and not (upstream.user_token and mock.user_token):
            results.append(Result(case, Verdict.SKIPPED, ("needs a logged-in user on both sides: give --upstream-token",)))
            continue
        theirs = await fetch(upstream_session, upstream, case)
        ours = await fetch(mock_session, mock, case)
        results.append(judge(case, theirs, ours, upstream.origin, mock.origin))
    return results


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


def judge(case: Case, theirs: Side, ours: Side, their_origin: str, our_origin: str) -> Result:
    if theirs.error or ours.error:
        failures = [f"{who}: no answer ({side.error})" for who, side in (("upstream", theirs), ("mock", ours)) if side.error]
        return Result(case, Verdict.FAILED, tuple(failures), theirs, ours)
    their_body, our_body = _neutral(theirs.body, their_origin), _neutral(ours.body, our_origin)
    if (theirs.status, theirs.content_type, their_body) == (ours.status, ours.content_type, our_body):
        return Result(case, Verdict.SAME_BYTES, (), theirs, ours)
    found = list(differences(theirs, ours, their_body, our_body))
    if len(found) > MAX_LINES:
        found = [*found[:MAX_LINES], f"... and {len(found) - MAX_LINES} more"]
    return Result(case, Verdict.DIFFERS if found else Verdict.SAME_SHAPE, tuple(found), theirs, ours)


def differences(theirs: Side, ours: Side, their_body: bytes, our_body: bytes) -> Iterator[str]:
    """Each way the two answers differ that a client could notice, in one line each."""
    if theirs.status != ours.status:
        yield f"HTTP status: {theirs.status} upstream, {ours.status} mock"
    if theirs.content_type != ours.content_type:
        yield f"content type: {theirs.content_type!r} upstream, {ours.content_type!r} mock"
    for what, style in (("unicode", _unicode_style), ("slashes", _slash_style)):
        mine, yours = style(their_body), style(our_body)
        if mine and yours and mine != yours:
            yield f"escaping of {what}: {mine} upstream, {yours} mock"
    their_json, our_json = _json(their_body), _json(our_body)
    if their_json is _NOT_JSON or our_json is _NOT_JSON:
        if their_json is not our_json or their_body != our_body:
            yield f"body: {_snippet(their_body)} upstream, {_snippet(our_body)} mock"
        return
    if isinstance(their_json, dict) and isinstance(our_json, dict):
        for key in ("code", "msg"):
            if key in their_json and key in our_json and their_json[key] != our_json[key]:
                yield f"{key}: {their_json[key]!r} upstream, {our_json[key]!r} mock"
    yield from shape(their_json, our_json, "")


def shape(theirs: Any, ours: Any, path: str) -> Iterator[str]:
    """Keys, their order and JSON types, all the way down; values are not compared."""
    where = path or "body"
    their_type, our_type = json_type(theirs), json_type(ours)
    if their_type != our_type:
        yield f"{where}: {their_type} upstream, {our_type} mock"
        return
    if isinstance(theirs, dict):
        only_theirs = [k for k in theirs if k not in ours]
        only_ours = [k for k in ours if k not in theirs]
        if only_theirs:
            yield f"{where}: only upstream has {_names(only_theirs)}"
        if only_ours:
            yield f"{where}: only the mock has {_names(only_ours)}"
        common_theirs = [k for k in theirs if k in ours]
        common_ours = [k for k in ours if k in theirs]
        if common_theirs != common_ours:  # said where it starts: the lists themselves may be long
            at = next(i for i, (mine, yours) in enumerate(zip(common_theirs, common_ours)) if mine != yours)
            yield (
                f"{where}: key order differs from key {at + 1} of {len(common_theirs)} shared:"
                f" {common_theirs[at]} upstream, {common_ours[at]} mock"
            )
        for key in common_theirs:
            yield from shape(theirs[key], ours[key], f"{path}.{key}" if path else key)
    elif isinstance(theirs, list):
        for index, (mine, yours) in enumerate(zip(theirs, ours)):
            yield from shape(mine, yours, f"{where}[{index}]")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _names(keys: Sequence[str], most: int = 8) -> str:
    shown = ", ".join(keys[:most])
    return shown + (f", ... ({len(keys)} keys)" if len(keys) > most else "")


def _neutral(body: bytes, origin: str) -> bytes:
    """The body with the side's own address as `{origin}`, as written and as JSON escapes it."""
    for form in (origin, origin.replace("/", "\\/")):
        body = body.replace(form.encode(), b"{origin}")
    return body


def _unicode_style(body: bytes) -> str:
    if any(byte >= 0x80 for byte in body):
        return "raw UTF-8"
    return "\\uXXXX" if _UNICODE_ESCAPE.search(body) else ""


def _slash_style(body: bytes) -> str:
    if b"\\/" in body:
        return "\\/"
    return "/" if b"/" in body.replace(b"{origin}", b"") else ""


_NOT_JSON: Final = object()


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return _NOT_JSON


def _snippet(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    return repr(text if len(text) <= SNIPPET else text[:SNIPPET] + "…")


def table(results: Sequence[Result], heading: str) -> str:
    """The results for people: one line per case, each difference on a line of its own."""
    width = max([len(r.case.name) for r in results] + [4])
    lines = [heading, f"{'CASE':<{width}}  {'VERDICT':<10}  HOW"]
    for result in results:
        how = result.differences or ("",)
        lines.append(f"{result.case.name:<{width}}  {result.verdict.value:<10}  {how[0]}".rstrip())
        lines.extend(f"{'':<{width}}  {'':<10}  {line}" for line in how[1:])
    lines.append(summary_line(results))
    return "\n".join(lines)


def summary(results: Sequence[Result]) -> dict[str, int]:
    return {verdict.value: sum(1 for r in results if r.verdict is verdict) for verdict in Verdict}


def summary_line(results: Sequence[Result]) -> str:
    counts = ", ".join(f"{n} {name}" for name, n in summary(results).items() if n)
    return f"{len(results)} cases: {counts}"


def any_differ(results: Sequence[Result]) -> bool:
    return any(result.verdict in DIFFERING for result in results)


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
