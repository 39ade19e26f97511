"""Where a request's time goes inside the mock: each stage of the API path, timed in-process.

    python bench/stages.py [--rounds 20000]

No server and no network: the stages a request passes through after aiohttp has parsed it
(URL, body, Call, action, envelope bytes, journal entry and log line), called directly on the
shipped fixtures for the benchmark's loads. Under load each costs two to three times as much
(caches shared with the event loop and aiohttp); the proportions hold. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmark import LOADS, PATH, UUID  # noqa: E402
from mockserver import params  # noqa: E402
from mockserver.actions import lookup  # noqa: E402
from mockserver.answers import Answer  # noqa: E402
from mockserver.rendering.envelope import Envelope, encode  # noqa: E402
from mockserver.runtime import create_context  # noqa: E402
from mockserver.scenarios.loader import load_scenarios  # noqa: E402
from mockserver.journal.served import Served  # noqa: E402
from mockserver.settings import Settings  # noqa: E402
from mockserver.web.accesslog import log_line  # noqa: E402


def per_call_us(work: Callable[[int], Any], rounds: int) -> float:
    work(0)
    started = time.perf_counter()
    for number in range(rounds):
        work(number)
    return (time.perf_counter() - started) / rounds * 1e6


def run(coroutine: Any) -> Any:
    """An action's coroutine never waits: drive it to its end without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise RuntimeError("an action waited")


def stages(authcode: str, new_uuid: bool, rounds: int) -> dict[str, float]:
    settings = Settings()
    ctx = create_context(settings, load_scenarios(settings.layers, settings.locale))
    _ = ctx.fake_users.pools  # made at start-up in the server
    body = json.dumps({"authcode": authcode}).encode()

    def target(number: int) -> str:
        return f"{PATH}&uuid={number:08x}-0000-4000-8000-000000000000" if new_uuid else f"{PATH}&uuid={UUID}"

    def inputs_of(number: int) -> params.UrlInputs:
        plain = params.split_plain_url(target(number))  # as the edge does it: nothing to unquote
        assert plain is not None
        inputs = params.api_url_inputs(*plain)
        assert inputs is not None
        return inputs

    url = inputs_of(0)
    call = params.complete_call(url, params.decode_json_body(body), None, "http://127.0.0.1:8080")
    action = lookup(url.route.key, ctx)
    assert action is not None
    answer: Answer = run(action(call, ctx))
    assert isinstance(answer.body, Envelope)

    # One Call per round: with a new uuid each is a device the mock has never seen.
    calls = [
        params.complete_call(inputs_of(number), {"authcode": authcode}, None, "http://127.0.0.1:8080")
        for number in range(rounds + 1)
    ] if new_uuid else [call] * (rounds + 1)  # fmt: skip

    def act(number: int) -> Any:
        return run(action(calls[number], ctx))

    def entry(number: int) -> str:
        return log_line(Served(id=number, time=0.0, method="POST", url=PATH, call=call, pick=answer.pick, code=0, status=200, latency_ms=0.1))

    figures = {
        "parse the URL (a miss of the per-URL memo)": per_call_us(inputs_of, rounds),
        "decode the JSON body": per_call_us(lambda _: params.decode_json_body(body), rounds),
        "build the Call": per_call_us(lambda _: params.complete_call(url, {"authcode": authcode}, None, "http://h"), rounds),
        "the action: scenario, login, render": per_call_us(act, rounds),
        "envelope bytes": per_call_us(lambda _: encode(answer.body), rounds),  # type: ignore[arg-type]
        "journal entry + access-log line": per_call_us(entry, rounds),
    }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args()
    print("| load | stage | µs per request |")
    print("|---|---|---:|")
    for load, (authcode, new_uuid) in LOADS.items():
        for stage, micros in stages(authcode, new_uuid, args.rounds).items():
            print(f"| {load} | {stage} | {micros:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
