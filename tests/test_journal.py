"""The request journal: what it records, its filters and bounds, and the access-log line."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.web.accesslog import FLUSH_SECONDS, LOG_FORMAT, LOGGER_NAME, ToLogger, ToStream, log_line, shorten
from mockserver.journal import Journal, Query
from mockserver.journal.served import Served as Entry, UpstreamVisit
from mockserver.params import build_call
from mockserver.routing import resolve
from mockserver.scenarios.selection import Pick, Rule
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
RULES = DATA / "engine"
SEED = "041KIFll2LRIW74DSzll2BlMpn4KIFlb"
SERVED_AT = 1796177472.375  # 2026-12-02 02:11:12.375 UTC: exact in binary, so no millisecond rounds away


async def login(client: Client, authcode: str, uuid: str = "dev", client_type: str = "weixin") -> None:
    await client.post(query(client_type=client_type, uuid=uuid), json={"authcode": authcode}, headers=HEADERS)


async def journal(client: Client, filters: str = "") -> list[dict[str, Any]]:
    response = await client.get(f"/__mock/journal{filters}")
    entries: list[dict[str, Any]] = (await response.json())["requests"]
    return entries


async def test_an_entry_records_the_request_and_who_answered(make_client: MakeClient) -> None:
    client = await make_client()
    await login(client, SEED, uuid="phone")
    (entry,) = await journal(client)
    assert (entry["method"], entry["action"], entry["client_type"], entry["device"], entry["authcode"]) == ("POST", "user/appminiuserauth", "weixin", "phone", SEED)
    assert (entry["scenario"], entry["rule"], entry["code"], entry["status"]) == ("seed-example-user", "exact authcode", 0, 200)
    assert entry["params"]["authcode"] == SEED and entry["url"].startswith("/api.php?s=user/appminiuserauth")
    assert entry["latency_ms"] >= 0


async def test_an_entry_gives_its_time_in_iso_8601_utc_beside_the_epoch_seconds(make_client: MakeClient) -> None:
    client = await make_client()
    await client.post("/__mock/clock", json={"advance": 3600})  # the mock's clock, moved: time_iso follows it
    await login(client, SEED)
    (entry,) = await journal(client)
    assert list(entry)[:3] == ["id", "time", "time_iso"]
    assert entry["time_iso"].endswith("Z")
    assert abs(datetime.fromisoformat(entry["time_iso"]).timestamp() - entry["time"]) < 0.001


async def test_near_misses_say_why_the_scenarios_of_the_authcode_did_not_answer(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    await login(client, "shared", client_type="alipay")
    (entry,) = await journal(client)
    assert entry["rule"] == "default user"
    assert entry["near_misses"][0] == "exact-weixin: application_client_type 'alipay' is not 'weixin'"


async def test_a_dropped_connection_is_recorded_with_status_0(make_client: MakeClient) -> None:
    client = await make_client()
    with pytest.raises(aiohttp.ClientConnectionError):
        await login(client, "network-reset")
    (entry,) = await journal(client)
    assert (entry["scenario"], entry["status"], entry["code"]) == ("network-reset", 0, None)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param("?authcode=a", ["a"], id="authcode"),
        pytest.param("?uuid=two", ["b"], id="uuid"),
        pytest.param("?scenario=seed-example-user", [SEED], id="scenario"),
        pytest.param("?action=user/appminiuserauth", ["a", "b", SEED], id="action"),
        pytest.param("?action=user/", ["a", "b", SEED, ""], id="action-prefix"),
        pytest.param("?limit=2", [SEED, ""], id="limit-newest"),
    ],
)
async def test_filters(make_client: MakeClient, filters: str, expected: list[str]) -> None:
    client = await make_client(profile="current")
    await login(client, "a", uuid="one")
    await login(client, "b", uuid="two")
    await login(client, SEED)
    await client.post(query("user/tokenuserinfo"), json={}, headers=HEADERS)
    assert [e["authcode"] for e in await journal(client, filters)] == expected


async def test_since_filters_by_time(make_client: MakeClient) -> None:
    client = await make_client()
    await login(client, "old")
    since = (await journal(client))[0]["time"] + 0.000001
    await client.post("/__mock/clock", json={"advance": 10})
    await login(client, "new")
    assert [e["authcode"] for e in await journal(client, f"?since={since}")] == ["new"]


@pytest.mark.parametrize("filters", [pytest.param("?colour=red", id="unknown-filter"), pytest.param("?limit=many", id="bad-limit")])
async def test_bad_filters_are_a_400(make_client: MakeClient, filters: str) -> None:
    response = await (await make_client()).get(f"/__mock/journal{filters}")
    assert response.status == 400 and "error" in await response.json()


async def test_the_journal_is_bounded(make_client: MakeClient) -> None:
    client = await make_client(journal_size=3)
    for code in "abcde":
        await login(client, code)
    assert [e["authcode"] for e in await journal(client)] == ["c", "d", "e"]


async def test_the_journal_can_be_cleared(make_client: MakeClient) -> None:
    client = await make_client()
    await login(client, "a")
    await client.delete("/__mock/journal")
    assert await journal(client) == []


async def test_admin_and_static_requests_are_not_journaled(make_client: MakeClient) -> None:
    client = await make_client()
    await client.get("/__mock/health")
    await client.get("/static/common/images/default-user-avatar-md.png")
    assert await journal(client) == []


async def test_one_access_line_per_request_with_secrets_shortened(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client()
    with caplog.at_level(logging.INFO, logger="mockserver.access"):
        await login(client, SEED, uuid="0c6b0d5e-3f2a-4b7c-9d1e-2f3a4b5c6d7e")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "mockserver.access"]
    assert line.startswith("POST user/appminiuserauth weixin authcode=041K…IFlb uuid=0c6b…6d7e scenario=seed-example-user (exact authcode) as=current code=0 200 ")
    assert SEED not in line and line.endswith("ms")


async def test_the_command_line_log_writes_its_lines_together_soon_after() -> None:
    stream = io.StringIO()
    log = ToStream(stream, clock=lambda: SERVED_AT)
    log.write(entry(id=1))
    log.write(entry(id=2))
    assert stream.getvalue() == ""  # nothing written per request
    await asyncio.sleep(FLUSH_SECONDS * 2)
    assert stream.getvalue().splitlines() == [stream_line(SERVED_AT), stream_line(SERVED_AT)]


@pytest.fixture
def utc_plus_8() -> Iterator[None]:
    """Local time UTC+8 (a POSIX zone string: no tz database needed), as `logging` and ToStream read it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "CST-8"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.usefixtures("utc_plus_8")
async def test_a_command_line_access_line_has_the_time_and_the_client_type() -> None:
    assert stream_line(SERVED_AT) == (
        "2026-12-02 10:11:12,375 INFO mockserver.access: POST user/appminiuserauth weixin authcode=a uuid=d [default user] code=0 200 1.0ms"
    )


@pytest.mark.parametrize(
    "times",
    [
        pytest.param([SERVED_AT], id="one"),
        pytest.param([SERVED_AT, SERVED_AT + 0.5, SERVED_AT + 0.625, SERVED_AT + 61], id="within-and-across-seconds"),
        pytest.param([SERVED_AT - 0.375, SERVED_AT - 0.375 + 0.999], id="first-and-last-millisecond"),
    ],
)
async def test_the_command_line_and_the_logger_write_the_same_line(times: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    """ToStream writes what `logging` writes for ToLogger's record with the command line's format."""
    by_logging = io.StringIO()
    handler = logging.StreamHandler(by_logging)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    level, logger.level = logger.level, logging.INFO
    try:
        for served_at in times:
            with monkeypatch.context() as patch:
                patch.setattr(time, "time", lambda: served_at)  # the clock a LogRecord reads
                ToLogger().write(entry())
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    clock, by_stream = iter(times), io.StringIO()
    log = ToStream(by_stream, clock=lambda: next(clock))
    for _ in times:
        log.write(entry())
    log.flush()
    assert by_stream.getvalue() == by_logging.getvalue()


def stream_line(served_at: float) -> str:
    """The line ToStream writes for `entry()` served at `served_at` (call it from a running loop)."""
    stream = io.StringIO()
    log = ToStream(stream, clock=lambda: served_at)
    log.write(entry())
    log.flush()
    return stream.getvalue().removesuffix("\n")


def test_shorten_keeps_short_values() -> None:
    assert (shorten("abc"), shorten("x" * 12), shorten("0123456789abcdef")) == ("abc", "x" * 12, "0123…cdef")


def entry(id: int = 1, code: int | None = 0, status: int = 200, served_at: float = 100.0) -> Entry:
    """A weixin login from device `d` with authcode `a` at t=100 that the default user answered."""
    call = build_call(resolve("user/appminiuserauth"), {"application_client_type": "weixin", "uuid": "d"}, {"authcode": "a"}, None, "")
    return Entry(id=id, time=served_at, method="POST", url="/api.php", call=call, pick=Pick(None, Rule.DEFAULT), code=code, status=status, latency_ms=1.0)


def test_query_admits_by_every_filter() -> None:
    assert Query(action="user/", authcode="a", uuid="d", since=99).admits(entry())
    assert not Query(scenario="s").admits(entry())
    assert not Query(since=101).admits(entry())


def test_the_ring_buffer_drops_the_oldest() -> None:
    ring = Journal(2)
    for number in range(3):
        ring.record(entry(id=number))
    assert [e.id for e in ring.find()] == [1, 2]


def test_time_iso_is_utc_to_the_millisecond() -> None:
    assert (entry().time_iso, entry(served_at=SERVED_AT).time_iso) == ("1970-01-01T00:01:40.000Z", "2026-12-02T02:11:12.375Z")


def test_a_dropped_request_logs_as_dropped() -> None:
    assert log_line(entry(code=None, status=0)).endswith("[default user] dropped 1.0ms")


def test_the_path_of_the_journal_module_is_plain_python() -> None:
    source = (Path(__file__).parent.parent / "mockserver" / "journal" / "__init__.py").read_text()
    assert "aiohttp" not in source


async def test_an_unknown_header_scenario_is_journaled_with_a_suggestion(make_client: MakeClient) -> None:
    client = await make_client()
    response = await client.post(query(), json={"authcode": "x"}, headers={**HEADERS, "X-Mock-Scenario": "status-disabeld"})
    assert response.status == 400
    [entry] = await journal(client)
    assert (entry["rule"], entry["scenario"], entry["status"]) == ("header", None, 400)
    assert entry["note"] == "X-Mock-Scenario: no scenario named 'status-disabeld' (did you mean status-disabled?)"


async def test_a_header_naming_another_actions_scenario_is_ignored_and_says_why(make_client: MakeClient) -> None:
    client = await make_client(fixtures=DATA / "flow")
    names = [s["name"] for s in (await (await client.get("/__mock/scenarios")).json())["scenarios"] if s["action"] != "user/appminiuserauth"]
    answer = await (await client.post(query(), json={"authcode": "x"}, headers={**HEADERS, "X-Mock-Scenario": names[0]})).json()
    assert answer["code"] == 0  # the login's own default
    [entry] = await journal(client)
    assert entry["rule"] == "default user"
    assert entry["note"].startswith(f"X-Mock-Scenario '{names[0]}' ignored: it answers ") and entry["note"].endswith(", not user/appminiuserauth")


def test_the_access_log_line_carries_the_note() -> None:
    call = build_call(resolve("user/appminiuserauth"), {}, {"authcode": "x"}, None, "")
    pick = Pick(None, Rule.HEADER, note="X-Mock-Scenario: no scenario named 'a'")
    line = log_line(Entry(1, 100.0, "POST", "/api.php", call, pick, -1, 400, 1.0))
    assert "[X-Mock-Scenario: no scenario named 'a']" in line


def test_a_control_character_a_client_sent_stays_on_its_line() -> None:
    call = build_call(resolve("user/appminiuserauth"), {"application_client_type": "weixin\nPOST x", "uuid": "a\rb"}, {"authcode": "c\n"}, None, "")
    line = log_line(Entry(1, 100.0, "POST", "/api.php", call, Pick(None, Rule.DEFAULT), 0, 200, 1.0))
    assert "\n" not in line and "\r" not in line and "weixin\\nPOST x" in line and "uuid=a\\rb" in line


def test_a_request_the_mock_refused_before_the_upstream_is_logged_as_the_mocks() -> None:
    """A path outside the upstream's root never left the mock: the line must not say [upstream]."""
    call = build_call(resolve("goods/detail"), {}, {}, None, "")
    refused = UpstreamVisit("http://shop/x", 0, 0.0, "not sent: the path leaves the upstream's root /shop/")
    line = log_line(Entry(1, 100.0, "GET", "/api.php", call, None, -1, 400, 1.0, upstream=refused))
    assert "[upstream]" not in line
    assert "[mock: not sent upstream, the path leaves the upstream's root /shop/] code=-1 400" in line


def test_a_request_the_upstream_answered_is_still_logged_as_upstream() -> None:
    call = build_call(resolve("goods/detail"), {}, {}, None, "")
    line = log_line(Entry(1, 100.0, "GET", "/api.php", call, None, 0, 200, 1.0, upstream=UpstreamVisit("http://shop/x", 200, 3.0)))
    assert " [upstream] code=0 200 " in line
