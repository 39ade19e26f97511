"""Made-up users never collide (`identities`, `fake_users`): no two share an id, mobile, e-mail,
openid or unionid, and the same keys give the same people (issue 15)."""

from __future__ import annotations

import dataclasses
import re
from array import array
import uuid
from random import Random
from typing import Any, Final, Iterable, Mapping

import pytest

from conftest import MakeClient
from mockserver.actions.user import EMAIL
from mockserver.context import Context
from mockserver.contract.platforms import PLATFORMS
from mockserver.contract.profiles import PROFILES
from mockserver.fake_users import FakeUsers
from mockserver.identities import ID_BASE, SLOTS, Slots
from mockserver.payloads import Payloads
from mockserver.scenarios.model import ScenarioSet
from mockserver.state import Scope, State
from mockserver.web import keys
from mockserver.web.reload import reload_now
from uniapp import HEADERS, query

MOBILE: Final = re.compile(r"^1[3-9]\d{9}$")  # ShopXO's CheckMobile
PLATFORM_IDS: Final = [
    column for platform in PLATFORMS.values() for column in (platform.openid_column, platform.unionid_column) if column
]
UNIQUE: Final = ["id", "mobile", "email", *PLATFORM_IDS]


def device_keys(count: int, seed: int = 15) -> list[str]:
    """uuid4s, as uni-app clients send them: the same ones on every run."""
    random = Random(seed)
    return [str(uuid.UUID(int=random.getrandbits(128), version=4)) for _ in range(count)]


def identity(fake: FakeUsers, key: str) -> dict[str, Any]:
    """The key's made-up person and its ids on every platform."""
    person: dict[str, Any] = dict(fake.person(key))
    for platform in PLATFORMS.values():
        person.update(fake.platform_ids(platform, key))
    return person


def unique_columns(person: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(person[column] for column in UNIQUE)


def shared(people: Iterable[Mapping[str, Any]], columns: Iterable[str] = UNIQUE) -> dict[str, int]:
    """Per column, how many people have a value someone before them had."""
    seen: dict[str, set[Any]] = {column: set() for column in columns}
    repeats = dict.fromkeys(seen, 0)
    for person in people:
        for column, values in seen.items():
            repeats[column] += person[column] in values
            values.add(person[column])
    return repeats


def census(fake: FakeUsers, keys: list[str]) -> tuple[dict[str, int], array[int]]:
    """What `shared` says of these keys' people, and a hash of each person (100,000 people's
    rows would take ~300 MB; their unique values' hashes take 10). Equal hashes stand in for
    equal values: distinct hashes prove distinct values, and equal people have equal hashes."""
    columns = {column: array("q") for column in UNIQUE}
    people = array("q")
    for key in keys:
        person = identity(fake, key)
        for column, values in columns.items():
            values.append(hash(person[column]))
        people.append(hash(tuple(person.items())))
    return {column: len(values) - len(set(values)) for column, values in columns.items()}, people


def test_a_hundred_thousand_devices_share_nothing_and_get_the_same_people_on_a_second_run() -> None:
    keys = device_keys(100_000)
    repeats, people = census(FakeUsers("zh_CN", 0), keys)
    assert repeats == dict.fromkeys(UNIQUE, 0)
    # A second run (a new server: a new table) gives every key the same person again.
    assert census(FakeUsers("zh_CN", 0), keys) == (repeats, people)


def test_a_key_returning_after_many_others_keeps_its_person() -> None:
    fake = FakeUsers("zh_CN", 0, slots=2**12)
    first = identity(fake, "returning")
    others = device_keys(SLOTS // 2**7)  # 2,048 = half of this table: still one generation
    for key in others[:-1]:
        identity(fake, key)
    assert identity(fake, "returning") == first  # long out of the memos: found in the table
    assert first == identity(FakeUsers("zh_CN", 0, slots=2**12), "returning")  # the same on a restart


def first_choice(seed: int, key: str, size: int) -> int:
    return Slots(seed, size).number(key)  # an empty table: the key's first choice


def colliding_keys(size: int, count: int) -> list[str]:
    """`count` keys whose first choice is the same slot of a table of `size`."""
    by_slot: dict[int, list[str]] = {}
    for key in device_keys(64 * size * count):
        found = by_slot.setdefault(first_choice(0, key, size), [])
        found.append(key)
        if len(found) == count:
            return found
    raise AssertionError("no collision found")


def test_keys_with_the_same_first_choice_still_get_distinct_values() -> None:
    one, two, three = colliding_keys(2**10, 3)
    fake = FakeUsers("zh_CN", 0, slots=2**10)
    people = [identity(fake, key) for key in (one, two, three)]
    assert shared(people) == dict.fromkeys(UNIQUE, 0)
    # The first keeps its own person; the others move to the next free slots, and only the
    # columns that must be unique change with the slot: the rest are the key's own.
    alone = [identity(FakeUsers("zh_CN", 0, slots=2**10), key) for key in (one, two, three)]
    assert people[0] == alone[0]
    assert [person["id"] - people[0]["id"] for person in people] == [0, 1, 2]
    for person, own in zip(people[1:], alone[1:]):
        assert {column for column in person if person[column] != own[column]} == {"number_code", *UNIQUE}


def test_new_generations_keep_every_value_unique() -> None:
    fake = FakeUsers("zh_CN", 0, slots=8)  # four keys a generation
    people = [identity(fake, key) for key in device_keys(400)]
    assert shared(people) == dict.fromkeys(UNIQUE, 0)
    assert max(person["id"] for person in people) - ID_BASE >= 99 * 8


def plain_numbers(requests: list[str], seed: int, size: int) -> list[int]:
    """What `Slots` hands out, the plain way: a dict of the generation's keys, each at the first
    free slot from its first choice; a new generation when half the slots are taken."""
    slots: dict[str, int] = {}
    numbers, base = [], 0
    for key in requests:
        if key not in slots:
            if len(slots) == size // 2:
                slots, base = {}, base + size
            taken, slot = set(slots.values()), first_choice(seed, key, size)
            while slot in taken:
                slot = (slot + 1) % size
            slots[key] = slot
        numbers.append(base + slots[key])
    return numbers


@pytest.mark.parametrize("size", [2, 16, 1024])
def test_the_table_hands_out_the_slots_a_plain_dict_would(size: int) -> None:
    random = Random(size)
    keys = device_keys(3 * size)
    requests = [random.choice(keys[: random.randrange(1, len(keys))]) for _ in range(6 * size)]  # returning keys too
    table = Slots(7, size)
    assert [table.number(key) for key in requests] == plain_numbers(requests, 7, size)


def test_a_registered_id_is_never_a_made_up_one() -> None:
    fake = FakeUsers("zh_CN", 0, slots=16)
    keys = device_keys(20)
    made_up = {fake.person(key)["id"] for key in keys}
    registered = [fake.user_id(f"registered\x1fweixin_openid\x1f{key}") for key in keys]
    assert not made_up & set(registered) and len(made_up | set(registered)) == 40
    assert fake.user_id(f"registered\x1fweixin_openid\x1f{keys[-1]}") == registered[-1]


@pytest.mark.parametrize("locale", ["zh_CN", "en_US"])
def test_made_up_values_look_like_shopxos(locale: str) -> None:
    fake = FakeUsers(locale, 3)
    for key in device_keys(1000):
        person = identity(fake, key)
        assert isinstance(person["id"], int) and person["id"] > ID_BASE
        assert MOBILE.match(person["mobile"]), person["mobile"]
        assert EMAIL.match(person["email"]), person["email"]
        for platform in PLATFORMS.values():
            shape = platform.openid_shape
            for column in filter(None, (platform.openid_column, platform.unionid_column)):
                value = person[column]
                assert value.startswith(shape.prefix) and len(value) == shape.length, (column, value)
                assert set(value[len(shape.prefix) :]) <= set(shape.alphabet), (column, value)


# -- the table's life: reload, reset ---------------------------------------------------------


def context(fake: FakeUsers) -> Context:
    return Context(PROFILES["current"], ScenarioSet((), ()), fake, {}, State())


def made_up_row(ctx: Context, key: str) -> Mapping[str, Any]:
    """The row a scenario's made-up user gets, through the payload memo as `login` asks for it."""
    return ctx.payloads.row(None, "weixin", key, lambda: ctx.fake_users.person(key))


def test_a_reset_of_the_users_gives_the_same_keys_the_same_people_again() -> None:
    ctx = context(FakeUsers("zh_CN", 0, slots=2**10))
    keys = colliding_keys(2**10, 2)
    before = [dict(made_up_row(ctx, key)) for key in keys]
    ctx.state.reset([Scope.USERS])
    assert [dict(made_up_row(ctx, key)) for key in keys] == before
    ctx.state.reset([Scope.USERS])
    # In the other order the second key now comes first: it takes the first slot, and nothing
    # remembered from before the reset (the memos, the rendered rows) hands out the other's.
    after = [dict(made_up_row(ctx, key)) for key in reversed(keys)]
    assert shared(after, ["id", "mobile", "email"]) == {"id": 0, "mobile": 0, "email": 0}
    assert after[0]["id"] == before[0]["id"]


def test_the_table_outlives_a_reload_and_the_reloaded_rows_are_reset_with_it() -> None:
    ctx = context(FakeUsers("zh_CN", 0, slots=2**10))
    one, two = colliding_keys(2**10, 2)
    first = dict(made_up_row(ctx, one))
    reloaded = dataclasses.replace(ctx, payloads=Payloads())  # what `Runtime.reload` does
    assert made_up_row(reloaded, two)["id"] == first["id"] + 1  # the table remembers `one`
    reloaded.state.reset([Scope.USERS])
    assert made_up_row(reloaded, two)["id"] == first["id"]  # the new rows were forgotten too


async def test_a_server_gives_a_device_the_same_person_after_a_reload_and_after_a_reset(make_client: MakeClient) -> None:
    client = await make_client(profile="current")

    async def login(device: str) -> dict[str, Any]:
        answer = await client.post(query(uuid=device), json={"authcode": "any-random-code"}, headers=HEADERS)
        data: dict[str, Any] = (await answer.json())["data"]
        return {column: data[column] for column in ("id", "mobile", "email", "weixin_openid")}

    person = await login("phone")
    assert await reload_now(client.app) == []
    assert await login("phone") == person
    client.app[keys.RUNTIME].state.reset()
    assert await login("phone") == person
