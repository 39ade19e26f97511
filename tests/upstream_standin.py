"""Upstreams the tests start themselves, standing in for a real ShopXO behind the mock.

- `shop_app()`: an aiohttp app answering a few routes as ShopXO does (PHP's JSON bytes, the
  escaped -400 of `IsLogin()`, an existing user's login as a real v6.9 answered it, an HTML error
  page, a picture), and `echo/request`, which answers what reached it, so a test can see exactly
  what the mock forwarded. It counts the requests it gets. `compressed/index?coding=gzip|deflate|br`
  answers compressed although asked for identity; `bomb/index` a few KB of gzip that unpack to MBs.
- `slow_app(seconds)`: answers, late.
- `garbage_server(echo=True)`: a TCP server answering bytes that are not HTTP (with `echo`, the
  request's own head, token and all, as a hostile upstream would, for the parser to quote).
- `dead_port()`: a port nobody listens on.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import socket
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

from aiohttp import web

from mockserver.rendering.envelope import Encoding, Envelope, encode, encode_json

# The token of the stand-in's one user, as a real ShopXO mints them.
REAL_TOKEN: Final = "0b3e4bf7af356c5e2efc6874bcfea6a1"
MOBILE: Final = "13812345678"
EMAIL: Final = "dev@shop.example"
OPENID: Final = "oTESTwxu10000000000000000000"
JSON_TYPE: Final = "application/json; charset=utf-8"
EXIT_TYPE: Final = "text/html; charset=UTF-8"
COOKIE: Final = "PHPSESSID=ed42e04bcd99185b782657457d2ad7d4; path=/"
# An existing user's login, as a real ShopXO v6.9 answered it (recorded with up.sh).
LOGIN: Final = json.loads((Path(__file__).parent / "data" / "upstream" / "login_existing_v6.9.json").read_bytes())
# Secrets as a real shop may answer them, under any key or none (`user/secrets`), and the phone
# number v6.9's one-key decrypt answers as the bare `data` string.
PHONE: Final = "13912345678"
JWT: Final = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl"
QQ_OPENID: Final = "8F2D7C1E4B3A59600718293A4B5C6D7E"
ID_CARD: Final = "11010519491231002X"
SECRETS_ANSWER: Final = {
    "phoneNumber": "+86" + PHONE, "purePhoneNumber": PHONE, "countryCode": "86", "openId": QQ_OPENID,
    "accessToken": JWT, "Mobile": "15912345678", "idcard_number": ID_CARD, "password": "hunter2-secret",
    "alipay": {"user_id": "2088123456789012"}, "contacts": [{"tel": 13612345678}],
    "note": "客服 13712345678，或写信给 boss@corp.example", "icon": "/static/images/icon@2x.png",
}  # fmt: skip
PICTURE: Final = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"  # not UTF-8: no scenario can hold it
COUNT: Final = web.AppKey("count", list[str])


def login_answer() -> bytes:
    """The recorded login, with a mobile and an e-mail (and what ShopXO derives from them)."""
    document = json.loads(json.dumps(LOGIN))
    data = document["data"]
    data.update(
        token=REAL_TOKEN,
        nickname="",
        mobile=MOBILE,
        email=EMAIL,
        mobile_security=MOBILE[:3] + "***" + MOBILE[-3:],
        email_security=EMAIL[:3] + "***" + EMAIL[-3:],
        user_name_view=MOBILE[:3] + "***" + MOBILE[-3:],
    )
    return encode_json(document).encode()


def envelope(data: Any, msg: str = "success", code: int = 0) -> web.Response:
    return web.Response(body=encode(Envelope(msg, code, data)), headers={"Content-Type": JSON_TYPE, "Set-Cookie": COOKIE})


def login_expired() -> web.Response:
    body = encode(Envelope("登录失效，请重新登录", -400, encoding=Encoding.EXIT))
    return web.Response(body=body, headers={"Content-Type": EXIT_TYPE})


async def shop(request: web.Request) -> web.StreamResponse:
    request.app[COUNT].append(request.path_qs)
    route = request.query.get("s", request.path.removeprefix("/api.php").strip("/")).strip("/").lower()
    body = await request.read()
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json" and body:
        params.update(json.loads(body))
    elif request.content_type == "application/x-www-form-urlencoded":
        params.update(await request.post())
    if route == "echo/request":
        return envelope(
            {
                "method": request.method,
                "path": request.raw_path,
                "body": base64.b64encode(body).decode(),
                "content_type": request.headers.get("Content-Type", ""),
                "cookie": request.headers.get("Cookie", ""),
                "user_agent": request.headers.get("User-Agent", ""),
                "accept_language": request.headers.get("Accept-Language", ""),
                "scenario_header": request.headers.get("X-Mock-Scenario", ""),
                "host": request.headers.get("Host", ""),
                "token": str(params.get("token", "")),
            }
        )
    if route == "goods/detail":
        goods = {"id": int(params.get("id", 0)), "title": "联想笔记本电脑", "price": "2100.12", "images": "http://shop.example/static/a.png"}
        return envelope({"goods": goods, "is_favor": 0})
    if route == "cart/index":
        if params.get("token") != REAL_TOKEN:
            return login_expired()
        return envelope({"total_price": "2100.12", "buy_number": "1", "data": [{"id": 1, "goods_id": 1}]})
    if route == "user/appminiuserauth":
        if not params.get("authcode"):
            return envelope("", "授权码为空", -1)
        return web.Response(body=login_answer(), headers={"Content-Type": JSON_TYPE, "Set-Cookie": COOKIE})
    if route == "user/onekeyusermobiledecrypt":
        return envelope(PHONE)
    if route == "user/secrets":
        return envelope(SECRETS_ANSWER)
    if route == "page/contact":  # not JSON: the secrets are found in the text
        page = "<p>店长 13512345678 &lt;owner@corp.example&gt;</p>".encode()
        return web.Response(body=page, headers={"Content-Type": "text/html; charset=UTF-8"})
    if route == "share/index":  # the user's openid again, under a name that does not say so
        return envelope({"link": f"http://shop.example/?from={OPENID}"})
    if route == "page/broken":
        return web.Response(status=500, body=b"<h1>Fatal error</h1>", headers={"Content-Type": "text/html; charset=UTF-8"})
    if route == "picture/index":
        return web.Response(body=PICTURE, headers={"Content-Type": "image/png"})
    if route == "big/index":
        return web.Response(body=b"x" * int(params.get("size", 0)), headers={"Content-Type": "text/plain"})
    if route == "compressed/index":  # although the mock asks for identity
        plain = encode(Envelope("success", 0, {"title": "联想笔记本电脑"}))
        coding = str(params.get("coding", "gzip"))
        packed = gzip.compress(plain) if coding == "gzip" else zlib.compress(plain) if coding == "deflate" else b"\x8b\x02\x80" + plain
        return web.Response(body=packed, headers={"Content-Type": JSON_TYPE, "Content-Encoding": coding})
    if route == "bomb/index":
        packed = gzip.compress(b"\0" * int(params.get("size", 0)))
        return web.Response(body=packed, headers={"Content-Type": "text/plain", "Content-Encoding": "gzip"})
    if route == "away/index":
        return web.Response(status=302, headers={"Location": "http://shop.example/elsewhere"})
    controller = route.partition("/")[0]
    return envelope("", f"控制器不存在({controller})", -1000)


def shop_app() -> web.Application:
    app = web.Application()
    app[COUNT] = []
    app.router.add_route("*", "/{tail:.*}", shop)
    return app


def slow_app(seconds: float) -> web.Application:
    async def late(request: web.Request) -> web.Response:
        await asyncio.sleep(seconds)
        return envelope("")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", late)
    return app


@asynccontextmanager
async def garbage_server(echo: bool = False) -> AsyncIterator[str]:
    """A server on 127.0.0.1 that answers any request with bytes that are not HTTP, then closes."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.read(1024)
        writer.write(b"NOT-HTTP " + head if echo else b"\x00\x01\x02 this is not HTTP at all\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.close()
        await server.wait_closed()


def dead_port() -> str:
    """The URL of a port nothing listens on (bound, read and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"
