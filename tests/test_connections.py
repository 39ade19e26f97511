"""A connection cannot hold the server: a request head not complete in time closes it, and
running out of descriptors is logged once per interval, the server answering again after."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, AsyncIterator, Final

import pytest

from mockserver.settings import Settings
from mockserver.web.connections import ExhaustionLog
from mockserver.web.serve import serving
from uniapp import query

ROOT: Final = Path(__file__).parent.parent
TIMEOUT: Final = 0.3  # the head timeout these servers run with
WAIT: Final = 5.0  # generous: how long a test waits for what should happen after TIMEOUT
LOGIN: Final = (
    f"POST {query()} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
    '{"authcode":"x"}'
).encode()
Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@pytest.fixture
async def port() -> AsyncIterator[int]:
    async with serving(Settings(header_timeout=TIMEOUT)) as url:
        yield int(url.rsplit(":", 1)[1].strip("/"))


async def connect(port: int, sent: bytes = b"") -> Streams:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(sent)
    await writer.drain()
    return reader, writer


async def closed_after(reader: asyncio.StreamReader) -> float:
    """Seconds until the server closes the connection (what it sent first is left unread)."""
    started = time.monotonic()
    while await asyncio.wait_for(reader.read(65536), WAIT):
        pass
    return time.monotonic() - started


async def answer(reader: asyncio.StreamReader) -> dict[str, Any]:
    """One response's JSON body, read to its Content-Length (the connection stays usable)."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT)
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    document: dict[str, Any] = json.loads(await reader.readexactly(length))
    return document


async def logs_in(port: int) -> None:
    reader, writer = await connect(port, LOGIN)
    assert (await answer(reader))["code"] == 0
    writer.close()


@pytest.mark.parametrize(
    "sent",
    [
        pytest.param(b"POST /api.php?s=user/appmini", id="half-a-request-line"),
        pytest.param(LOGIN.partition(b"Content-Type")[0], id="half-the-headers"),
        pytest.param(b"", id="nothing"),
    ],
)
async def test_a_head_not_complete_in_time_closes_the_connection(port: int, sent: bytes) -> None:
    reader, writer = await connect(port, sent)
    assert await closed_after(reader) >= TIMEOUT * 0.8  # not before its time (the loop's clock is coarse)
    writer.close()
    await logs_in(port)


async def test_a_body_slower_than_the_head_timeout_is_still_read(port: int) -> None:
    """Once the head is complete, the head timeout is over: a body is body_timeout's (10 s)."""
    head, _, body = LOGIN.partition(b"\r\n\r\n")
    reader, writer = await connect(port, head + b"\r\n\r\n" + body[:5])
    await asyncio.sleep(TIMEOUT * 2)
    writer.write(body[5:])
    assert (await answer(reader))["code"] == 0
    writer.close()


async def test_requests_on_one_connection_within_the_timeout_are_all_answered(port: int) -> None:
    reader, writer = await connect(port)
    for _ in range(3):
        writer.write(LOGIN)
        assert (await answer(reader))["code"] == 0
        await asyncio.sleep(TIMEOUT / 2)
    writer.close()


async def test_a_later_half_sent_head_on_a_kept_alive_connection_is_closed_too(port: int) -> None:
    reader, writer = await connect(port, LOGIN)
    assert (await answer(reader))["code"] == 0
    writer.write(LOGIN[:40])
    assert await closed_after(reader) >= TIMEOUT * 0.8
    writer.close()
    await logs_in(port)


# -- running out of descriptors ------------------------------------------------------------


def out_of_descriptors() -> dict[str, Any]:
    exc = OSError(errno.EMFILE, "Too many open files")
    return {"message": "socket.accept() out of system resource", "exception": exc}


def test_descriptor_exhaustion_is_logged_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    loop = asyncio.new_event_loop()
    try:
        exhaustion = ExhaustionLog(loop, interval=3600)
        with caplog.at_level(logging.ERROR, logger="mockserver.web.connections"):
            for _ in range(1000):
                exhaustion.handle(loop, out_of_descriptors())
            exhaustion.next_line = 0.0  # as if the interval were over
            exhaustion.handle(loop, out_of_descriptors())
    finally:
        loop.close()
    first, second = [record.getMessage() for record in caplog.records]
    assert "out of file descriptors" in first and "Too many open files" in first and "--header-timeout" in first
    assert "999 more times since the last such line" in second


def test_other_loop_errors_go_to_the_handler_there_before() -> None:
    loop = asyncio.new_event_loop()
    seen: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _, context: seen.append(context))
    try:
        exhaustion = ExhaustionLog(loop)
        exhaustion.install()
        other = {"message": "something else", "exception": OSError(errno.ECONNRESET, "reset")}
        loop.call_exception_handler(other)
        loop.call_exception_handler(out_of_descriptors())
    finally:
        loop.close()
    assert seen == [other]


DESCRIPTORS: Final = 128  # the server's limit in the test below
HALF_SENT: Final = 200  # connections it is sent, more than it can hold


def test_a_server_out_of_descriptors_logs_it_briefly_and_answers_again(tmp_path: Path) -> None:
    """What `ulimit -n 1024` and 1,100 half-sent requests did (56,000 log lines in 18 s, no login
    answered), at a smaller scale."""

    def lower_the_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (DESCRIPTORS, DESCRIPTORS))

    err_path = tmp_path / "stderr.txt"
    argv = [sys.executable, "-m", "mockserver", "--port", "0", "--ready-json", "--quiet", "--no-watch"]
    argv += ["--header-timeout", "1"]
    with err_path.open("w") as err:
        process = subprocess.Popen(
            argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True, preexec_fn=lower_the_limit
        )
    held: list[socket.socket] = []
    try:
        assert process.stdout is not None
        port = json.loads(process.stdout.readline())["port"]
        for _ in range(HALF_SENT):
            try:
                held.append(socket.create_connection(("127.0.0.1", port), timeout=1))
            except OSError:  # the listen backlog is full too
                break
            held[-1].sendall(b"GET /api.php?s=user/appminiuserauth HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert len(held) > DESCRIPTORS
        login = socket.create_connection(("127.0.0.1", port), timeout=WAIT * 2)
        login.sendall(LOGIN)
        received = b""
        while not received.endswith(b"}") and (chunk := login.recv(65536)):
            received += chunk
        assert b'"code":0' in received  # once the head timeout has freed descriptors
        login.close()
    finally:
        for connection in held:
            connection.close()
        process.terminate()
        process.communicate(timeout=WAIT)
    log = err_path.read_text()
    assert 1 <= log.count("Too many open files") <= 2  # one line per 10 s
    assert "Traceback" not in log
