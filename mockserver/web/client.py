"""The upstream's HTTP side: `upstream.proxy.Proxy` (what goes, what is sent, what the mock
answers instead) with its exchange made over aiohttp's client.

One session per upstream, made on first use inside the running loop, with no cookie jar (one
client's session cookie must never reach another's request), asking for the bytes as the
upstream made them and never following a redirect.
"""

from __future__ import annotations

import ssl

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from ..settings import Settings
from ..upstream import messages as say
from ..upstream.proxy import CHUNK, DECODED, RETURNED_HEADERS, Failure, Fetched, Proxy, decoded


class Upstream(Proxy):
    """The real ShopXO behind the mock (`--upstream`), reached over HTTP."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._session: aiohttp.ClientSession | None = None

    async def exchange(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> Fetched:
        target = URL(url, encoded=True)
        sent = CIMultiDict(headers)
        sent["Accept-Encoding"] = "identity"  # the bytes as the upstream made them, nothing to undo
        try:
            async with self.session().request(
                method, target, headers=sent, data=body or None, allow_redirects=False
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
                answer = bytes(received)
                coding = response.headers.get("Content-Encoding", "").strip().lower()
                if coding and coding != "identity":
                    if coding in DECODED:
                        answer = decoded(answer, coding, self.max_body, response.status)
                    else:  # br and the like: the client can undo it, the mock cannot (no decoder)
                        returned += (("Content-Encoding", response.headers["Content-Encoding"]),)
                return response.status, response.headers.get("Content-Type"), returned, answer
        except Failure:
            raise
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise Failure(say.TIMED_OUT, status=504) from None
        except (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError) as exc:
            raise Failure(say.TLS_FAILED, reason=reason(exc)) from None
        except aiohttp.ClientConnectorError as exc:
            raise Failure(say.REFUSED, reason=reason(exc)) from None
        except aiohttp.ServerDisconnectedError:
            raise Failure(say.DISCONNECTED) from None
        except aiohttp.ClientPayloadError as exc:
            raise Failure(say.CUT_SHORT, reason=reason(exc)) from None
        except aiohttp.ClientResponseError as exc:  # the parser's refusals: not an HTTP answer
            raise Failure(say.NOT_HTTP, reason=reason(exc)) from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            raise Failure(say.FAILED, reason=reason(exc)) from None

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


def reason(exc: BaseException) -> str:
    """What went wrong in one line: the exception's class and its description, without the parts
    that quote the request (a ClientResponseError's URL) or the upstream's bytes."""
    if isinstance(exc, aiohttp.ClientResponseError):
        text = exc.message  # not str(exc): that adds `url='...?token=...'`
    elif isinstance(exc, aiohttp.ClientConnectorError):
        os_error = exc.os_error
        text = f"{exc.host}:{exc.port}: {os_error.strerror or str(os_error) or type(os_error).__name__}"
    else:
        text = str(exc)
    text = text.split("\n", 1)[0].strip().rstrip(":")  # the parser's first line; the rest quotes bytes
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


