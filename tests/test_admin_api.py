"""The admin API under /__mock/: each call with good and bad input, and its effect on answers."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient
from mockserver.web.admin import json_depth
from mockserver.web import keys
from test_personal import PNG, picture, post
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
M = "/__mock"


async def admin(client: Client, method: str, call: str, body: Any = None, raw: str | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    response = await client.request(method, M + call, data=data)
    return response.status, await response.json()


async def login(client: Client, authcode: str = "x", uuid: str = "dev", token: str = "") -> dict[str, Any]:
    response = await client.post(query(uuid=uuid, token=token), json={"authcode": authcode}, headers=HEADERS)
    document: dict[str, Any] = await response.json()
    return document


async def test_health_and_version(make_client: MakeClient) -> None:
    client = await make_client()
    status, health = await admin(client, "GET", "/health")
    assert (status, health["status"], health["profile"]) == (200, "ok", "auto")
    assert (await admin(client, "GET", "/version"))[1]["version"] == health["version"]


async def test_scenarios_list_names_files_tags_and_descriptions(make_client: MakeClient) -> None:
    client = await make_client()
    _, listing = await admin(client, "GET", "/scenarios?tag=network-error")
    names = {s["name"] for s in listing["scenarios"]}
    assert {"network-reset", "network-timeout"} <= names
    first = listing["scenarios"][0]
    assert first["file"].endswith(".yaml") and first["line"] > 0 and first["description"] and "network-error" in first["tags"]


async def test_scenarios_list_names_built_in_files_shortly_and_a_users_as_loaded(
    make_client: MakeClient, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "s.yaml").write_text("version: 1\nscenarios:\n  - name: vip\n    match: {authcode: vip}\n    reply: {user: {}}\n")
    client = await make_client(fixtures=mine, builtin=True)
    _, listing = await admin(client, "GET", "/scenarios")
    where = {s["name"]: (s["file"], s["line"]) for s in listing["scenarios"]}
    assert where["network-timeout"][0] == "built-in:network.yaml"  # not where pip put the package
    assert where["vip"] == (str(mine / "s.yaml"), 3)  # outside the working directory: as given
    assert "built-in:network.yaml" in listing["files"] and str(mine / "s.yaml") in listing["files"]
    assert (await login(client, "vip"))["code"] == 0


@pytest.mark.parametrize(
    ("binding", "affected", "unaffected"),
    [
        pytest.param({}, {"uuid": "a"}, None, id="global"),
        pytest.param({"device": "a"}, {"uuid": "a"}, {"uuid": "b"}, id="device"),
        pytest.param({"token": "t"}, {"token": "t"}, {"token": "other"}, id="token"),
    ],
)
async def test_use_binds_a_scenario(make_client: MakeClient, binding: dict[str, str], affected: dict[str, str], unaffected: dict[str, str] | None) -> None:
    client = await make_client()
    status, _ = await admin(client, "POST", "/use", {"scenario": "status-disabled", **binding})
    assert status == 200
    assert (await login(client, **affected))["code"] == -110
    if unaffected is not None:
        assert (await login(client, **unaffected))["code"] == 0


@pytest.mark.parametrize(
    ("body", "raw", "status", "error"),
    [
        pytest.param({"scenario": "status-disabeld"}, None, 404, "no scenario named 'status-disabeld'", id="unknown-name"),
        pytest.param({}, None, 400, "give 'scenario': the name of a loaded scenario", id="no-name"),
        pytest.param({"scenario": "status-disabled", "device": "a", "token": "b"}, None, 400, "give 'device' or 'token', not both", id="both"),
        pytest.param({"scenario": "status-disabled", "device": 7}, None, 400, "'device' must be a non-empty string", id="device-not-a-string"),
        pytest.param(None, "{not json", 400, "the body is not JSON", id="not-json"),
        pytest.param(None, "[1, 2]", 400, "the body must be a JSON object", id="not-an-object"),
        pytest.param(None, '{"scenario": ' + "[" * 33 + "]" * 33 + "}", 400, "the body is nested deeper than 32 levels", id="too-deep"),
        pytest.param(None, "[" * 100_000 + "]" * 100_000, 400, "the body is nested deeper than 32 levels", id="deeper-than-json-recurses"),
    ],
)  # fmt: skip
async def test_use_refuses_bad_input(make_client: MakeClient, body: Any, raw: str | None, status: int, error: str) -> None:
    client = await make_client()
    got_status, document = await admin(client, "POST", "/use", body, raw)
    assert got_status == status and document["error"].startswith(error)


async def test_an_unknown_name_suggests_the_closest(make_client: MakeClient) -> None:
    client = await make_client()
    assert (await admin(client, "POST", "/use", {"scenario": "status-disabeld"}))[1]["did_you_mean"] == "status-disabled"


async def test_unuse_clears_one_binding_or_all(make_client: MakeClient) -> None:
    client = await make_client()
    for binding in ({"device": "a"}, {"device": "b"}, {"token": "t"}, {}):
        await admin(client, "POST", "/use", {"scenario": "status-disabled", **binding})
    _, after_one = await admin(client, "DELETE", "/use?device=a")
    assert (after_one["devices"], after_one["tokens"], after_one["active"]) == ({"b": "status-disabled"}, {"t": "status-disabled"}, "status-disabled")
    _, after_all = await admin(client, "DELETE", "/use")
    assert after_all == {"active": None, "devices": {}, "tokens": {}}


async def test_reset_forgets_tokens(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = (await login(client))["data"]["token"]
    assert (await admin(client, "POST", "/reset"))[0] == 200
    answer = await (await client.post(query("user/tokenuserinfo", token=token), json={}, headers=HEADERS)).json()
    assert answer["msg"] == "用户信息不存在"


async def test_the_clock_moves(make_client: MakeClient) -> None:
    client = await make_client()
    _, before = await admin(client, "GET", "/clock")
    _, after = await admin(client, "POST", "/clock", {"advance": 3600})
    assert after["offset"] == 3600 and after["now"] - before["now"] >= 3600
    assert (await admin(client, "POST", "/clock", {"offset": 0}))[1]["offset"] == 0


@pytest.mark.parametrize("body", [pytest.param({"advance": "soon"}, id="not-a-number"), pytest.param({"advance": True}, id="boolean"), pytest.param({}, id="nothing")])
async def test_the_clock_refuses_bad_input(make_client: MakeClient, body: dict[str, Any]) -> None:
    assert (await admin(await make_client(), "POST", "/clock", body))[0] == 400


async def answers_normally(client: Client) -> None:
    """A new user's login, an upload and the journal answer as on a fresh mock: everything that
    prints the clock as a date. Each within 5 s: a stuck server fails instead of hanging."""
    user = await asyncio.wait_for(post(client, "user/appminiuserauth", {"authcode": f"new-{uuid.uuid4()}"}), 5)
    assert (user["code"], user["data"]["is_user_exist"]) == (0, 1)
    assert (await asyncio.wait_for(post(client, "personal/useravatarupload", picture(PNG)), 5))["code"] == 0
    status, journal = await asyncio.wait_for(admin(client, "GET", "/journal"), 5)
    assert status == 200 and all(entry["time_iso"].endswith("Z") for entry in journal["requests"])


CLOCK_RANGE = "the clock stays between 1970-01-01 and 9999-01-01 UTC"


@pytest.mark.parametrize(
    ("before", "raw"),
    [
        pytest.param(None, '{"advance": NaN}', id="nan"),
        pytest.param(None, '{"advance": Infinity}', id="infinity"),
        pytest.param(None, '{"advance": -Infinity}', id="minus-infinity"),
        pytest.param(None, '{"advance": 1e300}', id="huge"),
        pytest.param(None, '{"advance": 1' + "0" * 400 + "}", id="huge-integer"),
        pytest.param(3600, '{"advance": -1e18}', id="minus-1e18-after-an-advance"),
        pytest.param(3600, '{"advance": -3e9}', id="before-1970"),
        pytest.param(None, '{"offset": NaN}', id="offset-nan"),
        pytest.param(None, '{"offset": -1e18}', id="offset-minus-1e18"),
        pytest.param(None, '{"offset": 3e11}', id="offset-after-9999"),
    ],
)
async def test_the_clock_refuses_a_time_no_date_can_show(make_client: MakeClient, before: int | None, raw: str) -> None:
    client = await make_client(profile="current")
    if before is not None:
        await admin(client, "POST", "/clock", {"advance": before})
    status, document = await admin(client, "POST", "/clock", raw=raw)
    assert status == 400 and document["error"].endswith(CLOCK_RANGE)
    assert (await admin(client, "GET", "/clock"))[1]["offset"] == (before or 0)
    await answers_normally(client)
    assert (await admin(client, "POST", "/reset", {"scope": "clock"}))[0] == 200
    await answers_normally(client)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        pytest.param({"advance": 1, "offset": 2}, "give 'advance' or 'offset' in seconds, not both", id="both"),
        pytest.param({"advanse": 60}, "the clock takes 'advance' or 'offset', not 'advanse' (did you mean advance?)", id="misspelt"),
    ],
)
async def test_the_clock_takes_one_move_it_knows(make_client: MakeClient, body: dict[str, Any], error: str) -> None:
    client = await make_client()
    assert await admin(client, "POST", "/clock", body) == (400, {"error": error})
    assert (await admin(client, "GET", "/clock"))[1]["offset"] == 0


@pytest.mark.parametrize("edge", [pytest.param(0, id="earliest"), pytest.param(1, id="latest")])
async def test_at_either_end_of_its_range_the_clock_still_serves(make_client: MakeClient, edge: int) -> None:
    """The range is not too wide: at 1970-01-01 and near 9999-01-01 every date still prints."""
    client = await make_client(profile="current")
    low, high = client.app[keys.RUNTIME].state.clock.offsets()
    assert (await admin(client, "POST", "/clock", {"offset": [low + 1, high - 1][edge]}))[0] == 200
    await answers_normally(client)


async def test_reload_reports_problems_and_keeps_the_old_set(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("version: 1\nscenarios:\n  - name: a\n    match: {authcode: a}\n    reply: {error: {code: -5, msg: old}}\n")
    client = await make_client(fixtures=tmp_path)
    assert await admin(client, "POST", "/reload") == (200, {"reloaded": True, "scenarios": 1, "problems": []})
    (tmp_path / "s.yaml").write_text("version: 1\nscenarios: [\n")
    status, document = await admin(client, "POST", "/reload")
    assert status == 422 and "s.yaml:3:1: invalid YAML: while parsing a flow node" in document["problems"][0]
    assert (await login(client, "a"))["msg"] == "old"


async def test_an_unknown_admin_call_lists_the_calls(make_client: MakeClient) -> None:
    status, document = await admin(await make_client(), "GET", "/nope")
    assert status == 404 and "POST /__mock/use" in document["error"]


@pytest.mark.parametrize(("method", "path", "allowed"), [("PUT", "/health", "GET"), ("GET", "/use", "POST, DELETE")])
async def test_a_wrong_method_is_405_with_the_methods_the_call_answers(make_client: MakeClient, method: str, path: str, allowed: str) -> None:
    status, document = await admin(await make_client(), method, path)
    assert (status, document["error"]) == (405, f"/__mock{path} answers {allowed}, not {method}")


async def test_head_answers_like_get(make_client: MakeClient) -> None:
    response = await (await make_client()).head("/__mock/health")
    assert response.status == 200


async def test_the_journal_says_which_rule_answered(make_client: MakeClient) -> None:
    client = await make_client()
    await admin(client, "POST", "/use", {"scenario": "status-disabled", "device": "bound"})
    await login(client, uuid="bound")
    await login(client, "041KIFll2LRIW74DSzll2BlMpn4KIFlb")
    await login(client, "unnamed")
    _, journal = await admin(client, "GET", "/journal")
    assert [(e["scenario"], e["rule"]) for e in journal["requests"]] == [
        ("status-disabled", "device binding"), ("seed-example-user", "exact authcode"), (None, "default user")
    ]  # fmt: skip


async def test_reset_all_returns_to_the_just_started_mock(make_client: MakeClient) -> None:
    client = await make_client(scenario="status-disabled")
    await admin(client, "POST", "/use", {"scenario": "seed-example", "device": "phone"})
    await admin(client, "POST", "/clock", {"advance": 60})
    await login(client)
    status, document = await admin(client, "POST", "/reset", {"scope": "all"})
    assert (status, document["reset"]) == (200, ["users", "tokens", "codes", "sequences", "verify codes", "bindings", "clock", "journal", "posted"])
    assert (await admin(client, "GET", "/bindings"))[1] == {"active": "status-disabled", "devices": {}, "tokens": {}}
    assert (await admin(client, "GET", "/clock"))[1]["offset"] == 0
    assert (await admin(client, "GET", "/journal"))[1]["count"] == 0
    await login(client)
    assert (await admin(client, "GET", "/journal"))[1]["requests"][0]["id"] == 1


@pytest.mark.parametrize(
    ("scope", "cleared"),
    [
        pytest.param(None, ["users", "tokens", "codes", "sequences", "verify codes"], id="default-clients"),
        pytest.param("bindings", ["bindings"], id="one"),
        pytest.param(["clock", "journal"], ["clock", "journal"], id="a-list"),
        pytest.param(["clients", "users"], ["users", "tokens", "codes", "sequences", "verify codes"], id="no-repeats"),
    ],
)
async def test_reset_clears_the_scopes_named(make_client: MakeClient, scope: Any, cleared: list[str]) -> None:
    client = await make_client()
    body = {} if scope is None else {"scope": scope}
    assert (await admin(client, "POST", "/reset", body))[1] == {"reset": cleared}


async def test_reset_scope_in_the_query_too(make_client: MakeClient) -> None:
    client = await make_client()
    assert (await admin(client, "POST", "/reset?scope=clock"))[1] == {"reset": ["clock"]}


async def test_a_reset_with_an_unknown_key_resets_nothing(make_client: MakeClient) -> None:
    client = await make_client()
    token = (await login(client, "demo-user"))["data"]["token"]
    status, document = await admin(client, "POST", "/reset", {"scopes": ["tokens"]})
    assert (status, document) == (400, {"error": "reset takes 'scope', not 'scopes' (did you mean scope?)"})
    center = await client.post(query("user/center", token=token), json={}, headers=HEADERS)
    assert (await center.json())["code"] == 0  # the token still names its user: nothing was forgotten


async def test_an_unknown_reset_scope_is_refused_with_the_scopes(make_client: MakeClient) -> None:
    status, document = await admin(client := await make_client(), "POST", "/reset", {"scope": "bindngs"})
    assert status == 400 and document["error"].startswith("unknown scope 'bindngs' (did you mean bindings?); scopes: users, ")
    assert (await admin(client, "POST", "/reset", {"scope": 3}))[0] == 400


async def test_a_body_nested_to_the_bound_is_read(make_client: MakeClient) -> None:
    client = await make_client()
    status, _ = await admin(client, "POST", "/use", None, '{"scenario": "status-disabled", "x": ' + "[" * 31 + "]" * 31 + "}")
    assert status == 200
    assert (await login(client))["code"] == -110


def test_json_depth_counts_arrays_and_objects() -> None:
    documents: list[Any] = [7, [], {"a": [1, {"b": []}]}, [[[[]]]]]
    assert [json_depth(document) for document in documents] == [0, 1, 4, 4]
