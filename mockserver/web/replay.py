"""A recording's requests sent again to a mock serving it: does each get the same bytes back?

The recorder checks its file this way before it writes it (`shopxo-mock record`), and the tests
hold it to it. Here in the edge since it talks HTTP (aiohttp's client); what a recording holds and
how a reply falls back to its bytes is `upstream.record`'s. The requests go in the order they were recorded, since a login's pinned token is
what the routes after it are checked against.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import AsyncContextManager, Callable, Final, Sequence

import aiohttp
from yarl import URL

from ..scenarios.loader import ScenarioLoadError, load_scenarios
from ..scenarios.model import ScenarioSet
from ..settings import Settings
from ..upstream.record import Exchange, Recording

CHECK_ROUNDS: Final = 3  # replay, fall back to the bytes where it differed, replay again
# A mock serving these scenarios while the block runs, at the URL it yields (`web.serve.serving`).
Serve = Callable[[Settings, ScenarioSet], AsyncContextManager[str]]


async def replay(base_url: str, exchanges: Sequence[Exchange], session: aiohttp.ClientSession) -> list[tuple[Exchange, str]]:
    """The exchanges answered differently, each with how (status, content type or bytes)."""
    differing: list[tuple[Exchange, str]] = []
    for exchange in exchanges:
        headers = {"Content-Type": exchange.content_type} if exchange.content_type else {}
        async with session.request(
            exchange.method,
            URL(base_url.rstrip("/") + "/" + exchange.path.lstrip("/"), encoded=True),  # as recorded, not re-quoted
            data=exchange.body or None,
            headers=headers,
            allow_redirects=False,
        ) as response:
            body = await response.read()
            content_type = response.headers.get("Content-Type", "")
        if response.status != exchange.status:
            differing.append((exchange, f"HTTP {response.status}, recorded {exchange.status}"))
        elif content_type != exchange.answer_type:
            differing.append((exchange, f"content type {content_type!r}, recorded {exchange.answer_type!r}"))
        elif body != exchange.answer:
            differing.append((exchange, f"{len(body)} bytes differ from the {len(exchange.answer)} recorded"))
    return differing


async def check(recording: Recording, settings: Settings, serve: Serve) -> list[str]:
    """Replay this run's requests against a mock serving the recording alone, in the profile it
    was recorded in; fall back to the bytes for each reply answered differently, and again.
    What still differs after that (or a file that does not load) is returned, in words."""
    differing: list[str] = []
    for _ in range(CHECK_ROUNDS):
        with tempfile.TemporaryDirectory(prefix="shopxo-mock-record-") as directory:
            recording.write(Path(directory) / "recording.yaml")
            try:
                scenarios = load_scenarios(Path(directory), settings.locale)
            except ScenarioLoadError as exc:
                return [str(error) for error in exc.errors]
            replayed = Settings(
                profile=settings.profile,
                fixtures=Path(directory),
                builtin=False,
                seed=settings.seed,
                locale=settings.locale,
                config=settings.config,
                unknown_users=settings.unknown_users,
            )
            async with serve(replayed, scenarios) as url, aiohttp.ClientSession() as session:
                answered = await replay(url, recording.exchanges, session)
        differing = [f"{exchange.method} {exchange.path.split('&', 1)[0]}: {how}" for exchange, how in answered]
        changed = [recording.fall_back(exchange.entry, exchange.reply) for exchange, _ in answered]
        if not any(changed):
            break
    return differing
