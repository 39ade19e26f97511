"""The running mock without HTTP: observers see each served request, admin tasks are functions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import MakeClient
from mockserver import control
from mockserver.runtime import Runtime
from mockserver.scenarios.loader import load_scenarios
from mockserver.journal.served import Served
from mockserver.settings import Settings
from mockserver.web import keys
from uniapp import HEADERS, query


def runtime() -> Runtime:
    settings = Settings()
    return Runtime.start(settings, load_scenarios(settings.layers))


async def test_every_observer_gets_one_record_per_request_with_the_request_itself(make_client: MakeClient) -> None:
    client = await make_client()
    seen: list[Served] = []
    client.app[keys.RUNTIME].observe(seen.append)
    await client.post(query(uuid="dev-1"), json={"authcode": "x"}, headers={**HEADERS, "X-Extra": "1"})
    [record] = seen
    call = record.call
    assert (record.method, call.method, call.header("x-extra"), call.raw_body) == ("POST", "POST", "1", b'{"authcode": "x"}')
    assert (record.device, record.code, len(client.app[keys.RUNTIME].journal)) == ("dev-1", 0, 1)


async def test_the_journal_observes_first_and_ids_count_up(make_client: MakeClient) -> None:
    client = await make_client()
    runtime = client.app[keys.RUNTIME]
    ids: list[int] = []
    runtime.observe(lambda record: ids.append(record.id) if runtime.journal.find()[-1] is record else None)
    for _ in range(2):
        await client.post(query(), json={"authcode": "x"}, headers=HEADERS)
    assert ids == [1, 2]


def test_tasks_change_the_mock_without_http() -> None:
    mock = runtime()
    assert control.use(mock, "status-disabled", device="phone")["devices"] == {"phone": "status-disabled"}
    assert control.unuse(mock, {"device": "phone"})["devices"] == {}
    assert control.move_clock(mock, {"advance": 60})["offset"] == 60
    assert control.reset(mock) == {"reset": ["users", "tokens", "codes", "sequences", "verify codes"]}


@pytest.mark.parametrize(
    ("task", "status", "reason"),
    [
        pytest.param(lambda m: control.use(m, "no-such"), 404, "no scenario named 'no-such'", id="unknown-scenario"),
        pytest.param(lambda m: control.use(m, "status-disabled", device="d", token="t"), 400, "give 'device' or 'token', not both", id="both"),
        pytest.param(lambda m: control.move_clock(m, {"advance": "soon"}), 400, "'advance' must be a number of seconds", id="clock"),
        pytest.param(lambda m: control.journal(m, {"who": "x"}), 400, "unknown filter(s): who; filters: action, authcode, uuid, scenario, since, limit", id="filter"),
    ],
)
def test_a_task_refuses_bad_input_with_a_status_and_reason(task: Any, status: int, reason: str) -> None:
    with pytest.raises(control.TaskError) as refused:
        task(runtime())
    assert (refused.value.status, refused.value.reason) == (status, reason)


async def test_reload_swaps_the_context_and_keeps_state(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\nscenarios:\n  - name: one\n    match: {authcode: a}\n    reply: {error: code_invalid}\n")
    settings = Settings(fixtures=tmp_path)
    mock = Runtime.start(settings, load_scenarios(tmp_path))
    control.use(mock, "one", device="d")
    before = mock.context
    (tmp_path / "b.yaml").write_text("version: 1\nscenarios:\n  - name: two\n    match: {authcode: b}\n    reply: {error: code_used}\n")
    assert await control.reload(mock) == {"reloaded": True, "scenarios": 2, "problems": []}
    assert mock.context is not before and mock.state is before.state
    assert mock.state.bindings.for_device("d") == "one"
