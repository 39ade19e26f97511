"""Logins while a big hot reload loads: how late they are, and what the reload costs.

    python bench/reload_latency.py [--scenarios 113000] [--logins 500]

Generates the scenarios (1,000 a file, some 95 bytes each: 113,000 are 10.7 MB, under the default
--max-scenario-bytes), starts the command line's server on them, times sequential logins before,
during and after one `POST /__mock/reload`, and prints each phase's median, p99 and maximum, the
reload's duration, and the server's resident and peak memory (Linux /proc) around it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/api.php?s=user/appminiuserauth&application=app&application_client_type=weixin&uuid=bench"


def generated(folder: Path, count: int, per_file: int = 1000) -> int:
    """`count` scenarios in files of `per_file`; their size in bytes."""
    for start in range(0, count, per_file):
        lines = ["version: 1", "scenarios:"]
        for i in range(start, min(count, start + per_file)):
            lines += [f"  - name: s{i}", f"    match: {{authcode: code-{i}}}", f"    reply: {{error: {{code: -1, msg: m{i}}}}}"]
        (folder / f"f{start:06d}.yaml").write_text("\n".join(lines) + "\n")
    return sum(path.stat().st_size for path in folder.iterdir())


def memory(pid: int) -> str:
    """Resident and peak memory of a process, as Linux reports them."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    except OSError:
        return "memory: not on this system"
    return f"RSS {int(fields['VmRSS'].split()[0]) // 1024} MB, peak {int(fields['VmHWM'].split()[0]) // 1024} MB"


def figures(name: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{name:<7} n={len(ordered):<6} median {statistics.median(ordered) * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms, max {ordered[-1] * 1e3:.1f} ms"


async def measure(folder: Path, logins: int) -> None:
    command = [sys.executable, "-m", "mockserver", "--fixtures", str(folder), "--no-watch", "--quiet", "--port", "0", "--ready-json"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        base = json.loads(server.stdout.readline())["url"].rstrip("/")
        async with aiohttp.ClientSession() as session:

            async def login() -> float:
                started = time.perf_counter()
                async with session.post(base + LOGIN, json={"authcode": "code-5"}) as response:
                    await response.read()
                return time.perf_counter() - started

            for _ in range(200):  # warm up
                await login()
            before = [await login() for _ in range(logins)]
            print(f"before the reload: {memory(server.pid)}")
            started = time.perf_counter()
            reload = asyncio.create_task(session.post(base + "/__mock/reload"))
            during: list[float] = []
            while not reload.done():
                during.append(await login())
            status = (await reload).status
            print(f"reload: HTTP {status} in {time.perf_counter() - started:.1f} s; after it: {memory(server.pid)}")
            after = [await login() for _ in range(logins)]
        for name, seconds in (("before", before), ("during", during), ("after", after)):
            print(figures(name, seconds))
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", type=int, default=113000)
    parser.add_argument("--logins", type=int, default=500, help="logins timed before and after the reload")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shopxo-mock-reload-") as directory:
        size = generated(Path(directory), args.scenarios)
        print(f"{args.scenarios} scenarios, {size / 1024**2:.1f} MB")
        asyncio.run(measure(Path(directory), args.logins))


if __name__ == "__main__":
    main()
