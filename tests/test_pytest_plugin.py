"""The pytest plugin used the way a user's own test file uses it: only the public fixture API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from mockserver.pytest_plugin import MockServer

CLIENT_QUERY = "&application=app&application_client_type=weixin&uuid={uuid}&ajax=ajax"


def login(server: MockServer, authcode: str, uuid: str = "phone-1") -> dict[str, Any]:
    url = server.api_url("user/appminiuserauth") + CLIENT_QUERY.format(uuid=uuid)
    body = json.dumps({"authcode": authcode}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        document: dict[str, Any] = json.loads(response.read())
    return document


def test_the_fixture_serves_the_shipped_seed_user(shopxo_mock: MockServer) -> None:
    answer = login(shopxo_mock, "041KIFll2LRIW74DSzll2BlMpn4KIFlb")
    assert answer["data"]["token"] == "58c717b1e8cfe430c8f021be4c5b7ed6"


def test_use_binds_a_scenario_to_one_device(shopxo_mock: MockServer) -> None:
    shopxo_mock.use("status-disabled", device="phone-1")
    assert login(shopxo_mock, "any-code", uuid="phone-1")["code"] == -110
    assert login(shopxo_mock, "any-code", uuid="phone-2")["code"] == 0


def test_use_of_an_unknown_scenario_says_so(shopxo_mock: MockServer) -> None:
    with pytest.raises(ValueError, match="no scenario named 'status-disabledd'"):
        shopxo_mock.use("status-disabledd")


def test_assert_requested_returns_what_the_front_end_sent(shopxo_mock: MockServer) -> None:
    login(shopxo_mock, "abc", uuid="phone-9")
    (entry,) = shopxo_mock.assert_requested("user/appminiuserauth", uuid="phone-9", times=1)
    assert entry["params"]["authcode"] == "abc"
    assert entry["rule"] == "default user"


def test_a_failed_assertion_shows_what_was_received(shopxo_mock: MockServer) -> None:
    login(shopxo_mock, "abc")
    with pytest.raises(AssertionError) as failure:
        shopxo_mock.assert_requested("user/appminiuserinfo")
    assert "got 0" in str(failure.value)
    assert '"authcode": "abc"' in str(failure.value)


@pytest.mark.shopxo_mock(journal_bytes=20_000)
def test_a_failed_assertion_says_when_older_requests_were_dropped_for_the_budget(shopxo_mock: MockServer) -> None:
    for number in range(10):  # ~3.8 KB each as the journal counts them: the first ones go
        login(shopxo_mock, f"code-{number}")
    with pytest.raises(AssertionError) as failure:
        shopxo_mock.assert_requested(authcode="code-0")
    assert "older request(s) dropped for the journal's byte budget, --journal-bytes" in str(failure.value)
    assert login(shopxo_mock, "abc")["code"] == 0


@pytest.mark.shopxo_mock(profile="current")
def test_the_marker_sets_the_profile(shopxo_mock: MockServer) -> None:
    assert isinstance(login(shopxo_mock, "abc")["data"]["id"], int)


USERS = Path(__file__).parent / "data" / "appminiuserauth"


@pytest.mark.shopxo_mock(fixtures=USERS)
def test_the_marker_fixtures_alone_replace_the_shipped_scenarios(shopxo_mock: MockServer) -> None:
    assert login(shopxo_mock, "female")["data"]["nickname"] == "李四"
    assert login(shopxo_mock, "041KIFll2LRIW74DSzll2BlMpn4KIFlb")["data"]["is_user_exist"] == 0  # the page's code: unknown here


@pytest.mark.shopxo_mock(fixtures=[str(USERS)], builtin=True)
def test_the_marker_layers_fixtures_over_the_shipped_scenarios(shopxo_mock: MockServer) -> None:
    assert login(shopxo_mock, "female")["data"]["nickname"] == "李四"
    assert login(shopxo_mock, "041KIFll2LRIW74DSzll2BlMpn4KIFlb")["data"]["token"] == "58c717b1e8cfe430c8f021be4c5b7ed6"


def test_reset_forgets_tokens_and_clear_drops_bindings(shopxo_mock: MockServer) -> None:
    shopxo_mock.use("status-disabled")
    assert login(shopxo_mock, "abc")["code"] == -110
    shopxo_mock.clear()
    assert login(shopxo_mock, "abc")["code"] == 0


@pytest.mark.shopxo_mock(admin_token="s3cret")
def test_with_an_admin_token_the_helpers_send_it(shopxo_mock: MockServer) -> None:
    """The mock asks every admin caller for its token, this machine too: the helpers send it."""
    shopxo_mock.use("status-disabled", device="phone-1")
    assert login(shopxo_mock, "abc", uuid="phone-1")["code"] == -110
    assert shopxo_mock.assert_requested("user/appminiuserauth", uuid="phone-1", times=1)
    assert shopxo_mock.reset("all") and login(shopxo_mock, "abc", uuid="phone-1")["code"] == 0
    with pytest.raises(urllib.error.HTTPError) as refused:  # as any caller without it
        urllib.request.urlopen(f"{shopxo_mock.url}__mock/journal", timeout=10)
    refused.value.close()
    assert refused.value.code == 401


# -- scenarios made in the test ----------------------------------------------------------


def posted(server: MockServer) -> list[str]:
    with urllib.request.urlopen(server.url + "__mock/scenarios", timeout=10) as response:
        rows = json.loads(response.read())["scenarios"]
    return [row["name"] for row in rows if row["layer"] == "runtime"]


def test_an_inline_scenario_for_one_device(shopxo_mock: MockServer) -> None:
    made = shopxo_mock.scenario(reply={"error": {"code": -9, "msg": "only you"}}, device="phone-1")
    assert made.name == "inline-1"
    assert (login(shopxo_mock, "any", uuid="phone-1")["code"], login(shopxo_mock, "any", uuid="phone-2")["code"]) == (-9, 0)


def test_an_inline_scenario_for_everybody(shopxo_mock: MockServer) -> None:
    shopxo_mock.scenario({"name": "closed", "reply": {"error": "user_disabled"}}, everybody=True)
    assert login(shopxo_mock, "any", uuid="phone-2")["code"] == -110


def test_an_inline_scenario_selected_by_its_match(shopxo_mock: MockServer) -> None:
    shopxo_mock.scenario(match={"authcode": "vip"}, reply={"user": {"nickname": "Vip"}})
    assert (login(shopxo_mock, "vip")["data"]["nickname"], login(shopxo_mock, "other")["code"]) == ("Vip", 0)


def test_a_bad_inline_scenario_raises_naming_where(shopxo_mock: MockServer) -> None:
    with pytest.raises(ValueError, match=r"unknown error 'user_disabld' \(did you mean user_disabled\?\).* \(at reply.error\)$"):
        shopxo_mock.scenario(reply={"error": "user_disabld"}, device="phone-1")
    assert posted(shopxo_mock) == [] and login(shopxo_mock, "any", uuid="phone-1")["code"] == 0


def test_everybody_and_one_device_at_once_is_refused(shopxo_mock: MockServer) -> None:
    with pytest.raises(ValueError, match="for everybody or for one device or token, not both"):
        shopxo_mock.scenario(reply={"user": {}}, device="phone-1", everybody=True)
    assert posted(shopxo_mock) == []


def test_a_with_block_removes_it_and_its_binding(shopxo_mock: MockServer) -> None:
    with shopxo_mock.scenario(reply={"error": "user_disabled"}, device="phone-1"):
        assert login(shopxo_mock, "any")["code"] == -110
    assert posted(shopxo_mock) == [] and login(shopxo_mock, "any")["code"] == 0


def test_the_tests_end_removes_it_from_a_session_mock(shopxo_mock_session: MockServer) -> None:
    shopxo_mock_session.scenario({"name": "left-behind", "reply": {"user": {}}}, everybody=True)
    assert posted(shopxo_mock_session) == ["left-behind"]


def test_the_next_test_sees_the_session_mock_without_it(shopxo_mock_session: MockServer) -> None:
    """Runs after the one above (file order): its scenario and binding went at its end."""
    assert posted(shopxo_mock_session) == []
    assert shopxo_mock_session._admin("GET", "bindings")["active"] is None


def test_removing_after_a_reset_of_everything_is_no_matter(shopxo_mock: MockServer) -> None:
    made = shopxo_mock.scenario(reply={"user": {}})
    shopxo_mock.reset("all")
    made.remove()
    assert posted(shopxo_mock) == []
