"""shopxo-mock against the physical limit of its stack, in one run on loopback.

    python bench/benchmark.py [--duration 2] [--rounds 3] [--quick] [--soak 1000000]
                              [--instructions] [--json bench/results.json]

A bare aiohttp server answering pre-serialised seed bytes is the baseline; shopxo-mock runs with
its defaults (shipped fixtures, access log and journal on), and once more with `--quiet` (no access
log) to show what the log costs. All of them run at once, pinned to CPU 0, the load generator (wrk)
on CPU 1 where `taskset` exists; each load is driven in rounds that take the servers in turn, and
each figure is the median of its rounds, so the drift of a shared machine falls on every server
alike. Every figure is also given as a ratio to the baseline's. With `--instructions`, valgrind
also counts the instructions each server spends per request: a figure no other load can disturb.
"""

from __future__ import annotations

import argparse
import compileall
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Final, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = "041KIFll2LRIW74DSzll2BlMpn4KIFlb"
UUID = "0c6b0d5e-3f2a-4b7c-9d1e-2f3a4b5c6d7e"
PATH = (
    "/api.php?s=user/appminiuserauth&system_type=default&application=app&application_client_type=weixin"
    "&application_client_brand=devtools&token=&lang=zh&theme=red&ajax=ajax"
)
CONCURRENCY = (1, 10, 50)
START_LIMIT = 20.0
WARM_UP_S = 2.0
BASELINE = "baseline"
MOCK = "shopxo-mock"
# The mock pinned to the documented release: the loads below are today's client's requests, which
# the default (--profile auto) answers as v6.9, where an unknown WeChat device is registered at
# first sight; pinned, each load stays the request and answer it measured since the first runs,
# so figures compare across the history (docs/speed.md says what auto adds).
PINNED: Final = ["--profile", "documented"]
SERVERS = {  # name -> command line, {port} filled in
    BASELINE: [sys.executable, "bench/baseline.py", "{port}"],
    MOCK: [sys.executable, "run.py", "--port", "{port}", "--no-watch", *PINNED],
    f"{MOCK} --quiet": [sys.executable, "run.py", "--port", "{port}", "--no-watch", "--quiet", *PINNED],
}
# Instruction counts: the difference between a short and a long run is what the requests cost.
COUNTED_REQUESTS = (200, 1200)

# name -> (authcode, a new uuid per request?)
LOADS = {
    "canned seed login": (SEED, False),
    # A phone the mock has never seen, with a code no scenario names: the default profile answers
    # the unknown-user stub (the account model: nobody is registered until user/appminiuserinfo).
    "unknown device, new uuid": ("wx-random-code", True),
    # A made-up (Faker) user per device, the demo-user scenario's: what "faker default" measured
    # before unknown devices answered as the release does (a new person per request, or the same).
    "made-up user, new uuid": ("demo-user", True),
    "made-up user, same uuid": ("demo-user", False),
    "error answer": ("status-2", False),
}
# The warm-ups' and the soak's logins: with a new uuid each, every one is a stored account with a
# made-up person (the mock's most memory per request; an unknown device's stub stores nothing).
MADE_UP_AUTHCODE = LOADS["made-up user, new uuid"][0]

TARGETS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "canned >= 85% of baseline req/s": lambda r: r["ratios"][MOCK]["canned seed login"]["rps"] >= 0.85,
    "made-up user >= 70% of baseline req/s": lambda r: min(
        r["ratios"][MOCK]["made-up user, new uuid"]["rps"], r["ratios"][MOCK]["made-up user, same uuid"]["rps"]
    ) >= 0.70,
    "p99 <= 1.5x baseline": lambda r: max(v["p99"] for v in r["ratios"][MOCK].values()) <= 1.5,
    "cold start <= 0.5 s": lambda r: r["cold_start_s"] <= 0.5,
    "peak RSS <= 60 MB": lambda r: r["peak_rss_mb"] <= 60,
    "10,000 scenarios load <= 1 s": lambda r: r["load_10k_s"] <= 1.0,
    "exact lookup flat (10k within 2x of 100)": lambda r: r["lookup_ns"]["10000"] <= 2 * r["lookup_ns"]["100"],
    "memory flat within 10% (soak)": lambda r: r.get("soak") is None or r["soak"]["growth_pct"] <= 10,
}


@dataclass
class Figure:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int  # answered in the run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def pinned(cpu: int, argv: list[str]) -> list[str]:
    return ["taskset", "-c", str(cpu), *argv] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else argv


def login_ok(port: int) -> bool:
    body = json.dumps({"authcode": SEED}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{PATH}&uuid={UUID}", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(json.loads(response.read())["code"] == 0)
    except (OSError, ValueError):
        return False


def start(argv: list[str], port: int, log: Path, *, cpu: int | None = 0, limit: float = START_LIMIT,
          env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:  # fmt: skip
    with log.open("wb") as sink:
        command = argv if cpu is None else pinned(cpu, argv)
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and not login_ok(port):
        if process.poll() is not None:
            raise RuntimeError(f"{argv} exited: {log.read_text()[-2000:]}")
        time.sleep(0.01)
    return process


def server_argv(server: str, port: int) -> list[str]:
    return [part.format(port=port) for part in SERVERS[server]]


def slug(name: str) -> str:
    return re.sub(r"\W+", "-", name).strip("-")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"authcode":"%(authcode)s"}'
wrk.headers["Content-Type"] = "application/json"
counter = 0
request = function()
  local path = wrk.path
  if %(new_uuid)s then
    counter = counter + 1
    path = path .. string.format("&uuid=%%08x-0000-4000-8000-%%012d", math.random(0, 2147483647), counter)
  else
    path = path .. "&uuid=%(uuid)s"
  end
  return wrk.format(nil, path)
end
"""


def drive(port: int, authcode: str, new_uuid: bool, connections: int, seconds: float, work: Path) -> Figure:
    url = f"http://127.0.0.1:{port}{PATH}"
    if shutil.which("wrk"):
        script = work / "load.lua"
        script.write_text(WRK_SCRIPT % {"authcode": authcode, "new_uuid": "true" if new_uuid else "false", "uuid": UUID})
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "-s", str(script), url]
    else:
        body = json.dumps({"authcode": authcode})
        tail = url if new_uuid else f"{url}&uuid={UUID}"
        argv = [sys.executable, str(ROOT / "bench" / "loadgen.py"), tail, body, str(connections), str(seconds), "new" if new_uuid else "same"]
    output = subprocess.run(pinned(1, argv), capture_output=True, text=True, timeout=seconds + 60).stdout
    requests = int(_number(output, r"(\d+) requests in"))
    return Figure(_number(output, r"Requests/sec:\s+([\d.]+)"), _latency(output, "50%"), _latency(output, "99%"), requests)


def _number(text: str, pattern: str) -> float:
    found = re.search(pattern, text)
    return float(found.group(1)) if found else 0.0


def _latency(text: str, percentile: str) -> float:
    found = re.search(rf"^\s*{percentile}\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    if not found:
        return 0.0
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cold_start(work: Path, runs: int) -> float:
    """Process start to the first good seed answer, median of `runs`. The package's bytecode is
    compiled first, as an install or any earlier run leaves it (unless PYTHONDONTWRITEBYTECODE
    is set, when every start compiles the ~45 modules from source again: ~50 ms more)."""
    compileall.compile_dir(ROOT / "mockserver", quiet=1)
    times = []
    for _ in range(runs):
        port = free_port()
        started = time.perf_counter()
        process = start([sys.executable, "run.py", "--port", str(port), "--no-watch"], port, work / "cold.log")
        times.append(time.perf_counter() - started)
        stop(process)
    return statistics.median(times)


def generated_scenarios(folder: Path, count: int) -> None:
    per_file = max(1, count // 10)
    for number in range(0, count, per_file):
        lines = ["version: 1", "scenarios:"]
        for index in range(number, min(count, number + per_file)):
            lines += [f"  - name: s{index}", f"    match: {{authcode: code-{index}}}", f"    reply: {{error: {{code: -1, msg: m{index}}}}}"]
        lines += [f"  - name: r{number}", f"    match: {{authcode: {{regex: '^re-{number}-'}}}}", "    reply: {new_user: {}}"]
        (folder / f"f{number:06d}.yaml").write_text("\n".join(lines) + "\n")


def scenario_figures(work: Path) -> tuple[float, dict[str, float]]:
    from mockserver.params import build_call
    from mockserver.routing import resolve
    from mockserver.scenarios.loader import load_scenarios
    from mockserver.scenarios.selection import select
    from mockserver.state import Bindings

    lookups: dict[str, float] = {}
    load_10k = 0.0
    for count in (100, 1000, 10000):
        folder = work / f"s{count}"
        folder.mkdir()
        generated_scenarios(folder, count)
        started = time.perf_counter()
        loaded = load_scenarios(folder, pause_collector=True)  # as the command line loads
        if count == 10000:
            load_10k = time.perf_counter() - started
        code = f"code-{count // 2}"
        call = build_call(resolve("user/appminiuserauth"), {"application_client_type": "weixin"}, {"authcode": code}, None, "")
        bindings = Bindings()
        rounds = 20000
        started = time.perf_counter()
        for _ in range(rounds):
            select(loaded, ("User", "appminiuserauth"), call, code, bindings)
        lookups[str(count)] = (time.perf_counter() - started) / rounds * 1e9
    return load_10k, lookups


def soak(port: int, pid: int, requests: int, work: Path) -> dict[str, float]:
    """RSS before and after `requests` new-uuid logins, driven in runs of at most a minute."""
    drive(port, MADE_UP_AUTHCODE, True, 10, 3, work)  # warm-up: the bounded tables fill up
    before = rss_kb(pid, "VmRSS")
    probe = drive(port, MADE_UP_AUTHCODE, True, 10, 2, work)
    done, rate = probe.requests, max(probe.rps, 1.0)
    while done < requests:
        run = drive(port, MADE_UP_AUTHCODE, True, 10, min(60.0, max(1.0, (requests - done) / rate)), work)
        done, rate = done + run.requests, max(run.rps, 1.0)
    after = rss_kb(pid, "VmRSS")
    return {"requests": done, "rss_before_mb": before / 1024, "rss_after_mb": after / 1024,
            "growth_pct": (after - before) / before * 100}  # fmt: skip


def median_figure(runs: list[Figure]) -> dict[str, Any]:
    """The median of each figure over a load's rounds, with every round's req/s for the record."""
    return {
        "rps": statistics.median(run.rps for run in runs),
        "p50_ms": statistics.median(run.p50_ms for run in runs),
        "p99_ms": statistics.median(run.p99_ms for run in runs),
        "requests": sum(run.requests for run in runs),
        "rounds_rps": [run.rps for run in runs],
    }


def throughput(args: argparse.Namespace, results: dict[str, Any], work: Path) -> None:
    """Every server up at once; each load and concurrency driven in rounds taking them in turn."""
    seconds = 1.0 if args.quick else args.duration
    rounds = 1 if args.quick else args.rounds
    concurrency = (10,) if args.quick else CONCURRENCY
    results.update(duration_s=seconds, rounds=rounds, figures={})
    servers: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}
    try:
        for name in SERVERS:
            port = free_port()
            servers[name] = port, start(server_argv(name, port), port, work / f"{slug(name)}.log")
        # Steady state, not start-up: the mock makes its Faker pools in a thread after its
        # first second; every server gets the same discarded warm-up load.
        time.sleep(WARM_UP_S)
        for port, _ in servers.values():
            drive(port, MADE_UP_AUTHCODE, True, 10, WARM_UP_S, work)
        for load, (authcode, new_uuid) in LOADS.items():
            for connections in concurrency:
                runs: dict[str, list[Figure]] = {name: [] for name in servers}
                for _ in range(rounds):
                    for name, (port, _) in servers.items():
                        runs[name].append(drive(port, authcode, new_uuid, connections, seconds, work))
                for name, figures in runs.items():
                    results["figures"].setdefault(name, {}).setdefault(load, {})[str(connections)] = median_figure(figures)
        port, mock = servers[MOCK]
        if args.soak:
            results["soak"] = soak(port, mock.pid, args.soak, work)
        results["peak_rss_mb"] = rss_kb(mock.pid, "VmHWM") / 1024  # the whole run's peak
    finally:
        for _, process in servers.values():
            stop(process)


def ratios(figures: dict[str, Any]) -> dict[str, Any]:
    """Per server and load, the worst req/s and p99 ratio to the baseline over the concurrencies."""
    base = figures[BASELINE]
    worst: dict[str, Any] = {}
    for server, loads in figures.items():
        if server == BASELINE:
            continue
        for load, by_connections in loads.items():
            pairs = [(base[load][count], figure) for count, figure in by_connections.items()]
            worst.setdefault(server, {})[load] = {
                "rps": min(m["rps"] / b["rps"] if b["rps"] else 0.0 for b, m in pairs),
                "p99": max(m["p99_ms"] / b["p99_ms"] if b["p99_ms"] else 0.0 for b, m in pairs),
            }
    return worst


def send(port: int, authcode: str, new_uuid: bool, requests: int) -> None:
    """Exactly `requests` logins, one after another on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = json.dumps({"authcode": authcode})
    for number in range(requests):
        device = f"{number:08x}-0000-4000-8000-{number:012d}" if new_uuid else UUID
        connection.request("POST", f"{PATH}&uuid={device}", body, {"Content-Type": "application/json"})
        connection.getresponse().read()
    connection.close()


def without_ca_bundle(work: Path) -> dict[str, str]:
    """The environment with OpenSSL pointed at no CA certificates. aiohttp builds two client TLS
    contexts when it is imported, parsing the system's whole CA bundle: under valgrind that is
    2/5 of a bare aiohttp server's start-up instructions (~0.47 of ~1.2 billion). The servers
    answer plain HTTP on loopback and never open a TLS connection, and a count per request is
    the difference of two runs, out of which the start-up cancels."""
    empty = work / "no-ca-certificates"
    empty.mkdir(exist_ok=True)
    # One hash seed for every run: with a random one, the same tree's count moved by ~2 % between
    # runs (dicts and sets laid out differently), more than the changes it is there to weigh.
    return {**os.environ, "SSL_CERT_FILE": os.devnull, "SSL_CERT_DIR": str(empty), "PYTHONHASHSEED": "0"}


def instructions(server: str, load: str, requests: int, work: Path) -> int:
    """Every instruction the server ran (start-up, less reading the CA bundle, included) while it
    answered `requests` logins."""
    port = free_port()
    name = f"{slug(server)}.{slug(load)}.{requests}"
    out = work / f"callgrind.{name}.out"
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *server_argv(server, port)]
    process = start(argv, port, work / f"callgrind.{name}.log", cpu=None, limit=600, env=without_ca_bundle(work))
    try:
        # The same start in every run: a made-up user makes the mock's Faker pools now, and the
        # warm-up that would make them (a second after start) has come and found them made. The
        # baseline has no warm-up to wait for.
        send(port, MADE_UP_AUTHCODE, True, 1)
        if server != BASELINE:
            time.sleep(2 * WARM_UP_S)
        authcode, new_uuid = LOADS[load]
        send(port, authcode, new_uuid, requests)
    finally:
        stop(process)
    return int(_number(out.read_text(errors="replace"), r"(?m)^summary: (\d+)$"))


def instructions_per_request(server: str, load: str, work: Path, counts: tuple[int, int] = COUNTED_REQUESTS) -> float:
    """What one more request costs in instructions: the difference of a short and a long run,
    so start-up and shutdown cancel out. The two runs are separate servers, so they run at once:
    a count, unlike a time, changes little when another process shares the machine (only the
    server's timed work, the access log's flush and connection timers: up to ~1.5 %). The bytecode
    is compiled first: two servers starting at once on a fresh tree would each compile the
    package, or one of them, and the difference of the two runs would count that as requests."""
    compileall.compile_dir(ROOT / "mockserver", quiet=1)
    with ThreadPoolExecutor(max_workers=2) as pool:
        short, long = pool.map(lambda requests: instructions(server, load, requests, work), counts)
    return (long - short) / (counts[1] - counts[0])


def instruction_figures(work: Path) -> dict[str, dict[str, float]]:
    """Instructions per request for every server and load, each of them two valgrind runs at once
    (above); the jobs share the cores between them."""
    jobs = [(server, load) for server in SERVERS for load in LOADS]
    counts: dict[str, dict[str, float]] = {}
    with ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 1) // 2)) as pool:
        running = {job: pool.submit(instructions_per_request, *job, work) for job in jobs}
        for (server, load), count in running.items():
            counts.setdefault(server, {})[load] = count.result()
    return counts


def measure(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"generator": "wrk" if shutil.which("wrk") else "python fallback (understates both servers)"}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        throughput(args, results, work)
        results["cold_start_s"] = cold_start(work, 2 if args.quick else 5)
        results["load_10k_s"], results["lookup_ns"] = scenario_figures(work)
        if args.instructions:
            results["instructions"] = instruction_figures(work)
    results["ratios"] = ratios(results["figures"])
    results["targets"] = {name: bool(check(results)) for name, check in TARGETS.items()}
    return results


def table(results: dict[str, Any]) -> Iterator[str]:
    figures = results["figures"]
    others = [server for server in figures if server != BASELINE]
    yield (f"Load generator: {results['generator']}; servers on CPU 0, load on CPU 1; each figure the median of "
           f"{results['rounds']} round(s) of {results['duration_s']} s, the servers taken in turn.")  # fmt: skip
    yield ""
    head = " | ".join(f"{server} req/s | ratio" for server in others)
    yield f"| load | conns | baseline req/s | {head} | baseline p50 / p99 ms | {MOCK} p50 / p99 ms | p99 ratio |"
    yield "|---|---:|---:|" + "---:|---:|" * len(others) + "---:|---:|---:|"
    base, mock = figures[BASELINE], figures[MOCK]
    for load in LOADS:
        for connections, b in base[load].items():
            cells = []
            for server in others:
                m = figures[server][load][connections]
                cells.append(f"{m['rps']:.0f} | {m['rps'] / b['rps'] if b['rps'] else 0.0:.0%}")
            m = mock[load][connections]
            p99 = m["p99_ms"] / b["p99_ms"] if b["p99_ms"] else 0.0
            yield (f"| {load} | {connections} | {b['rps']:.0f} | {' | '.join(cells)} | {b['p50_ms']:.2f} / {b['p99_ms']:.2f} "
                   f"| {m['p50_ms']:.2f} / {m['p99_ms']:.2f} | {p99:.2f}x |")  # fmt: skip
    if results.get("instructions"):
        counts = results["instructions"]
        yield ""
        yield "Instructions per request (valgrind callgrind, thousands; the ratio is baseline / server, as for req/s):"
        yield ""
        yield "| load | baseline | " + " | ".join(f"{server} | ratio" for server in others) + " |"
        yield "|---|---:|" + "---:|---:|" * len(others)
        for load in LOADS:
            cells = [f"{counts[server][load] / 1000:.0f}k | {counts[BASELINE][load] / counts[server][load]:.0%}" for server in others]
            yield f"| {load} | {counts[BASELINE][load] / 1000:.0f}k | {' | '.join(cells)} |"
    yield ""
    yield "| figure | value |"
    yield "|---|---:|"
    yield f"| cold start to first answer (median) | {results['cold_start_s']:.3f} s |"
    yield f"| peak RSS (VmHWM), shipped fixtures, over the loads (and the soak) | {results['peak_rss_mb']:.1f} MB |"
    yield f"| load 10,000 scenarios | {results['load_10k_s']:.3f} s |"
    for count, ns in results["lookup_ns"].items():
        yield f"| exact-authcode lookup, {count} scenarios | {ns:.0f} ns |"
    if results.get("soak"):
        soak_figures = results["soak"]
        yield f"| soak: {soak_figures['requests']:,} new-uuid logins ({MADE_UP_AUTHCODE}), RSS before -> after | {soak_figures['rss_before_mb']:.1f} -> {soak_figures['rss_after_mb']:.1f} MB ({soak_figures['growth_pct']:+.1f} %) |"
    yield ""
    yield "| target | holds |"
    yield "|---|---|"
    for name, holds in results["targets"].items():
        yield f"| {name} | {'yes' if holds else 'NO'} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=2.0, help="seconds per round of a load (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per load and concurrency, servers in turn (default 3)")
    parser.add_argument("--quick", action="store_true", help="one 1 s round at 10 connections only: a smoke run")
    parser.add_argument("--instructions", action="store_true", help="also count instructions per request with valgrind (a few minutes)")
    parser.add_argument("--soak", type=int, default=0, metavar="N", help="also drive N new-uuid logins and report memory growth")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json", help="where to write the figures")
    args = parser.parse_args()
    if args.instructions and not shutil.which("valgrind"):
        parser.error("--instructions needs valgrind (Debian: apt-get install valgrind)")
    results = measure(args)
    text = "\n".join(table(results))
    print(text)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    args.json.with_suffix(".md").write_text(text + "\n")
    print(f"\nfigures written to {args.json} (the table to {args.json.with_suffix('.md')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
