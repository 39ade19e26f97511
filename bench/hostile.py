"""Hostile mix: logins while other clients try to fill the mock's memory or hold it up, on loopback.

    python bench/hostile.py [--seconds 60] [--max-rss-mb 200] [--max-p99-ms 250]

For `--seconds`, beside a few keep-alive clients logging in one request after another, the mock
gets (docs/security.md says which bound answers each):

- logins with a 0.9 MB JSON body, and bodies over `--max-body`;
- 1 MB multipart bodies of 17,900 `a[]` parts;
- requests with 20 headers of 60 KB;
- connections that send half their headers and stop (200 at a time, reopened when closed);
- bodies trickling a byte a second (20 at a time);
- dashboard event streams that are never read, beyond the stream cap;
- a read of the whole journal every two seconds.

It prints the logins answered, their p50 / p99 / worst latency, what each hostile client got
back, and the mock's RSS (start, peak, end); it exits 1 when a login failed, the mock died, the
peak RSS passed `--max-rss-mb` or the login p99 passed `--max-p99-ms`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Awaitable, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import PATH, SEED, UUID, free_port, rss_kb, start, stop  # noqa: E402

LOGIN_CLIENTS = 4
HALF_SENT = 200
TRICKLING = 20
STREAMS = 20
JOURNAL_EVERY = 2.0
BIG_BODY = 900 * 1024
MANY_PARTS = 17_900
HEADERS = 20
HEADER_BYTES = 60 * 1024
OVER_MAX_BODY = 2 * 1024 * 1024  # past the default --max-body (1 MiB)


class Mix:
    """One run's clients against one mock, each loop ending by itself at `deadline`."""

    def __init__(self, port: int, seconds: float) -> None:
        self.port = port
        self.deadline = time.monotonic() + seconds
        self.latencies: list[float] = []
        self.login_errors: Counter[str] = Counter()
        self.outcomes: dict[str, Counter[str]] = {}
        self.journal_reads: list[tuple[float, int]] = []  # seconds, bytes

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def saw(self, client: str, outcome: str) -> None:
        self.outcomes.setdefault(client, Counter())[outcome] += 1

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port, limit=8 * 1024 * 1024)

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        """One request on its own connection: the status and the body (Content-Length or close)."""
        reader, writer = await self.connect()
        try:
            writer.write(request)
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            status = int(head.split(b" ", 2)[1])
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), None)  # fmt: skip
            body = await asyncio.wait_for(reader.readexactly(length) if length is not None else reader.read(), 30)
            return status, body
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    # -- the clients --------------------------------------------------------------------------

    async def logins(self) -> None:
        """Seed logins one after another on one keep-alive connection, timed."""
        body = json.dumps({"authcode": SEED}).encode()
        request = post(f"{PATH}&uuid={UUID}", body, "application/json", keep_alive=True)
        reader, writer = await self.connect()
        try:
            while self.running():
                started = time.perf_counter()
                writer.write(request)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
                length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))  # fmt: skip
                answer = await reader.readexactly(length)
                self.latencies.append((time.perf_counter() - started) * 1000)
                if not head.startswith(b"HTTP/1.1 200") or json.loads(answer)["code"] != 0:
                    self.login_errors[head.split(b"\r\n", 1)[0].decode()] += 1
                await asyncio.sleep(0.005)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError) as exc:
            self.login_errors[type(exc).__name__] += 1
        finally:
            writer.close()

    async def repeated(self, client: str, request: Callable[[], bytes]) -> None:
        """The same hostile request again and again, each on a new connection."""
        while self.running():
            try:
                status, body = await self.exchange(request())
                self.saw(client, f"{status} {envelope_code(body)}")
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError) as exc:
                self.saw(client, type(exc).__name__)

    async def half_sent(self) -> None:
        """A request line and one header, then nothing: reopened whenever the mock closes it."""
        while self.running():
            try:
                reader, writer = await self.connect()
            except OSError as exc:
                self.saw("half-sent headers", type(exc).__name__)
                await asyncio.sleep(0.5)
                continue
            writer.write(f"POST {PATH}&uuid=idle HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
            opened = time.monotonic()
            with contextlib.suppress(OSError, asyncio.TimeoutError):
                await asyncio.wait_for(reader.read(), max(0.1, self.deadline - time.monotonic()))
            if self.running():
                self.saw("half-sent headers", f"closed by the mock after {round(time.monotonic() - opened)} s")
            writer.close()

    async def trickle(self) -> None:
        """A body announced at 1 KB and sent a byte a second."""
        while self.running():
            try:
                reader, writer = await self.connect()
                writer.write(post(f"{PATH}&uuid=slow", b"", "application/json", length=1024))
                while self.running() and not reader.at_eof():
                    writer.write(b" ")
                    await writer.drain()
                    with contextlib.suppress(asyncio.TimeoutError):
                        head = await asyncio.wait_for(reader.read(200), 1.0)
                        if head:
                            self.saw("trickled body", head.split(b"\r\n", 1)[0].decode(errors="replace"))
                            break
                writer.close()
            except OSError as exc:
                self.saw("trickled body", type(exc).__name__)
                await asyncio.sleep(0.5)

    async def unread_stream(self) -> None:
        """A dashboard event stream never read: a tiny receive buffer, nothing taken from it."""
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        try:
            await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", self.port))
            sock.send(f"GET /__mock/dashboard/events HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode())
            await asyncio.sleep(0.5)
            first = b""
            with contextlib.suppress(BlockingIOError):
                first = sock.recv(64, socket.MSG_PEEK)
            self.saw("unread event stream", first.split(b"\r\n", 1)[0].decode(errors="replace") or "no answer yet")
            while self.running():
                await asyncio.sleep(0.5)
        except OSError as exc:
            self.saw("unread event stream", type(exc).__name__)
        finally:
            sock.close()

    async def journal(self) -> None:
        request = f"GET /__mock/journal HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nConnection: close\r\n\r\n".encode()
        while self.running():
            started = time.perf_counter()
            try:
                reader, writer = await self.connect()
                writer.write(request)
                size = len(await asyncio.wait_for(reader.read(-1), 60))
                writer.close()
                self.journal_reads.append((time.perf_counter() - started, size))
            except (OSError, asyncio.TimeoutError) as exc:
                self.saw("journal read", type(exc).__name__)
            await asyncio.sleep(JOURNAL_EVERY)


def post(path: str, body: bytes, content_type: str, *, keep_alive: bool = False, length: int | None = None,
         extra: bytes = b"") -> bytes:  # fmt: skip
    connection = b"keep-alive" if keep_alive else b"close"
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\n").encode()  # fmt: skip
    return head + extra + b"Connection: " + connection + b"\r\n\r\n" + body


def big_body() -> bytes:
    body = json.dumps({"authcode": SEED, "pad": "x" * BIG_BODY}).encode()
    return post(f"{PATH}&uuid=big-body", body, "application/json")


def over_max_body() -> bytes:
    return post(f"{PATH}&uuid=too-big", b"{" + b" " * OVER_MAX_BODY + b"}", "application/json")


def many_parts() -> bytes:
    boundary = "b"  # short, so 17,900 parts fit under the default --max-body
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="a[]"\r\n\r\nx\r\n'.encode()
    body = part * MANY_PARTS + f"--{boundary}--\r\n".encode()
    return post(f"{PATH}&uuid=many-parts", body, f"multipart/form-data; boundary={boundary}")


def big_headers() -> bytes:
    value = b"v" * HEADER_BYTES
    extra = b"".join(b"X-Pad-%d: " % number + value + b"\r\n" for number in range(HEADERS))
    body = json.dumps({"authcode": SEED}).encode()
    return post(f"{PATH}&uuid=big-headers", body, "application/json", extra=extra)


def envelope_code(body: bytes) -> str:
    try:
        return f"code {json.loads(body)['code']}"
    except (ValueError, KeyError, TypeError):
        return f"{len(body)} bytes"


async def run(mix: Mix, pid: int) -> list[int]:
    """Every client at once; the mock's RSS sampled every half second meanwhile (kB)."""
    samples: list[int] = []

    async def sample() -> None:
        while mix.running():
            samples.append(rss_kb(pid, "VmRSS"))
            await asyncio.sleep(0.5)

    clients: list[Awaitable[None]] = [sample(), mix.journal()]
    clients += [mix.logins() for _ in range(LOGIN_CLIENTS)]
    clients += [mix.repeated("0.9 MB body", big_body), mix.repeated("body over --max-body", over_max_body)]
    clients += [mix.repeated("17,900-part multipart", many_parts), mix.repeated("20 headers of 60 KB", big_headers)]
    clients += [mix.half_sent() for _ in range(HALF_SENT)]
    clients += [mix.trickle() for _ in range(TRICKLING)]
    clients += [mix.unread_stream() for _ in range(STREAMS)]
    await asyncio.gather(*clients)
    return samples


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-rss-mb", type=float, default=200.0, help="peak RSS allowed (default %(default)s)")
    parser.add_argument("--max-p99-ms", type=float, default=250.0, help="login p99 allowed (default %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        log = Path(folder) / "mock.log"
        process = start([sys.executable, "run.py", "--port", str(port), "--no-watch", "--quiet"], port, log)
        try:
            time.sleep(1.5)  # the Faker pools are warmed one second after start
            before = rss_kb(process.pid, "VmRSS")
            mix = Mix(port, args.seconds)
            samples = asyncio.run(run(mix, process.pid))
            peak, after = rss_kb(process.pid, "VmHWM"), rss_kb(process.pid, "VmRSS")
            alive = process.poll() is None
        finally:
            stop(process)
        log_lines = len(log.read_text(errors="replace").splitlines())
    p50, p99 = statistics.median(mix.latencies or [float("nan")]), percentile(mix.latencies, 0.99)
    worst = max(mix.latencies, default=float("nan"))
    print(f"hostile mix for {args.seconds:g} s on 127.0.0.1:{port}")
    print(f"logins answered         {len(mix.latencies)} ({LOGIN_CLIENTS} keep-alive clients), failed {sum(mix.login_errors.values())}"
          + (f" {dict(mix.login_errors)}" if mix.login_errors else ""))  # fmt: skip
    print(f"login latency           p50 {p50:.1f} ms, p99 {p99:.1f} ms, worst {worst:.1f} ms")
    for client, outcomes in sorted(mix.outcomes.items()):
        print(f"{client:<24}{', '.join(f'{what} x{count}' for what, count in outcomes.most_common(4))}")
    if mix.journal_reads:
        slowest = max(mix.journal_reads)
        print(f"journal reads           {len(mix.journal_reads)}, largest {max(s for _, s in mix.journal_reads) / 1024:.0f} KiB, "
              f"slowest {slowest[0] * 1000:.0f} ms")  # fmt: skip
    print(f"RSS                     {before / 1024:.1f} MB at start, peak {peak / 1024:.1f} MB, "
          f"{max(samples, default=0) / 1024:.1f} MB highest sample, {after / 1024:.1f} MB at the end")  # fmt: skip
    print(f"server log lines        {log_lines}")
    print(f"server alive            {alive}")
    failures = []
    if not alive:
        failures.append("the mock died")
    if mix.login_errors or not mix.latencies:
        failures.append("logins failed")
    if peak / 1024 > args.max_rss_mb:
        failures.append(f"peak RSS over {args.max_rss_mb:g} MB")
    if not p99 <= args.max_p99_ms:
        failures.append(f"login p99 over {args.max_p99_ms:g} ms")
    print("result                  " + ("bounded" if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
