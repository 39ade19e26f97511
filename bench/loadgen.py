"""Fallback load generator when wrk is not installed: N keep-alive connections for D seconds.

Slower than wrk (it is Python), so its ratios understate the servers; the benchmark says so.
Prints wrk-like lines: `Requests/sec: X`, `50% <ms>ms`, `99% <ms>ms`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid

import aiohttp


async def worker(session: aiohttp.ClientSession, url: str, body: bytes, new_uuid: bool, until: float, latencies: list[float]) -> None:
    while time.monotonic() < until:
        target = f"{url}&uuid={uuid.uuid4()}" if new_uuid else url
        started = time.perf_counter()
        async with session.post(target, data=body, headers={"Content-Type": "application/json"}) as response:
            await response.read()
        latencies.append(time.perf_counter() - started)


async def run(url: str, body: bytes, connections: int, seconds: float, new_uuid: bool) -> None:
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        until = time.monotonic() + seconds
        await asyncio.gather(*(worker(session, url, body, new_uuid, until, latencies) for _ in range(connections)))
    cuts = statistics.quantiles(latencies, n=100)
    print(f"  {len(latencies)} requests in {seconds:.2f}s")
    print(f"Requests/sec: {len(latencies) / seconds:.2f}")
    print(f"     50%    {cuts[49] * 1000:.2f}ms")
    print(f"     99%    {cuts[98] * 1000:.2f}ms")


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "new"))
