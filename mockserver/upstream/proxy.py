"""One request to the upstream and its answer back, or the envelope saying why not.

The request goes as the client sent it: method, path, query and body bytes, and the headers a
ShopXO reads (content type, cookies for `application=web` sessions, language, user agent); the
token is the one `policy.upstream_token` says. The answer comes back unchanged: status, content
type, bytes (and `Set-Cookie`, `Location`: a redirect is passed on, not followed), but for an
upstream that compresses although asked not to: gzip and deflate are undone (the recorder and the
diff read plain bytes; the decoded size is bounded like the rest), any other coding (br) is passed
on with its `Content-Encoding` for the client to undo. What cannot come back (no connection, no
answer in time, not HTTP, cut short, over the size bound) is answered in the envelope with code -1
and HTTP 502 (504 for a timeout), naming the upstream and the route, never with a traceback, and
in the mock's own words: aiohttp's messages quote the URL, query and token included, and the
upstream's bytes, which may echo them (`web.client.reason`, then `_scrubbed`).

A path that would leave the upstream's site root once its web server decoded and resolved it
(`/api.php/../../admin.php`, `%2e%2e`, `%2f`, backslashes) is refused in the envelope and never
sent: a ShopXO under `/shop/` must not serve `/admin.php` (`within_root`).

This module decides what goes, what is sent and what the mock answers instead (`Proxy`); the
exchange over HTTP is the edge's (`web.client.Upstream`, aiohttp's client).
"""

from __future__ import annotations

import json
import posixpath
import re
import time
import zlib
from typing import Callable, Final
from urllib.parse import quote, unquote

from yarl import URL

from ..answers import Answer
from ..context import Context
from ..contract import messages as m
from ..journal.served import NO_ANSWER, UpstreamVisit
from ..params import Call
from ..rendering.envelope import Envelope
from ..scenarios.model import RawReply
from ..settings import Settings
from ..support.records import per_request
from . import messages as say
from .policy import Forward, goes_upstream, upstream_token

# The request headers that reach the upstream; the rest are the mock's or the hop's business.
FORWARDED_HEADERS: Final = frozenset(
    {"content-type", "accept", "accept-language", "user-agent", "cookie", "authorization", "referer", "x-requested-with"}
)
# The answer's headers that come back besides its status, content type and bytes.
RETURNED_HEADERS: Final = ("Set-Cookie", "Location")
CHUNK: Final = 64 * 1024
# `{"msg":"…","code":N,` — a ShopXO envelope's code, read without parsing the whole answer.
_CODE = re.compile(rb'^\{"msg":"(?:[^"\\]|\\.)*","code":(-?\d+)[,}]')
_TOKEN_PAIR = re.compile(r"(?:^|(?<=&))token=[^&]*")
# A URL in an error text (aiohttp's `url='...'`, a redirect's target): replaced by the site root.
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]*")
# The upstream's own bytes quoted by aiohttp's parser (b'...'): they may echo the request line.
_QUOTED_BYTES = re.compile(r"""b(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
DECODED: Final = frozenset({"gzip", "x-gzip", "deflate"})  # undone here; any other is passed on
DECODE_ROUNDS: Final = 3  # %252e: a server or a PHP router decoding twice still stays inside
# How a visit the mock refused itself begins its error: nothing reached the upstream (the access
# log marks such a request as the mock's, not the upstream's).
NOT_SENT: Final = "not sent: "


@per_request
class Relayed:
    """What became of one request handed to the upstream."""

    visit: UpstreamVisit  # for the journal
    answer: Answer  # the envelope when the mock answers instead; else what the journal reads of it
    body: bytes | None = None  # the upstream's bytes, to send unchanged (None: send `answer`)
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()  # RETURNED_HEADERS as the upstream sent them
    path: str = ""  # the path and query the client asked (the recorder replays it)

    @property
    def passed(self) -> bool:
        return self.body is not None


Listener = Callable[[Call, Relayed], None]  # told of every answer that passed (the recorder)
# What came back: status, content type, the RETURNED_HEADERS as sent, the bytes.
Fetched = tuple[int, str | None, tuple[tuple[str, str], ...], bytes]


class Proxy:
    """The real ShopXO behind the mock (`--upstream`): which requests go, what is sent, and what
    the mock answers when nothing usable comes back. The exchange itself, over HTTP, is the
    edge's: `web.client.Upstream`."""

    def __init__(self, settings: Settings) -> None:
        if settings.upstream is None:
            raise ValueError("no upstream configured")
        self.root = site_root(settings.upstream)
        self.root_path = URL(self.root).path  # what a forwarded path must stay under, e.g. /shop/
        self.mode = Forward(settings.forward)
        self.token = settings.upstream_token
        self.timeout = settings.upstream_timeout
        self.max_body = settings.upstream_max_body
        self.verify = not settings.upstream_insecure
        self.listeners: list[Listener] = []

    def takes(self, call: Call, ctx: Context) -> bool:
        return goes_upstream(call, ctx, self.mode, self.token)

    async def forward(self, call: Call, raw_path: str, ctx: Context) -> Relayed:
        route = call.route.name
        where = f"{self.root}{raw_path.lstrip('/').partition('?')[0]}"
        if not within_root(self.root_path, raw_path):
            text = say.OUTSIDE_ROOT.format(upstream=self.root, route=route, root=self.root_path)
            return Relayed(UpstreamVisit(where, NO_ANSWER, 0.0, NOT_SENT + text), Answer(Envelope(text, m.FAIL), status=400))
        token = upstream_token(call, ctx, self.token)
        if isinstance(token, Envelope):
            return Relayed(UpstreamVisit(where, NO_ANSWER, 0.0, NOT_SENT + token.msg), Answer(token))
        started = time.perf_counter()
        try:
            status, content_type, headers, body = await self.exchange(call.method, *self.outgoing(call, raw_path, token))
        except Failure as failure:
            ms = (time.perf_counter() - started) * 1000
            secrets = (self.token or "", call.text("token"), raw_path.partition("?")[2])
            reason = _scrubbed(failure.reason, where, secrets)
            text = failure.text.format(upstream=self.root, route=route, seconds=self.timeout, limit=self.max_body, reason=reason)
            answer = Answer(Envelope(text, m.FAIL), status=failure.status)
            return Relayed(UpstreamVisit(where, failure.upstream_status, ms, text), answer)
        ms = (time.perf_counter() - started) * 1000
        code = envelope_code(body)
        journal_view = Envelope("", code) if code is not None else RawReply(status, "", content_type or "")
        relayed = Relayed(UpstreamVisit(where, status, ms), Answer(journal_view, status=status), body, content_type, headers, raw_path)
        for listener in self.listeners:
            listener(call, relayed)
        return relayed

    def outgoing(self, call: Call, raw_path: str, token: str | None) -> tuple[str, list[tuple[str, str]], bytes]:
        """What goes upstream for `call`: the URL (already encoded: sent as it is), the headers
        a ShopXO reads, and the body, the token in both replaced by the one `policy` chose."""
        path, _, query = raw_path.lstrip("/").partition("?")
        body = call.raw_body
        if token is not None:
            query = with_token(query, token)
            body = body_with_token(body, call.header("Content-Type") or "", token)
        headers = [
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, value in call.headers
            if key.decode("latin-1").lower() in FORWARDED_HEADERS
        ]
        return self.root + path + ("?" + query if query else ""), headers, body

    async def exchange(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> Fetched:
        """The upstream's answer: status, content type, RETURNED_HEADERS and the bytes (gzip and
        deflate undone, at most `max_body` of them); `Failure` when there is none to pass on."""
        raise NotImplementedError

    async def close(self) -> None:
        """Let go of whatever the exchange keeps open."""


class Failure(Exception):
    """Why the upstream's answer cannot be passed on: one of `messages`, and the HTTP status the
    mock's envelope goes with."""

    def __init__(
        self, text: str, *, status: int = 502, upstream_status: int = NO_ANSWER, reason: str | None = None
    ) -> None:
        super().__init__(text)
        self.text = text  # formatted with the upstream, route and scrubbed reason by `Proxy.forward`
        self.status = status
        self.upstream_status = upstream_status
        self.reason = reason


def _scrubbed(reason: str | None, where: str, secrets: tuple[str, ...]) -> str:
    """A failure's reason (`web.client.reason`) made safe to show anywhere: any URL becomes
    `where` (site root and path, no query), quoted bytes go, and no secret (the tokens, the
    query) is left in, however quoted."""
    text = _QUOTED_BYTES.sub("b'...'", reason or "")
    text = _URL.sub(lambda _: where, text)
    for secret in secrets:
        if len(secret) >= 3:
            for form in {secret, quote(secret, safe=""), quote(secret, safe="=&"), repr(secret)[1:-1]}:
                text = text.replace(form, "***")
    return " ".join(text.split())[:200]


def within_root(root_path: str, raw_path: str) -> bool:
    """Would `raw_path` (the client's path and query, joined to the site root) stay under
    `root_path` once the upstream's web server had it? It decodes percent-escapes (`%2e`, `%2f`;
    twice, for a router that decodes again), takes a backslash as a separator (IIS, PHP on
    Windows) and resolves `.` and `..`, as Apache, nginx and PHP's built-in server do."""
    path = raw_path.partition("?")[0]
    if "." not in path and "%" not in path and "\\" not in path:
        return True  # the client's own forms (api.php?s=..., api.php/goods/detail): nothing to resolve
    for _ in range(DECODE_ROUNDS):
        decoded_path = unquote(path, errors="surrogateescape").replace("\\", "/")
        full = root_path + decoded_path.lstrip("/")
        resolved = posixpath.normpath(full)
        if resolved.startswith("//"):
            resolved = "/" + resolved.lstrip("/")
        if not (resolved + "/").startswith(root_path):
            return False
        if decoded_path == path:
            return True
        path = decoded_path
    return False  # still changing after every round: no server decodes that often, nor lets it in


def decoded(body: bytes, coding: str, limit: int, status: int) -> bytes:
    """A gzip or deflate body undone, at most `limit` bytes of it (a small bomb stays small)."""
    gzip = coding != "deflate"
    error: Exception | None = None
    for bits in (16 + zlib.MAX_WBITS,) if gzip else (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # deflate: zlib or raw
        out = bytearray()
        rest = body
        try:
            while rest:
                inflater = zlib.decompressobj(bits)
                out += inflater.decompress(rest, limit + 1 - len(out))
                if len(out) > limit or inflater.unconsumed_tail:
                    raise Failure(say.TOO_LARGE, upstream_status=status)
                if not inflater.eof:
                    raise zlib.error("the compressed answer is cut short")
                rest = inflater.unused_data  # gzip allows several members one after another
                if not (gzip and rest.startswith(b"\x1f\x8b")):
                    break  # padding after the last member, as some servers send: not the answer's
        except zlib.error as exc:
            error = exc
            continue
        return bytes(out)
    raise Failure(say.UNREADABLE, upstream_status=status, reason=f"{coding}: {error}")


def site_root(url: str) -> str:
    """The upstream's site root as the mock joins paths to it: scheme, host, any path, ending in /.
    A URL naming the entry script (`https://shop/api.php`) means the site it is in."""
    parsed = URL(url)
    path = parsed.path
    if path.endswith((".php", ".html")):
        path = path.rpartition("/")[0]
    return str(parsed.with_path(path.rstrip("/") + "/").with_query(None).with_fragment(None))


def with_token(query: str, token: str) -> str:
    """The raw query with its `token` value replaced, every other byte as it came."""
    return _TOKEN_PAIR.sub(lambda _: "token=" + quote(token, safe=""), query)


def body_with_token(body: bytes, content_type: str, token: str) -> bytes:
    """A body that carries `token` itself (a form, a JSON object), with it replaced."""
    if b"token" not in body:
        return body
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "application/x-www-form-urlencoded":
        return with_token(body.decode("latin-1"), token).encode("latin-1")
    if "json" in mime:
        try:
            document = json.loads(body)
        except ValueError:
            return body
        if isinstance(document, dict) and "token" in document:
            document["token"] = token
            return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return body


def envelope_code(body: bytes) -> int | None:
    """The code of a ShopXO envelope (for the journal), None for any other answer."""
    found = _CODE.match(body)
    return int(found.group(1)) if found else None
