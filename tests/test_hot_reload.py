"""Hot reload: a good edit is picked up, a bad one is reported and the last good set keeps serving,
and runtime state survives where its scenario still exists."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient, reload_now
from mockserver.web import keys
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
HEAD = "version: 1\nscenarios:\n"
ANSWER = HEAD + "  - name: answer\n    match: {authcode: a}\n    reply: {error: {code: -7, msg: %s}}\n"
SEQUENCE = "  - name: seq\n    match: {authcode: s}\n    replies: [{error: {code: -1, msg: one}}, {error: {code: -2, msg: two}}]\n"
ONCE = "  - name: once\n    match: {authcode: o}\n    once: true\n    reply: {fake_user: {}}\n"


async def msg(client: Client, authcode: str, uuid: str = "d") -> str:
    answer = await (await client.post(query(uuid=uuid), json={"authcode": authcode}, headers=HEADERS)).json()
    return str(answer["msg"])


async def test_a_good_edit_is_picked_up(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    (tmp_path / "s.yaml").write_text(ANSWER % "after")
    assert await reload_now(client.app) == []
    assert await msg(client, "a") == "after"


async def test_a_bad_edit_is_reported_and_the_old_set_keeps_serving(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    (tmp_path / "s.yaml").write_text(ANSWER % "after" + "  - name: broken\n    replly: {}\n")
    problems = [str(p) for p in await reload_now(client.app)]
    assert len(problems) == 1 and problems[0].endswith("s.yaml:7:5: unknown key 'replly' in scenarios[1] (did you mean reply?); expected one of: name, description, tags, action, requires_login, match, reply, replies, config, then, per, once, expires_in, override")
    assert await msg(client, "a") == "before"


async def test_state_survives_where_the_scenario_still_exists(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(HEAD + SEQUENCE + ONCE)
    client = await make_client(fixtures=tmp_path)
    client.app[keys.RUNTIME].state.bindings.bind("seq", device="bound")
    assert await msg(client, "s") == "one"
    assert await msg(client, "o") == "授权登录成功"
    (tmp_path / "s.yaml").write_text(HEAD + SEQUENCE + ONCE + "  - name: new\n    match: {authcode: n}\n    reply: {new_user: {}}\n")
    assert await reload_now(client.app) == []
    assert await msg(client, "s") == "two"
    assert (await msg(client, "o")).startswith("code been used")
    assert client.app[keys.RUNTIME].state.bindings.as_json()["devices"] == {"bound": "seq"}


async def test_state_of_a_removed_scenario_is_dropped(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(HEAD + SEQUENCE)
    client = await make_client(fixtures=tmp_path)
    client.app[keys.RUNTIME].state.bindings.bind("seq", device="bound")
    await msg(client, "s")
    (tmp_path / "s.yaml").write_text(ANSWER % "only")
    assert await reload_now(client.app) == []
    state = client.app[keys.RUNTIME].state
    assert (state.bindings.as_json()["devices"], len(state.sequences)) == ({}, 0)


async def poll(client: Client, authcode: str, wanted: str, seconds: float = 10.0) -> str:
    seen = ""
    for _ in range(int(seconds / 0.1)):
        seen = await msg(client, authcode)
        if seen == wanted:
            break
        await asyncio.sleep(0.1)
    return seen


async def test_the_watcher_reloads_on_save(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path, watch=True)
    await asyncio.sleep(0.3)  # let the watcher start
    (tmp_path / "s.yaml").write_text(ANSWER % "after")
    assert await poll(client, "a", "after") == "after"


def two_layers(root: Path) -> tuple[Path, Path]:
    """Two fixtures directories: `a` answers in the first, `b` (msg "before") in the second."""
    first, second = root / "first", root / "second"
    first.mkdir()
    second.mkdir()
    (first / "s.yaml").write_text(ANSWER % "first")
    (second / "t.yaml").write_text(ANSWER.replace("answer", "other").replace("authcode: a", "authcode: b") % "before")
    return first, second


async def test_an_edit_in_a_second_layer_is_picked_up(make_client: MakeClient, tmp_path: Path) -> None:
    first, second = two_layers(tmp_path)
    client = await make_client(fixtures=[first, second])
    (second / "t.yaml").write_text(ANSWER.replace("answer", "other").replace("authcode: a", "authcode: b") % "after")
    assert await reload_now(client.app) == []
    assert (await msg(client, "a"), await msg(client, "b")) == ("first", "after")


async def test_a_clash_between_layers_made_at_reload_keeps_the_old_set(make_client: MakeClient, tmp_path: Path) -> None:
    first, second = two_layers(tmp_path)
    client = await make_client(fixtures=[first, second])
    (second / "t.yaml").write_text(ANSWER % "clash")  # the first layer's name and authcode again
    problems = [str(p) for p in await reload_now(client.app)]
    assert problems == [
        f"{second / 't.yaml'}:3:5: name 'answer' is already used by the scenario at {first / 's.yaml'}:3:5 ({first}); "
        "add 'override: true' to replace it, or choose another name"
    ]
    assert await msg(client, "b") == "before"


async def test_the_watcher_watches_every_layer(make_client: MakeClient, tmp_path: Path) -> None:
    first, second = two_layers(tmp_path)
    client = await make_client(fixtures=[first, second], watch=True)
    await asyncio.sleep(0.3)  # let the watcher start
    (second / "t.yaml").write_text(ANSWER.replace("answer", "other").replace("authcode: a", "authcode: b") % "after")
    assert await poll(client, "b", "after") == "after"


async def reload_failed(caplog: pytest.LogCaptureFixture, seconds: float = 10.0) -> None:
    """Until the watcher's reload has run and failed (it logs an error), at most `seconds`."""
    for _ in range(int(seconds / 0.05)):
        if any(record.name == "mockserver.runtime" and record.levelno >= logging.ERROR for record in caplog.records):
            return
        await asyncio.sleep(0.05)


async def test_the_watcher_keeps_the_old_set_on_a_broken_save(make_client: MakeClient, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path, watch=True, profile="documented")
    await asyncio.sleep(0.3)
    with caplog.at_level(logging.ERROR, logger="mockserver.runtime"):
        (tmp_path / "s.yaml").write_text("version: 1\nscenarios: [\n")
        (tmp_path / "marker.yaml").write_text(ANSWER.replace("answer", "marker").replace("authcode: a", "authcode: m") % "seen")
        await reload_failed(caplog)  # the debounced reload of both files has run (and failed)
    assert await msg(client, "a") == "before"
    assert await msg(client, "m") == "授权登录成功"  # the marker file did not load either: all or nothing


BROKEN_EDITS = [
    pytest.param("version: 1\nscenarios: [\n", id="invalid-yaml"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {user: {mobile: 138}}\n", id="wrong-type"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    replly: {}\n", id="unknown-key"),
    pytest.param(HEAD + "  - name: answer\n    match: {authcode: b}\n    reply: {new_user: {}}\n", id="duplicate-name"),
    pytest.param(HEAD + "  - name: b\n    match: {authcode: a}\n    reply: {new_user: {}}\n", id="duplicate-authcode"),
    pytest.param(HEAD + "  - name: b\n    match: {authcode: b}\n    reply: {fake_user: {nickname: '{{faker.nope}}'}}\n", id="unknown-faker-provider"),
    pytest.param(HEAD + "  - name: b\n    match: {authcode: {regex: '('}}\n    reply: {new_user: {}}\n", id="bad-regex"),
    pytest.param(HEAD + "  - name: b\n    match: {authcode: b}\n    reply: !!python/object/apply:os.system ['true']\n", id="python-tag"),
    pytest.param(HEAD + "  - name: b\n    match: {authcode: b}\n\treply: {new_user: {}}\n", id="tab-indent"),
]


@pytest.mark.parametrize("edit", BROKEN_EDITS)
async def test_every_kind_of_broken_file_at_reload_keeps_the_old_set(make_client: MakeClient, tmp_path: Path, edit: str) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    (tmp_path / "t.yaml").write_text(edit)
    problems = await reload_now(client.app)
    assert problems and all(str(p).split(": ")[0].rsplit(":", 2)[1].isdigit() for p in problems)
    assert await msg(client, "a") == "before"


async def test_an_alias_bomb_at_reload_is_refused_and_the_old_set_keeps_serving(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    levels = ["&l0 [x, x, x, x, x, x, x, x, x, x]", *(f"&l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 7))]
    (tmp_path / "s.yaml").write_text(ANSWER % "after" + f"  - name: bomb\n    action: goods/detail\n    match: {{}}\n    reply: {{envelope: {{data: [{', '.join(levels)}]}}}}\n")
    problems = [str(p) for p in await reload_now(client.app)]
    assert len(problems) == 1 and problems[0].endswith("s.yaml:9:235: aliases expand the file by more than 100,000 values (passing the bound in this value); a scenario file's aliases may add at most 100,000 scalars, lists and mappings")
    assert await msg(client, "a") == "before"


@pytest.mark.parametrize(
    "writer",
    [
        pytest.param(lambda p: p.write_bytes(b"version: 1\nscenarios: []\n# caf\xe9"), id="not-utf8"),
        pytest.param(lambda p: os.truncate(p.touch() or p, 50 * 1024**2), id="50-mb"),
    ],
)
async def test_unreadable_files_at_reload_keep_the_old_set(make_client: MakeClient, tmp_path: Path, writer: Any) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    writer(tmp_path / "t.yaml")
    assert [str(p).rsplit("/", 1)[-1][:11] for p in await reload_now(client.app)] == ["t.yaml:1:1:"]
    assert await msg(client, "a") == "before"


# -- what the file system puts where a scenario file should be ------------------------------------


def symlink_loop(folder: Path) -> str:
    (folder / "loop.yaml").symlink_to("loop.yaml")
    return "loop.yaml:1:1: a symlink loop: it leads back to itself, never to a file"


def dangling_symlink(folder: Path) -> str:
    (folder / "gone.yaml").symlink_to("deleted.yaml")
    return "gone.yaml:1:1: a symlink to nothing (it points to deleted.yaml)"


def fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.yaml")
    return "pipe.yaml:1:1: not a plain file (a FIFO); scenario files are plain files"


def over_the_total(folder: Path) -> str:
    (folder / "t.yaml").write_text(ANSWER.replace("answer", "other").replace("authcode: a", "authcode: b") % ("x" * 2000))
    return "t.yaml:1:1: the scenario files add up to "


FILE_SYSTEM = [
    pytest.param(symlink_loop, id="symlink-loop"),
    pytest.param(dangling_symlink, id="dangling-symlink"),
    pytest.param(fifo, id="fifo"),
    pytest.param(over_the_total, id="over-max-scenario-bytes"),
]


async def login_in_time(client: Client, authcode: str) -> str:
    return await asyncio.wait_for(msg(client, authcode), 5)


@pytest.mark.parametrize("make", FILE_SYSTEM)
async def test_a_file_that_cannot_be_read_fails_the_reload_like_a_broken_file(make_client: MakeClient, tmp_path: Path, make: Any) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path, max_scenario_bytes=1500)
    expected = make(tmp_path)
    response = await client.post("/__mock/reload")
    document = await response.json()
    assert (response.status, document["reloaded"], len(document["problems"])) == (422, False, 1)
    assert document["problems"][0].startswith(f"{tmp_path}/{expected}")
    server = await (await client.get("/__mock/dashboard/server")).json()
    assert (server["reload"]["ok"], server["reload"]["problems"]) == (False, document["problems"])
    assert await login_in_time(client, "a") == "before"


async def test_a_symlink_loop_leaves_the_watcher_watching(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path, watch=True)
    runtime = client.app[keys.RUNTIME]
    await asyncio.sleep(0.3)  # let the watcher start
    symlink_loop(tmp_path)
    for _ in range(200):  # until the watcher's reload has run and failed, at most 10 s
        if runtime.last_reload is not None:
            break
        await asyncio.sleep(0.05)
    assert runtime.last_reload is not None and "a symlink loop" in str(runtime.last_reload.problems[0])
    assert await login_in_time(client, "a") == "before"
    (tmp_path / "loop.yaml").unlink()
    (tmp_path / "s.yaml").write_text(ANSWER % "after")
    assert await poll(client, "a", "after") == "after"
    assert runtime.last_reload.problems == ()


async def test_a_failing_loader_is_reported_as_a_failed_reload(make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the loader raises, the reload answers 422 and the last good set stays."""
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("Symlink loop from 'x'")

    monkeypatch.setattr("mockserver.runtime.load_scenarios", broken)
    response = await client.post("/__mock/reload")
    assert (response.status, (await response.json())["problems"]) == (422, [f"{tmp_path}:1:1: cannot load: RuntimeError: Symlink loop from 'x'"])
    assert await login_in_time(client, "a") == "before"


# -- a reload loads off the loop, one at a time ---------------------------------------------------


class Gate:
    """Holds the first load (in its thread) at its first file until `open`: a load in progress,
    for as long as a test needs, without timing anything. Counts the loads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import mockserver.runtime
        from mockserver.scenarios import loader

        self.entered, self.opened, self.loads = threading.Event(), threading.Event(), 0
        load_file, load_scenarios = loader._load_file, loader.load_scenarios

        def held(*args: Any) -> Any:
            if not self.entered.is_set():
                self.entered.set()
                self.opened.wait(10)
            return load_file(*args)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.loads += 1
            return load_scenarios(*args, **kwargs)

        monkeypatch.setattr(loader, "_load_file", held)
        monkeypatch.setattr(mockserver.runtime, "load_scenarios", counted)

    async def reached(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, 10)

    def open(self) -> None:
        self.opened.set()


def many_scenarios(folder: Path, count: int) -> None:
    lines = [f"  - name: s{i}\n    match: {{authcode: code-{i}}}\n    reply: {{error: {{code: -1, msg: m{i}}}}}\n" for i in range(count)]
    for start in range(0, count, 1000):
        (folder / f"many{start}.yaml").write_text(HEAD + "".join(lines[start : start + 1000]))


async def test_a_login_is_answered_while_a_big_reload_loads(make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    many_scenarios(tmp_path, 20000)  # some 1.5 MB: allowed
    gate = Gate(monkeypatch)
    reload = asyncio.create_task(client.post("/__mock/reload"))
    await gate.reached()
    assert await login_in_time(client, "a") == "before"
    assert not reload.done()
    gate.open()
    response = await asyncio.wait_for(reload, 30)
    assert (response.status, (await response.json())["scenarios"]) == (200, 20001)
    assert await login_in_time(client, "code-19999") == "m19999"


async def test_reloads_asked_during_a_load_run_once_after_it(make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    gate = Gate(monkeypatch)
    first = asyncio.create_task(reload_now(client.app))
    await gate.reached()
    (tmp_path / "s.yaml").write_text(ANSWER % "after")  # saved during the first load
    later = [asyncio.create_task(reload_now(client.app)) for _ in range(3)]
    await asyncio.sleep(0.05)
    assert (gate.loads, any(task.done() for task in later)) == (1, False)  # waiting, not loading beside it
    gate.open()
    assert await asyncio.wait_for(asyncio.gather(first, *later), 10) == [[], [], [], []]
    assert gate.loads == 2
    assert await login_in_time(client, "a") == "after"


async def test_a_reload_asked_after_a_load_loads_again(make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    gate = Gate(monkeypatch)
    gate.open()
    assert await reload_now(client.app) == []
    (tmp_path / "s.yaml").write_text("version: 1\nscenarios: [\n")
    assert len(await reload_now(client.app)) == 1
    assert gate.loads == 2


@pytest.mark.parametrize("owns", [True, False], ids=["own-process", "embedded"])
async def test_a_reload_pauses_and_freezes_the_collector_only_in_a_process_of_its_own(
    make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, owns: bool
) -> None:
    """The command line's server (`serve.run`) owns its process: while a reload loads, the
    collector's full collections would walk the growing set again and again with the API waiting
    on the GIL; a server embedded in another program leaves that program's collector alone."""
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    client.app[keys.RUNTIME].owns_collector = owns
    gate = Gate(monkeypatch)
    frozen = gc.get_freeze_count()
    try:
        reload = asyncio.create_task(reload_now(client.app))
        await gate.reached()
        assert gc.isenabled() is not owns
        gate.open()
        assert await asyncio.wait_for(reload, 10) == []
        assert (gc.isenabled(), gc.get_freeze_count() > frozen) == (True, owns)
    finally:
        gc.unfreeze()
    assert await login_in_time(client, "a") == "before"


async def test_a_watcher_that_fails_starts_again(make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import watchfiles

    from mockserver.web import reload

    awatch, failures = watchfiles.awatch, [OSError(24, "Too many open files")]

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return awatch(*args, **kwargs)

    monkeypatch.setattr(watchfiles, "awatch", flaky)
    monkeypatch.setattr(reload, "RETRY_SECONDS", 0.05)
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path, watch=True)
    await asyncio.sleep(0.5)  # let the watcher fail and start again
    (tmp_path / "s.yaml").write_text(ANSWER % "after")
    assert await poll(client, "a", "after") == "after"
    assert "watching the scenario files failed (OSError: [Errno 24] Too many open files); trying again in 0.05 s" in caplog.text


async def test_a_reload_whose_caller_went_away_still_swaps_and_keeps_the_order(make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s.yaml").write_text(ANSWER % "before")
    client = await make_client(fixtures=tmp_path)
    gate = Gate(monkeypatch)
    (tmp_path / "s.yaml").write_text(ANSWER % "first")
    gone = asyncio.create_task(reload_now(client.app))
    await gate.reached()
    gone.cancel()
    (tmp_path / "s.yaml").write_text(ANSWER % "second")
    later = asyncio.create_task(reload_now(client.app))
    await asyncio.sleep(0.05)
    assert (gate.loads, later.done()) == (1, False)  # the first load still holds the turn
    gate.open()
    assert await asyncio.wait_for(later, 10) == []
    assert (gate.loads, await login_in_time(client, "a")) == (2, "second")
