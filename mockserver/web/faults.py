"""An Answer onto the wire: late if asked, and with the network's failures when asked.

The only module that plays tricks with aiohttp's transport. Each fault is what a mini-program
sees as a network error (`fail` callback: reset, empty reply, no reply in time) or as a silent
failure (a body that is not the JSON it expects).
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
from typing import Final

from aiohttp import web

from ..answers import Answer
from ..rendering.envelope import JSON_TYPE, Envelope, encode
from ..scenarios.model import Delay, Fault, RawReply

# A JSON body cut off mid-way: what a proxy dropping the connection leaves behind.
MALFORMED_BODY: Final = '{"msg":"授权登录成功","code":0,"data":{"id":'.encode()


async def deliver(request: web.Request, answer: Answer, stopping: asyncio.Event, hang_limit: float) -> web.Response:
    if answer.delay:
        await asyncio.sleep(_delay_seconds(answer.delay))
    body = answer.body
    if isinstance(body, Envelope):
        return respond(body, answer.status)
    if isinstance(body, RawReply):
        return web.Response(status=body.status, body=body.body.encode(), headers={"Content-Type": body.content_type})
    if body is Fault.MALFORMED:
        return web.Response(body=MALFORMED_BODY, headers={"Content-Type": JSON_TYPE})
    if body is Fault.HANG:
        # Bounded, and cut short when the server stops, so shutdown never waits on it.
        try:
            await asyncio.wait_for(stopping.wait(), hang_limit)
        except TimeoutError:
            pass
    _drop(request, reset=body is Fault.RESET)
    return web.Response()  # never written: the connection is already gone


def respond(envelope: Envelope, status: int = 200) -> web.Response:
    return web.Response(body=encode(envelope), status=status, headers={"Content-Type": envelope.content_type})


def _delay_seconds(delay: Delay) -> float:
    return random.uniform(delay.min_ms, delay.max_ms) / 1000


def _drop(request: web.Request, *, reset: bool) -> None:
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if reset and sock is not None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if reset:
        transport.abort()
    else:
        transport.close()
