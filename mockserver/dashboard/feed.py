"""What the dashboard shows, worked out from the running mock. Pure: no aiohttp.

While at least one dashboard is open, `Feed.saw` observes every served request with the answer
sent to it (`Runtime.observe_answers`): an append, and its bytes kept. When the last one closes,
the observer is removed and nothing is kept: while nobody watches, the API pays for the dashboard
one loop over an empty list of such observers.

The answers' bytes live here, in a table of the last few, and not in the journal's records: the
journal keeps 1,000 requests whether or not anyone looks, and a home tab's answer alone is
~110 KB. A person opening a request wants the recent ones; the table is bounded by count and by
bytes, and an answer served while no dashboard was open says so instead of being made up again:
its row's msg is None (the page shows "—", not an empty msg), since the journal keeps the
envelope's code but not its msg, and a msg worked out again from the code would be a guess.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import OrderedDict, deque
from typing import Any, Final

from .. import control
from ..actions.steps import LAUNCH_NOTE
from ..journal import Query
from ..journal.cut import MARKER
from ..journal.served import NO_ANSWER, Sent, Served
from ..runtime import Runtime
from ..support.records import per_request
from ..version import __version__

ROWS: Final = 500  # rows a page keeps, and the most one batch carries (older ones are counted)
ANSWERS_KEPT: Final = 200  # answers' bytes kept ...
ANSWER_BYTES_KEPT: Final = 8 * 1024 * 1024  # ... and at most this many bytes of them
DEVICES_LISTED: Final = 30  # devices offered for "use for this device", newest first
MSG_SHOWN: Final = 80  # characters of an envelope's msg shown in a row
ROW_TEXT: Final = 200  # characters of a device, authcode or client type shown in a row
_ENVELOPE_START: Final = b'{"msg":'  # how every envelope the mock encodes begins (envelope.py)
_DECODER: Final = json.JSONDecoder()

NOT_KEPT: Final = (
    f"not kept: answers are kept only while a dashboard is open, the last {ANSWERS_KEPT} "
    f"({ANSWER_BYTES_KEPT // 2**20} MB)"
)
DROPPED: Final = "no answer was sent: the connection was dropped (a network fault)"


@per_request
class Kept:
    """An answer's bytes, as sent, with the request they answered."""

    entry: Served
    content_type: str
    body: bytes


class Answers:
    """The last answers' bytes by request id, bounded by count and by bytes, oldest out first."""

    def __init__(self, count: int = ANSWERS_KEPT, size: int = ANSWER_BYTES_KEPT) -> None:
        self.count, self.size = count, size
        self.bytes = 0
        self._kept: OrderedDict[int, Kept] = OrderedDict()

    def keep(self, entry: Served, content_type: str, body: bytes) -> None:
        old = self._kept.pop(entry.id, None)  # ids start again after a reset
        if old is not None:
            self.bytes -= len(old.body)
        if len(body) > self.size:
            return
        self._kept[entry.id] = Kept(entry, content_type, body)
        self.bytes += len(body)
        while len(self._kept) > self.count or self.bytes > self.size:
            _, gone = self._kept.popitem(last=False)
            self.bytes -= len(gone.body)

    def get(self, entry: Served) -> Kept | None:
        """The answer to this very request (not to an earlier one with the same id)."""
        kept = self._kept.get(entry.id)
        return kept if kept is not None and kept.entry is entry else None

    def __len__(self) -> int:
        return len(self._kept)


class Feed:
    """The requests observed while a dashboard is open, and their answers' bytes."""

    def __init__(self) -> None:
        self.watchers = 0
        self.seen = 0  # requests observed so far; a stream remembers where it was
        self.recent: deque[Served] = deque(maxlen=ROWS)
        self.answers = Answers()
        self.started = time.monotonic()

    def saw(self, entry: Served, sent: Sent) -> None:
        """The observer (`Runtime.observe_answers`), only while a dashboard is open: the request,
        and the answer's bytes as they were sent to it."""
        self.recent.append(entry)
        self.seen += 1
        body = sent.body
        if isinstance(body, bytes):
            self.answers.keep(entry, sent.headers.get("Content-Type", ""), body)

    def opened(self) -> bool:
        """A dashboard opened; True when it is the first (the observer is to be added)."""
        self.watchers += 1
        return self.watchers == 1

    def closed(self) -> bool:
        """A dashboard closed; True when it was the last (the observer is to be removed)."""
        self.watchers -= 1
        if self.watchers == 0:
            self.recent.clear()
            return True
        return False

    def since(self, seen: int) -> tuple[list[Served], int]:
        """The requests observed after the first `seen`, oldest first (at most ROWS), and how
        many more came that a batch leaves out."""
        new = self.seen - seen
        carried = min(new, len(self.recent))
        return list(itertools.islice(self.recent, len(self.recent) - carried, None)), new - carried


# -- documents for the page ---------------------------------------------------------------


def row(entry: Served, kept: Kept | None) -> dict[str, Any]:
    """One line of the request list: what it says, the answer's msg when its bytes are kept."""
    return {
        "id": entry.id,
        "time": entry.time,
        "method": entry.method,
        "action": entry.action,
        "client_type": short(entry.client_type),
        "device": short(entry.device),
        "authcode": short(entry.authcode),
        "scenario": entry.scenario,
        "rule": entry.rule,
        "code": entry.code,
        "status": entry.status,
        "latency_ms": round(entry.latency_ms, 1),
        "note": bool(entry.note or entry.notice),
        "launch": LAUNCH_NOTE in entry.note,
        # None: answered while no dashboard was open, its bytes not kept ("" when nothing was sent)
        "msg": envelope_msg(kept.body) if kept else ("" if entry.status == NO_ANSWER else None),
        # Which release answered and why (`Served.release`).
        "release": entry.release,
        "release_reason": entry.release_reason,
    }


def short(text: str) -> str:
    """A value as a row shows it: a request under `cut.LARGE` keeps its values whole, and every
    open page is sent 500 rows at once; the request opened shows them all."""
    return text if len(text) <= ROW_TEXT else text[:ROW_TEXT] + MARKER.format(size=len(text), unit="characters")


def envelope_msg(body: bytes) -> str:
    """An envelope's msg, which the mock always writes first; "" for any other body."""
    if not body.startswith(_ENVELOPE_START):
        return ""
    try:
        msg, _ = _DECODER.raw_decode(body[len(_ENVELOPE_START) : len(_ENVELOPE_START) + 4 * MSG_SHOWN].decode("utf-8", "replace"))
    except ValueError:
        return ""
    return msg[:MSG_SHOWN] if isinstance(msg, str) else ""


def detail(entry: Served, kept: Kept | None) -> dict[str, Any]:
    """A request opened: the journal's entry, and its answer's bytes or why they are not here."""
    answer: dict[str, Any]
    if kept is not None:
        text = kept.body.decode("utf-8", "replace")
        answer = {"kept": True, "content_type": kept.content_type, "bytes": len(kept.body), "raw": text, "pretty": pretty(text)}
    else:
        answer = {"kept": False, "why": DROPPED if entry.status == NO_ANSWER else NOT_KEPT}
    # The note says the client read these settings at launch: the page offers to bind the scenario.
    return {"entry": entry.as_json(), "answer": answer, "launch": LAUNCH_NOTE in entry.note}


def pretty(text: str) -> str:
    """JSON indented (CJK as it is), anything else as it came."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text


def server(runtime: Runtime, feed: Feed) -> dict[str, Any]:
    """The Server panel, and what else the page keeps up to date: bindings, devices, journal."""
    scenarios = runtime.context.scenarios
    last = runtime.last_reload
    entries = runtime.journal.find(Query())
    return {
        "version": __version__,
        "profile": runtime.settings.profile,
        "uptime": time.monotonic() - feed.started,
        "scenarios": len(scenarios.scenarios),
        "files": len(scenarios.files),
        "hot_reload": runtime.settings.watch,
        "reload": None if last is None else {"time": last.time, "ok": not last.problems, "problems": [str(p) for p in last.problems]},
        "clock": control.clock(runtime),
        "bindings": control.bindings(runtime),
        "devices": devices(entries),
        "journal": {"count": len(entries), "size": runtime.journal.size, "dropped": runtime.journal.dropped},
        "reset_scopes": list(control.RESET_SCOPES),
        "reset_default": "clients",
    }


def devices(entries: list[Served]) -> list[dict[str, str]]:
    """The devices the journal has seen, newest first, with the client type they used last."""
    found: dict[str, str] = {}
    for entry in reversed(entries):
        device = entry.device
        if device and device not in found:
            found[device] = entry.client_type
            if len(found) == DEVICES_LISTED:
                break
    return [{"device": device, "client_type": client} for device, client in found.items()]
