"""Scenarios posted at run time (`POST /__mock/scenarios`): checked as a file's are, layered over
the files' layers as `runtime`, deleted by name, dropped by a reset of everything, kept by a
reload, bounded; and a normal login answering after every refusal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient, reload_now
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
S = "/__mock/scenarios"
DISABLED = {"name": "mine", "match": {"authcode": "mine"}, "reply": {"error": "user_disabled"}}
VIP = "version: 1\nscenarios:\n  - name: vip\n    match: {authcode: vip}\n    reply: {user: {nickname: Vip}}\n"


async def call(client: Client, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    response = await client.request(method, path, data=None if body is None else json.dumps(body))
    return response.status, await response.json()


async def login(client: Client, authcode: str = "x", uuid: str = "dev") -> dict[str, Any]:
    response = await client.post(query(uuid=uuid), json={"authcode": authcode}, headers=HEADERS)
    document: dict[str, Any] = await response.json()
    return document


async def still_answers(client: Client) -> None:
    """A normal login, after a refusal: the mock serves as before."""
    assert (await login(client, "a-platform-code"))["code"] == 0


async def runtime_names(client: Client) -> list[str]:
    listing = (await call(client, "GET", S))[1]["scenarios"]
    return [row["name"] for row in listing if row["layer"] == "runtime"]


async def test_a_posted_scenario_answers_at_once(make_client: MakeClient) -> None:
    client = await make_client()
    status, document = await call(client, "POST", S, DISABLED)
    assert (status, document["scenario"]["name"], document["posted"]) == (201, "mine", 1)
    assert (await login(client, "mine"))["code"] == -110


async def test_it_is_listed_in_the_runtime_layer_beside_the_files(make_client: MakeClient) -> None:
    client = await make_client()
    await call(client, "POST", S, DISABLED)
    rows = {row["name"]: row for row in (await call(client, "GET", S))[1]["scenarios"]}
    assert (rows["mine"]["layer"], rows["mine"]["file"]) == ("runtime", "runtime")
    assert rows["status-disabled"]["layer"] == "built-in"


async def test_a_posted_scenario_binds_to_one_device(make_client: MakeClient) -> None:
    client = await make_client()
    await call(client, "POST", S, {"name": "for-one", "reply": {"error": {"code": -9, "msg": "only you"}}})
    assert (await call(client, "POST", "/__mock/use", {"scenario": "for-one", "device": "a"}))[0] == 200
    assert ((await login(client, uuid="a"))["code"], (await login(client, uuid="b"))["code"]) == (-9, 0)


@pytest.mark.parametrize(
    ("scenario", "error", "path"),
    [
        pytest.param({"name": "x", "replyy": {"user": {}}}, "unknown key 'replyy' in the scenario (did you mean reply?)", "replyy", id="unknown-key"),
        pytest.param({"name": "x", "reply": {"erorr": "user_disabled"}}, "unknown key 'erorr' in reply (did you mean error?)", "reply.erorr", id="unknown-reply-key"),
        pytest.param({"name": "x", "reply": {"error": "user_disabld"}}, "unknown error 'user_disabld' (did you mean user_disabled?)", "reply.error", id="unknown-error"),
        pytest.param({"name": "x", "reply": {"fault": "nope"}}, "unknown fault 'nope'; known: ", "reply.fault", id="bad-fault"),
        pytest.param({"name": "x", "reply": {"code": -1, "msg": "no"}}, "unknown keys 'code', 'msg' in reply: an error's code and msg go under 'error:'", "reply.code", id="envelope-on-top"),
        pytest.param({"name": "x", "action": "goods/detail", "reply": {"user": {}}}, "reply.user: goods/detail cannot answer 'user'", "reply.user", id="reply-kind-of-another-route"),
        pytest.param({"name": "x", "match": {"authcode": {"regex": "("}}, "reply": {"user": {}}}, "match.authcode.regex: bad regular expression", "match.authcode.regex", id="bad-regex"),
        pytest.param({"reply": {"user": {}}}, "the scenario: missing key 'name'", "", id="no-name"),
    ],
)
async def test_a_bad_scenario_is_refused_with_the_path_of_the_mistake(make_client: MakeClient, scenario: dict[str, Any], error: str, path: str) -> None:
    client = await make_client()
    status, document = await call(client, "POST", S, scenario)
    assert status == 400 and document["error"].startswith(error) and document["path"] == path, document
    assert await runtime_names(client) == []
    await still_answers(client)


async def test_a_files_name_needs_override(make_client: MakeClient) -> None:
    client = await make_client()
    status, document = await call(client, "POST", S, {"name": "status-disabled", "reply": {"user": {}}})
    assert status == 400 and document["path"] == "name"
    assert "already used by the scenario at" in document["error"] and "add 'override: true'" in document["error"]
    await still_answers(client)


async def test_override_replaces_a_files_scenario_until_deleted(make_client: MakeClient) -> None:
    client = await make_client()
    replacement = {"name": "status-disabled", "override": True, "reply": {"error": {"code": -5, "msg": "replaced"}}}
    assert (await call(client, "POST", S, replacement))[0] == 201
    await call(client, "POST", "/__mock/use", {"scenario": "status-disabled"})
    assert (await login(client))["code"] == -5
    assert (await call(client, "DELETE", f"{S}/status-disabled"))[0] == 200
    await call(client, "POST", "/__mock/use", {"scenario": "status-disabled"})
    assert (await login(client))["code"] == -110  # the file's again


async def test_override_of_nothing_is_refused(make_client: MakeClient) -> None:
    client = await make_client()
    status, document = await call(client, "POST", S, {"name": "status-disabledd", "override": True, "reply": {"user": {}}})
    assert (status, document["path"]) == (400, "override")
    assert "no earlier layer has a scenario named 'status-disabledd' (did you mean status-disabled?)" in document["error"]
    await still_answers(client)


async def test_an_authcode_a_file_uses_is_refused(make_client: MakeClient) -> None:
    client = await make_client()
    status, document = await call(client, "POST", S, {"name": "again", "match": {"authcode": "new-user"}, "reply": {"user": {}}})
    assert (status, document["path"]) == (400, "match") and "could never answer" in document["error"]
    await still_answers(client)


async def test_a_posted_name_is_posted_once(make_client: MakeClient) -> None:
    client = await make_client()
    await call(client, "POST", S, DISABLED)
    status, document = await call(client, "POST", S, {**DISABLED, "match": {"authcode": "other"}})
    assert (status, document["path"]) == (409, "name") and "DELETE /__mock/scenarios/mine first" in document["error"]
    assert (await login(client, "mine"))["code"] == -110  # the first stays


async def test_a_body_that_is_not_an_object_is_refused(make_client: MakeClient) -> None:
    client = await make_client()
    response = await client.post(S, data="[1]")
    assert (response.status, (await response.json())["error"]) == (400, "the body must be a JSON object")
    await still_answers(client)


async def test_delete_removes_it_and_its_bindings(make_client: MakeClient) -> None:
    client = await make_client()
    await call(client, "POST", S, DISABLED)
    await call(client, "POST", "/__mock/use", {"scenario": "mine", "device": "a"})
    assert await call(client, "DELETE", f"{S}/mine") == (200, {"deleted": "mine", "posted": 0})
    assert await runtime_names(client) == []
    assert (await call(client, "GET", "/__mock/bindings"))[1]["devices"] == {}
    assert (await login(client, "mine", uuid="a"))["code"] == 0  # no longer disabled


async def test_delete_of_an_unknown_name_suggests_the_closest(make_client: MakeClient) -> None:
    client = await make_client()
    await call(client, "POST", S, DISABLED)
    status, document = await call(client, "DELETE", f"{S}/mien")
    assert (status, document) == (404, {"error": "no posted scenario named 'mien'", "did_you_mean": "mine"})
    await still_answers(client)


async def test_a_files_scenario_cannot_be_deleted(make_client: MakeClient) -> None:
    client = await make_client()
    status, document = await call(client, "DELETE", f"{S}/status-disabled")
    assert status == 400 and "a scenario of the files (built-in:statuses.yaml)" in document["error"]
    await call(client, "POST", "/__mock/use", {"scenario": "status-disabled"})
    assert (await login(client))["code"] == -110  # still there


async def test_reset_all_drops_them(make_client: MakeClient) -> None:
    client = await make_client()
    await call(client, "POST", S, DISABLED)
    status, document = await call(client, "POST", "/__mock/reset", {"scope": "all"})
    assert status == 200 and "posted" in document["reset"]
    assert await runtime_names(client) == []
    assert (await login(client, "mine"))["code"] == 0
    assert (await call(client, "POST", S, DISABLED))[0] == 201  # the name is free again


async def test_reset_of_the_clients_keeps_them(make_client: MakeClient) -> None:
    client = await make_client()
    await call(client, "POST", S, DISABLED)
    await call(client, "POST", "/__mock/reset", {"scope": "clients"})
    assert (await login(client, "mine"))["code"] == -110


async def test_reset_posted_drops_them_and_their_bindings_only(make_client: MakeClient) -> None:
    client = await make_client()
    await call(client, "POST", S, DISABLED)
    await call(client, "POST", "/__mock/use", {"scenario": "mine", "device": "a"})
    await call(client, "POST", "/__mock/use", {"scenario": "status-disabled", "device": "b"})
    assert (await call(client, "POST", "/__mock/reset", {"scope": "posted"}))[1] == {"reset": ["posted"]}
    assert (await call(client, "GET", "/__mock/bindings"))[1]["devices"] == {"b": "status-disabled"}


async def test_a_reload_keeps_them_over_the_new_files(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(VIP)
    client = await make_client(fixtures=tmp_path)
    await call(client, "POST", S, DISABLED)
    await call(client, "POST", "/__mock/use", {"scenario": "mine", "device": "a"})
    (tmp_path / "s.yaml").write_text(VIP.replace("Vip", "Edited"))
    assert await reload_now(client.app) == []
    assert (await login(client, "mine"))["code"] == -110
    assert (await login(client, "any", uuid="a"))["code"] == -110  # its binding too
    assert (await login(client, "vip"))["data"]["nickname"] == "Edited"
    assert await runtime_names(client) == ["mine"]


async def test_a_reload_whose_files_take_a_posted_name_is_refused_and_the_last_set_serves(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(VIP)
    client = await make_client(fixtures=tmp_path)
    await call(client, "POST", S, DISABLED)
    (tmp_path / "s.yaml").write_text(VIP.replace("name: vip", "name: mine"))
    status, document = await call(client, "POST", "/__mock/reload")
    assert status == 422 and document["problems"][0].startswith("runtime: a posted scenario: name 'mine' is already used")
    assert (await login(client, "mine"))["code"] == -110 and (await login(client, "vip"))["code"] == 0


async def test_the_count_is_bounded(make_client: MakeClient) -> None:
    client = await make_client(max_runtime_scenarios=2)
    for name in ("a", "b"):
        assert (await call(client, "POST", S, {"name": name, "reply": {"user": {}}}))[0] == 201
    status, document = await call(client, "POST", S, {"name": "c", "reply": {"user": {}}})
    assert status == 409 and "--max-runtime-scenarios (SHOPXO_MOCK_MAX_RUNTIME_SCENARIOS)" in document["error"]
    assert await runtime_names(client) == ["a", "b"]
    await still_answers(client)
    await call(client, "DELETE", f"{S}/a")
    assert (await call(client, "POST", S, {"name": "c", "reply": {"user": {}}}))[0] == 201  # room again


async def test_the_bytes_are_bounded(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(VIP)
    client = await make_client(fixtures=tmp_path, max_scenario_bytes=400)
    first = {"name": "a", "description": "x" * 200, "reply": {"user": {}}}
    assert (await call(client, "POST", S, first))[0] == 201
    status, document = await call(client, "POST", S, {**first, "name": "b"})
    assert status == 413 and "--max-scenario-bytes (SHOPXO_MOCK_MAX_SCENARIO_BYTES)" in document["error"]
    assert await runtime_names(client) == ["a"]
    await still_answers(client)


async def test_the_routes_are_guarded_like_the_rest(make_client: MakeClient) -> None:
    client = await make_client(admin_token="s3cret")
    assert (await call(client, "POST", S, DISABLED))[0] == 401
    assert (await call(client, "DELETE", f"{S}/mine"))[0] == 401
    assert (await login(client, "mine"))["code"] == 0  # nothing was posted


async def test_every_mistake_is_listed_with_its_path(make_client: MakeClient) -> None:
    client = await make_client()
    status, document = await call(client, "POST", S, {"name": "x", "tagz": [], "reply": {"erorr": "user_disabled"}})
    assert status == 400 and (document["error"], document["path"]) == (document["problems"][0]["error"], document["problems"][0]["path"])
    assert sorted(problem["path"] for problem in document["problems"]) == ["reply.erorr", "tagz"]


async def test_a_scenario_with_no_reply_is_refused_at_the_scenario(make_client: MakeClient) -> None:
    client = await make_client()
    status, document = await call(client, "POST", S, {"name": "x"})
    assert (status, document) == (400, {"error": "the scenario: give either reply (one answer) or replies (a sequence)", "path": ""})
    await still_answers(client)


async def test_templates_work_as_in_a_file(make_client: MakeClient) -> None:
    client = await make_client()
    await call(client, "POST", S, {"name": "t", "match": {"authcode": "t"}, "reply": {"user": {"nickname": "{{request.authcode}}-ok"}}})
    assert (await login(client, "t"))["data"]["nickname"] == "t-ok"
    status, document = await call(client, "POST", S, {"name": "u", "reply": {"user": {"nickname": "{{faker.nmae}}"}}})
    assert (status, document) == (400, {"error": "reply.user.nickname: unknown Faker provider 'nmae'", "path": "reply.user.nickname"})
