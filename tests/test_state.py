"""The state's API: each object keeps its indexes consistent, forgets together, resets by scope."""

from __future__ import annotations

import math

import pytest

from mockserver.state import CLIENT_STATE, Clock, Scope, State
from mockserver.state.accounts import Accounts
from mockserver.state.bindings import Bindings
from mockserver.state.bounded import Bounded
from mockserver.state.clock import EARLIEST, LATEST, OutOfRange

A = ("weixin_openid", "a")
B = ("weixin_openid", "b")


def test_bounded_forgets_the_least_recently_written_and_says_so() -> None:
    forgotten: list[tuple[str, int]] = []
    table: Bounded[str, int] = Bounded(2, on_evict=lambda key, value: forgotten.append((key, value)))
    table["x"], table["y"] = 1, 2
    table["x"] = 3  # written again: now the newest
    table["z"] = 4
    assert (list(table), forgotten) == (["x", "z"], [("y", 2)])


def test_a_token_names_the_account_it_was_minted_for() -> None:
    accounts = Accounts()
    row = {"id": 1, "mobile": ""}
    assert accounts.serve(A, row, "t1") is row  # nothing overlays it: the same object
    assert accounts.for_token("t1") == (A, row)
    assert accounts.for_token("nope") is None


def test_a_change_overlays_every_later_answer_of_the_account() -> None:
    accounts = Accounts()
    accounts.serve(A, {"id": 1, "nickname": "old"})
    accounts.change(A, nickname="new")
    assert accounts.serve(A, {"id": 1, "nickname": "scenario"})["nickname"] == "new"


def test_the_mobile_index_follows_the_account_that_has_it_now() -> None:
    accounts = Accounts()
    accounts.serve(A, {"id": 1, "mobile": "13800000001"})
    accounts.change(A, mobile="13800000002")
    assert (accounts.holder_of("13800000001"), accounts.holder_of("13800000002")) == (None, A)


def test_a_forgotten_account_takes_its_mobile_and_tokens_with_it() -> None:
    accounts = Accounts(users=1)
    accounts.serve(A, {"id": 1, "mobile": "13800000001"}, "ta")
    accounts.serve(B, {"id": 2, "mobile": ""}, "tb")  # A is forgotten
    assert (A in accounts, accounts.holder_of("13800000001"), accounts.for_token("ta")) == (False, None, None)
    assert accounts.for_token("tb") == (B, {"id": 2, "mobile": ""})


def test_every_token_passes_the_login_check_but_only_the_newest_is_the_users() -> None:
    accounts = Accounts()
    row = {"id": 1}
    accounts.serve(A, row, "t1")
    accounts.serve(A, row, "t2")
    assert (accounts.for_token("t1"), accounts.for_token("t2")) == ((A, row), (A, row))
    assert accounts.newest_token(A) == "t2"


def test_a_user_is_found_by_openid_then_by_a_linking_unionid() -> None:
    accounts = Accounts()
    accounts.serve(A, {"id": 1, "weixin_unionid": "u1", "qq_unionid": "q1"})
    other = ("weixin_openid", "another-mini-program")
    assert accounts.find(A) == A
    assert accounts.find(other, ("weixin_unionid", "u1")) == A
    assert accounts.find(other, ("weixin_unionid", "")) is None
    assert accounts.find(("qq_openid", "x"), ("qq_unionid", "q1")) is None  # QQ's unionid does not link


def test_bindings_bind_one_device_one_token_or_everyone() -> None:
    bindings = Bindings()
    assert not bindings.per_client
    bindings.bind("s1", device="d")
    bindings.bind("s2", token="t")
    bindings.bind("s3")
    assert bindings.per_client
    assert (bindings.for_device("d"), bindings.for_token("t"), bindings.active, bindings.for_device("other")) == ("s1", "s2", "s3", "")
    bindings.prune({"s2"})
    assert bindings.as_json() == {"active": None, "devices": {}, "tokens": {"t": "s2"}}
    assert bindings.per_client
    bindings.unbind(token="t")
    assert not bindings.per_client
    bindings.bind("s1", device="d")
    bindings.clear()
    assert not bindings.per_client


def test_code_uses_count_and_remember_when_first_seen() -> None:
    now = [100.0]
    state = State(Clock(lambda: now[0]))
    state.codes.use("weixin", "c")
    now[0] = 160.0
    use = state.codes.use("weixin", "c")
    assert (use.first_seen, use.uses) == (100.0, 2)


def test_a_verify_code_expires_on_the_mocks_clock() -> None:
    state = State(Clock(lambda: 0.0))
    state.verify_codes.send("13800000001", "123456")
    assert state.verify_codes.valid("13800000001", ttl=600) == "123456"
    state.clock.advance(601)
    assert state.verify_codes.valid("13800000001", ttl=600) is None


def filled() -> State:
    state = State(Clock(lambda: 0.0))
    state.accounts.serve(A, {"id": 1}, "t")
    state.codes.use("weixin", "c")
    state.sequences.advance("seq", "dev")
    state.verify_codes.send("13800000001", "1")
    state.bindings.bind("s", device="d")
    state.clock.advance(5)
    return state


def test_the_default_reset_forgets_what_clients_did_and_keeps_bindings_and_clock() -> None:
    state = filled()
    assert state.reset() == CLIENT_STATE
    assert (len(state.accounts), len(state.accounts.tokens), len(state.sequences)) == (0, 0, 0)
    assert state.codes.use("weixin", "c").uses == 1
    assert state.verify_codes.valid("13800000001", ttl=600) is None
    assert (state.bindings.for_device("d"), state.clock.offset) == ("s", 5)


@pytest.mark.parametrize("scope", list(Scope), ids=lambda scope: scope.value)
def test_each_scope_resets_what_it_names(scope: Scope) -> None:
    state = filled()
    state.reset([scope])
    cleared = {
        Scope.USERS: len(state.accounts) == 0,
        Scope.TOKENS: len(state.accounts.tokens) == 0,
        Scope.CODES: state.codes.use("weixin", "c").uses == 1,
        Scope.SEQUENCES: len(state.sequences) == 0,
        Scope.VERIFY_CODES: state.verify_codes.valid("13800000001", ttl=600) is None,
        Scope.BINDINGS: state.bindings.for_device("d") == "",
        Scope.CLOCK: state.clock.offset == 0,
    }
    # Forgetting users forgets the tokens that named them; every other scope clears itself alone.
    expected = [Scope.USERS, Scope.TOKENS] if scope is Scope.USERS else [scope]
    assert [name for name, done in cleared.items() if done] == expected


def test_a_forgotten_account_comes_back_without_its_old_overlay_token_or_unionid() -> None:
    accounts = Accounts(users=1)
    accounts.serve(A, {"id": 1, "nickname": "registered", "weixin_unionid": "u1"}, "ta")
    accounts.change(A, nickname="changed")
    accounts.serve(B, {"id": 2})  # A is forgotten
    assert (accounts.newest_token(A), accounts.find(("weixin_openid", "x"), ("weixin_unionid", "u1"))) == (None, None)
    accounts.serve(A, {"id": 1, "nickname": "again"})
    assert accounts.row(A) == {"id": 1, "nickname": "again"}


# -- what avatar uploads leave (state.uploads) -----------------------------------------------


def test_pictures_keep_the_newest_within_their_count_and_bytes() -> None:
    from mockserver.state.uploads import Picture, Pictures

    pictures = Pictures(limit=3, max_bytes=10)
    for path, size in (("/a", 4), ("/b", 4), ("/c", 1), ("/d", 1)):  # /a goes by count
        pictures.keep(path, Picture("image/png", b"x" * size))
    assert (pictures.get("/a"), len(pictures), pictures.size) == (None, 3, 6)
    pictures.keep("/e", Picture("image/png", b"x" * 9))  # /b goes by count, then /c by bytes
    assert ([p for p in ("/b", "/c", "/d", "/e") if pictures.get(p)], pictures.size) == (["/d", "/e"], 10)
    pictures.keep("/d", Picture("image/png", b"y"))  # the same path again: replaced, not counted twice
    assert (pictures.get("/d"), pictures.size) == (Picture("image/png", b"y"), 10)


def test_upload_counts_refuse_a_full_run_until_it_is_an_hour_old() -> None:
    from mockserver.state.uploads import UploadCounts

    clock = Clock(lambda: 1000.0)
    counts = UploadCounts(clock)
    for _ in range(5):
        assert not counts.refused("u", 5, 3600)
        counts.count("u", 3600)
    assert counts.refused("u", 5, 3600) and not counts.refused("other", 5, 3600)
    clock.advance(3599)
    assert counts.refused("u", 5, 3600)
    clock.advance(1)  # the run began an hour ago: allowed, and counted on (ShopXO keeps the old start)
    assert not counts.refused("u", 5, 3600)
    counts.count("u", 3600)
    clock.advance(3600)  # an hour without uploads: the entry expired, a new run begins
    counts.count("u", 3600)
    assert (counts.refused("u", 1, 3600), counts.refused("u", 2, 3600)) == (True, False)


def test_a_reset_of_the_users_forgets_the_pictures_and_the_counts() -> None:
    from mockserver.state.uploads import Picture

    state = State()
    state.pictures.keep("/p", Picture("image/png", b"x"))
    state.uploads.count("u", 3600)
    state.reset([Scope.USERS])
    assert (state.pictures.get("/p"), state.uploads.refused("u", 1, 3600)) == (None, False)


# -- the clock (state.clock) -----------------------------------------------------------------


@pytest.mark.parametrize("offset", [math.nan, math.inf, -math.inf, -1006.0, LATEST - 999.0])
def test_the_clock_refuses_an_offset_outside_1970_to_9999_and_keeps_its_own(offset: float) -> None:
    clock = Clock(lambda: 1000.0)
    clock.advance(5)
    with pytest.raises(OutOfRange, match="between 1970-01-01 and 9999-01-01 UTC: offsets from -1000 to "):
        clock.set_offset(offset)
    with pytest.raises(OutOfRange):
        clock.advance(offset)
    assert clock.now() == 1005.0


def test_the_clock_moves_to_either_end_of_its_range() -> None:
    clock = Clock(lambda: 1000.0)
    clock.set_offset(-1000.0)
    assert clock.now() == EARLIEST
    clock.advance(LATEST)
    assert clock.now() == LATEST
    clock.reset()
    assert (clock.now(), clock.offset) == (1000.0, 0.0)
