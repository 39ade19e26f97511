"""One request to the upstream and its answer back, or the envelope saying why not.

The request goes as the client sent it: method, path, query and body bytes, and the headers a
ShopXO reads (content type, cookies for `application=web` sessions, language, user agent); the
token is the one `policy.upstream_token` says. The answer comes back unchanged: status, content
type, bytes (and `Set-Cookie`, `Location`: a redirect is passed on, not followed). What cannot
come back (no connection, no answer in time, not HTTP, cut short, over the size bound) is
answered in the envelope with code -1 and HTTP 502 (504 for a timeout), naming the upstream and
the route, never with a traceback.

aiohttp's client only: one session per upstream, made on first use inside the running loop,
with no cookie jar (one client's session cookie must never reach another's request).
"""

from __future__ import annotations

import json
import re
import ssl
import time
from typing import Callable, Final
from urllib.parse import quote

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from ..actions.steps import Answer
from ..context import Context
from ..contract import messages as m
from ..envelope import Envelope
from ..params import Call
from ..records import per_request
from ..scenarios.model import RawReply
from ..served import NO_ANSWER, UpstreamVisit
from ..settings import Settings
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


class Upstream:
    """The real ShopXO behind the mock (`--upstream`)."""

    def __init__(self, settings: Settings) -> None:
        if settings.upstream is None:
            raise ValueError("no upstream configured")
        self.root = site_root(settings.upstream)
        self.mode = Forward(settings.forward)
        self.token = settings.upstream_token
        self.timeout = settings.upstream_timeout
        self.max_body = settings.upstream_max_body
        self.verify = not settings.upstream_insecure
        self.listeners: list[Listener] = []
        self._session: aiohttp.ClientSession | None = None

    def takes(self, call: Call, ctx: Context) -> bool:
        return goes_upstream(call, ctx, self.mode, self.token)

    async def forward(self, call: Call, raw_path: str, ctx: Context) -> Relayed:
        route = call.route.name
        where = f"{self.root}{raw_path.lstrip('/').partition('?')[0]}"
        token = upstream_token(call, ctx, self.token)
        if isinstance(token, Envelope):
            return Relayed(UpstreamVisit(where, NO_ANSWER, 0.0, "not sent: " + token.msg), Answer(token))
        started = time.perf_counter()
        try:
            status, content_type, headers, body = await self._exchange(call, raw_path, token)
        except Failure as failure:
            ms = (time.perf_counter() - started) * 1000
            text = failure.text.format(upstream=self.root, route=route, seconds=self.timeout, limit=self.max_body)
            answer = Answer(Envelope(text, m.FAIL), status=failure.status)
            return Relayed(UpstreamVisit(where, failure.upstream_status, ms, text), answer)
        ms = (time.perf_counter() - started) * 1000
        code = envelope_code(body)
        journal_view = Envelope("", code) if code is not None else RawReply(status, "", content_type or "")
        relayed = Relayed(UpstreamVisit(where, status, ms), Answer(journal_view, status=status), body, content_type, headers, raw_path)
        for listener in self.listeners:
            listener(call, relayed)
        return relayed

    async def _exchange(
        self, call: Call, raw_path: str, token: str | None
    ) -> tuple[int, str | None, tuple[tuple[str, str], ...], bytes]:
        path, _, query = raw_path.lstrip("/").partition("?")
        body = call.raw_body
        if token is not None:
            query = with_token(query, token)
            body = body_with_token(body, call.header("Content-Type") or "", token)
        url = URL(self.root + path + ("?" + query if query else ""), encoded=True)
        headers = CIMultiDict(
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, value in call.headers
            if key.decode("latin-1").lower() in FORWARDED_HEADERS
        )
        headers["Accept-Encoding"] = "identity"  # the bytes as the upstream made them, nothing to undo
        try:
            async with self.session().request(
                call.method, url, headers=headers, data=body or None, allow_redirects=False
            ) as response:
                announced = response.content_length
                if announced is not None and announced > self.max_body:
                    raise Failure(say.TOO_LARGE, upstream_status=response.status)
                received = bytearray()
                async for chunk in response.content.iter_chunked(CHUNK):
                    received += chunk
                    if len(received) > self.max_body:
                        raise Failure(say.TOO_LARGE, upstream_status=response.status)
                returned = tuple((name, value) for name in RETURNED_HEADERS for value in response.headers.getall(name, ()))
                return response.status, response.headers.get("Content-Type"), returned, bytes(received)
        except Failure:
            raise
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise Failure(say.TIMED_OUT, status=504) from None
        except (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError) as exc:
            raise Failure(say.TLS_FAILED, reason=_reason(exc)) from None
        except aiohttp.ClientConnectorError as exc:
            raise Failure(say.REFUSED, reason=_reason(exc)) from None
        except aiohttp.ServerDisconnectedError:
            raise Failure(say.DISCONNECTED) from None
        except aiohttp.ClientPayloadError as exc:
            raise Failure(say.CUT_SHORT, reason=_reason(exc)) from None
        except aiohttp.ClientResponseError as exc:  # the parser's refusals: not an HTTP answer
            raise Failure(say.NOT_HTTP, reason=_reason(exc)) from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            raise Failure(say.FAILED, reason=_reason(exc)) from None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            context: ssl.SSLContext | bool = ssl.create_default_context() if self.verify else False
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(ssl=context),
                cookie_jar=aiohttp.DummyCookieJar(),
                skip_auto_headers=("User-Agent",),  # the client's own, or none
                auto_decompress=False,
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class Failure(Exception):
    """Why the upstream's answer cannot be passed on: one of `messages`, and the HTTP status the
    mock's envelope goes with."""

    def __init__(self, text: str, *, status: int = 502, upstream_status: int = NO_ANSWER, reason: str = "") -> None:
        super().__init__(text)
        # Formatted now for the reason, later for the upstream and route (`Upstream.forward`).
        self.text = text.replace("{reason}", reason.replace("{", "{{").replace("}", "}}"))
        self.status = status
        self.upstream_status = upstream_status


def _reason(exc: BaseException) -> str:
    """An exception in one line, as a person reads it (aiohttp's own words, less the noise)."""
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())[:200]


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
