"""What passed through the upstream, as a scenario file that replays the same bytes (decision 13).

Each answer becomes a reply of a scenario keyed by what a replay can send again:
- the route (`action`) and the request's own parameters (`match.params`, exact, masked), less the
  ones that change from one run to the next or are secret: `uuid`, `token`, `authcode`, the
  client's brand, theme, position and referrer, anything secret-sounding (`masking.SECRET_NAME`:
  `encrypted_data`, `iv`, `verify`, ...) and the phone `code` of the one-key mobile routes;
- on a route that needs a login (the release's `IsLogin()` routes: `cart/*`, `order/*`, ...) also
  the token, as recorded (masked: the stand-in the recorded login answered), since there the
  answer is the token's user's; a replay with any other token gets the mock's own answer, the
  escaped -400 to a token it does not know;
- a login (the routes answering a platform user) by the device: `uuid` and the client type,
  since its authcode is single-use and a replay never sends the same one; without a uuid, by the
  authcode (a scripted replay does send it again).
Answers are replies as the format writes them, chosen so the mock re-encodes them to the same bytes:
- `envelope: {msg, code, data}` for a success of a declared route, `error: {code, msg, data}` for an
  error (`error: login_expired` for `IsLogin()`'s escaped -400), when the mock's encoding of it
  gives the recorded bytes;
- a login's existing user as a canned `user:` (its columns, its token pinned);
- anything else (another escaped envelope, HTML, a 5xx, a body that is not an envelope) as
  `fault: {status, body, content_type}`: the bytes as they came.
Before the file is written the recorder replays this run's requests against a mock serving it
(`replay.check`): a reply answered differently (a login the mock words otherwise, say a WeChat
registration's 「授权成功」) becomes its bytes as a `fault`. The same key answered differently is a
sequence (`replies`, in the order first seen, the last repeated), at most MAX_REPLIES long.
Recording again into the same file merges: known answers are not added twice.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final, Mapping

import yaml

from ..contract import messages as m
from ..contract.clients import spoken_by
from ..contract.profiles import PROFILES
from ..contract.routes import ActionKey, outcomes_for
from ..params import Call, scalar_text
from ..rendering.envelope import JSON_TYPE, Encoding, Envelope, encode
from .masking import Masker, apply, secret_name
from .policy import needs_login
from .proxy import Relayed

NOISE: Final = frozenset(
    {"uuid", "token", "authcode", "application_client_brand", "theme", "ajax", "user_lng", "user_lat", "mzt_token", "referrer"}
)
# The one-key mobile routes: their `code` is WeChat's one-time code for the user's phone number.
PHONE_CODE_ROUTES: Final[frozenset[ActionKey]] = frozenset({("User", "onekeyusermobiledecrypt"), ("User", "onekeyusermobilebind")})
MAX_REPLIES: Final = 16  # answers that change every time (a clock, a counter) stop growing the file here
NAME_PREFIX: Final = "recorded-"
EXIT_TYPE: Final = "text/html; charset=UTF-8"  # PHP's default, on the escaped envelopes (§2.3)
Dumper: Final[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _user_fields() -> Mapping[str, Any]:
    """The canned user's fields and their JSON Schema (`scenarios/schema.json`), read once."""
    schema = json.loads(resources.files("mockserver.scenarios").joinpath("schema.json").read_text())
    return dict(schema["$defs"]["user"]["properties"])


USER_FIELDS: Final = _user_fields()


@dataclass(slots=True)
class Entry:
    """One scenario of the recording."""

    name: str
    action: str  # e.g. goods/detail
    match: dict[str, Any]
    replies: list[dict[str, Any]] = field(default_factory=list)
    raw: list[dict[str, Any]] = field(default_factory=list)  # each reply's bytes as a fault, to fall back on
    description: str = ""

    @property
    def key(self) -> str:
        return key_of(self.action, self.match)

    def scenario(self) -> dict[str, Any]:
        document: dict[str, Any] = {"name": self.name}
        if self.description:
            document["description"] = self.description
        document["tags"] = ["recorded"]
        document["action"] = self.action
        document["match"] = self.match
        if len(self.replies) == 1:
            document["reply"] = self.replies[0]
        else:
            document["replies"] = self.replies
        return document


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request of this run and its answer, masked as the file has them: what a replay sends
    and must get back (`replay`)."""

    method: str
    path: str  # path and query
    content_type: str
    body: bytes
    status: int
    answer_type: str
    answer: bytes
    entry: str  # the key of the entry it went into
    reply: int  # the index of its reply there


def key_of(action: str, match: Mapping[str, Any]) -> str:
    return action + " " + json.dumps(match, sort_keys=True, ensure_ascii=False)


class Recording:
    """The scenarios recorded so far (an earlier file's included), in the order first seen."""

    def __init__(self, masker: Masker | None, source: str = "", profile: str = "") -> None:
        self.masker = masker
        self.source = source
        self.profile = profile
        self.entries: dict[str, Entry] = {}
        self.exchanges: list[Exchange] = []
        self.skipped: list[str] = []  # answers that cannot be a scenario, and why
        self.secrets: dict[str, str] = {}  # each secret met so far -> its stand-in

    # -- reading an earlier recording ---------------------------------------------------------

    def merge_file(self, path: Path) -> None:
        """Take in the scenarios of an earlier recording (any scenario file in the same format)."""
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for scenario in document.get("scenarios", ()):
            self._merge(scenario)

    def merge_journal(self, path: Path) -> int:
        """Take in the answers a session that did not finish left in its journal (`journal_line`),
        and say how many; a last line cut short by a kill is left out."""
        taken = 0
        with open(path, encoding="utf-8", errors="replace") as file:
            for line in file:
                try:
                    scenario = json.loads(line)
                except ValueError:
                    continue
                if isinstance(scenario, dict) and "reply" in scenario:
                    self._merge(scenario)
                    taken += 1
        return taken

    def _merge(self, scenario: Mapping[str, Any]) -> None:
        replies = [scenario["reply"]] if "reply" in scenario else list(scenario.get("replies", ()))
        entry = Entry(
            scenario["name"],
            scenario.get("action", "user/appminiuserauth"),
            dict(scenario.get("match", {})),
            replies,
            list(replies),
            scenario.get("description", ""),
        )
        known = self.entries.get(entry.key)
        if known is None:
            self.entries[entry.key] = entry
        else:
            for reply in entry.replies:
                self._add_reply(known, reply, reply)

    # -- recording ------------------------------------------------------------------------------

    def add(self, call: Call, relayed: Relayed) -> None:
        """A `proxy.Listener`: one answer that passed."""
        body = relayed.body or b""
        route = call.route.name
        try:
            text = body.decode()
        except UnicodeDecodeError:
            self.skipped.append(f"{call.method} {route}: the answer is not UTF-8 text ({len(body)} bytes)")
            return
        document = _json(text)
        pairs = self.secrets
        if self.masker is not None:
            # Every secret seen so far, not only this answer's: an openid one answer names as such
            # may come back in another under a name that says nothing (a link, a note).
            pairs.update(self.masker.replacements(document, call.params, text))
            text = apply(text, pairs)
            document = _json(text)
        status, content_type = relayed.visit.status, relayed.content_type or ""
        key = call.route.key
        # Not pinned (`--profile auto`): the release this request's client speaks.
        profile = self.profile if self.profile in PROFILES else spoken_by(call.params)[0].name
        match = match_of(call, key, profile, pairs)
        entry = self.entries.get(key_of(route, match))
        if entry is None:
            entry = Entry(self._name(route), route, match, description=f"{call.method} {route}, recorded from {self.source}")
            self.entries[entry.key] = entry
        reply = reply_of(key, status, content_type, text, document)
        index = self._add_reply(entry, reply, fault(status, content_type, text))
        path = apply(relayed.path, pairs)
        request_body = apply(call.raw_body.decode("utf-8", "surrogateescape"), pairs).encode("utf-8", "surrogateescape")
        self.exchanges.append(
            Exchange(
                call.method, path, call.header("Content-Type") or "", request_body,
                status, content_type, text.encode(), entry.key, index,
            )
        )  # fmt: skip

    def _add_reply(self, entry: Entry, reply: dict[str, Any], raw: dict[str, Any]) -> int:
        for index, known in enumerate(entry.replies):
            if known == reply or entry.raw[index] == raw:
                return index
        if len(entry.replies) >= MAX_REPLIES:
            self.skipped.append(f"{entry.action}: more than {MAX_REPLIES} different answers to one request; the rest left out")
            return len(entry.replies) - 1
        entry.replies.append(reply)
        entry.raw.append(raw)
        return len(entry.replies) - 1

    def _name(self, route: str) -> str:
        names = {entry.name for entry in self.entries.values()}
        stem = NAME_PREFIX + route.replace("/", "-")
        number = 1
        while f"{stem}-{number}" in names:
            number += 1
        return f"{stem}-{number}"

    def fall_back(self, key: str, reply: int) -> bool:
        """Replace a reply the mock did not replay byte for byte by its bytes as a fault; False
        when it is one already."""
        entry = self.entries[key]
        if entry.replies[reply] == entry.raw[reply]:
            return False
        entry.replies[reply] = entry.raw[reply]
        return True

    def journal_line(self, exchange: Exchange) -> str:
        """One answer of this run as a line of the journal `shopxo-mock record` keeps beside its
        file while it runs: a scenario with that one reply, as `merge_journal` reads it."""
        entry = self.entries[exchange.entry]
        scenario = {
            "name": entry.name, "description": entry.description, "action": entry.action,
            "match": entry.match, "reply": entry.replies[exchange.reply],
        }  # fmt: skip
        return json.dumps(scenario, ensure_ascii=False, separators=(",", ":")) + "\n"

    # -- writing --------------------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        # A scenario with more conditions first: a replay of its request must not be taken by
        # one whose fewer conditions also hold (first match in file order wins).
        ordered = sorted(self.entries.values(), key=lambda e: (e.action, -len(e.match.get("params", {}))))
        return {"version": 1, "scenarios": [entry.scenario() for entry in ordered]}

    def dump(self) -> str:
        masked = "secrets masked" if self.masker is not None else "secrets kept (--keep-secrets)"
        head = (
            f"# Recorded by shopxo-mock record from {self.source} (profile {self.profile}); {masked}.\n"
            "# Replay: shopxo-mock --fixtures <this directory> --profile " + f"{self.profile}\n"
        )
        return head + yaml.dump(self.document(), Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1 << 20)

    def write(self, path: Path) -> None:
        """The file, whole or as it was: written beside it, flushed to disk, then renamed over it
        (a hot-reloading mock never reads half a file, a `kill -9` never leaves one)."""
        temporary = path.with_name(path.name + ".part")
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(self.dump())
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(path)


def match_of(call: Call, key: ActionKey, profile: str, pairs: Mapping[str, str]) -> dict[str, Any]:
    """What a replay of this request sends again (see the module's docstring); `pairs`: the
    masker's stand-ins."""
    params = {
        name: apply(scalar_text(value), pairs)
        for name, value in sorted(call.params.items())
        if name not in NOISE and not secret_name(name) and not isinstance(value, (dict, list))
        and not (name == "code" and key in PHONE_CODE_ROUTES)
    }  # fmt: skip
    match: dict[str, Any] = {}
    token = call.text("token")
    if token and needs_login(key, profile):
        params["token"] = pairs.get(token, token)
    if "user" in outcomes_for(key):
        uuid = call.text("uuid")
        if uuid:
            params["uuid"] = apply(uuid, pairs)
        elif call.text("authcode"):
            match["authcode"] = apply(call.text("authcode"), pairs)
    if params:
        match["params"] = dict(sorted(params.items()))
    return match


def reply_of(key: ActionKey, status: int, content_type: str, text: str, document: Any) -> dict[str, Any]:
    """The reply the mock answers these bytes with (see the module's docstring)."""
    allowed = outcomes_for(key)
    if is_login_check(status, content_type, text) and "error" in allowed:
        return {"error": "login_expired"}
    if status == 200 and content_type == JSON_TYPE and _envelope(document) and not _templated(document):
        msg, code, data = document["msg"], document["code"], document["data"]
        if encode(Envelope(msg, code, data)) == text.encode():
            if code != 0 and msg and "error" in allowed:
                return {"error": {"code": code, "msg": msg, **({"data": data} if data != "" else {})}}
            if code == 0 and "user" in allowed and isinstance(data, dict):
                user = canned_user(data)
                if user is not None:
                    return {"user": user}
            if code == 0 and "envelope" in allowed:
                return {"envelope": {"msg": msg, "code": code, "data": data}}
    return fault(status, content_type, text)


def fault(status: int, content_type: str, text: str) -> dict[str, Any]:
    return {"fault": {"status": status, "body": text, "content_type": content_type}}


def is_login_check(status: int, content_type: str, text: str) -> bool:
    """Is it `IsLogin()`'s -400, byte for byte, in a language the mock speaks?"""
    if status != 200 or content_type != EXIT_TYPE:
        return False
    return any(
        encode(Envelope(m.LOGIN_EXPIRED.in_lang(lang), m.LOGIN_EXPIRED_CODE, encoding=Encoding.EXIT)) == text.encode()
        for lang in ("zh", "en")
    )


def canned_user(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """A login answer's existing user as a canned `user:` (None: not one, or not writable as one)."""
    if data.get("is_user_exist") != 1 or not data.get("token"):
        return None
    user: dict[str, Any] = {}
    for name, schema in USER_FIELDS.items():
        if name not in data:
            continue
        value = data[name]
        wanted = schema.get("type") or ("integer" if "enum" in schema else None)
        if name == "birthday":
            if value in ("", 0, "0"):
                continue
            wanted = "integer" if isinstance(value, int) or str(value).isdigit() else "string"
        if wanted == "integer":
            if isinstance(value, str) and value.lstrip("-").isdigit():
                value = int(value)
            if not isinstance(value, int) or isinstance(value, bool):
                return None
        elif not isinstance(value, str):
            return None
        user[name] = value
    return user


def _envelope(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and list(document) == ["msg", "code", "data"]
        and isinstance(document["msg"], str)
        and type(document["code"]) is int
    )


def _templated(value: Any) -> bool:
    """Would the loader read a template hole in it? (Then only the bytes can replay it.)"""
    if isinstance(value, str):
        return "{{" in value
    if isinstance(value, dict):
        return any(_templated(k) or _templated(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_templated(v) for v in value)
    return False


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
