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

Sending the battery to both sides is the edge's (`web.battery`, aiohttp's client).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, Iterator, Sequence

from .cases import Case

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


def unreachable(results: Sequence[Result]) -> str | None:
    """The upstream's error when it answered no case at all (every case it was sent failed on
    its side), else None: nothing was compared, so there is no table to show."""
    sent = [r for r in results if r.verdict is not Verdict.SKIPPED]
    if sent and all(r.upstream.error for r in sent):
        return sent[0].upstream.error
    return None


def differing(results: Sequence[Result]) -> tuple[int, int]:
    """How many cases differ (or failed), of how many were compared (skipped ones left out)."""
    compared = [r for r in results if r.verdict is not Verdict.SKIPPED]
    return sum(r.verdict in DIFFERING for r in compared), len(compared)


def any_differ(results: Sequence[Result]) -> bool:
    return any(result.verdict in DIFFERING for result in results)
