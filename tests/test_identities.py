"""Made-up users never collide (`identities`, `fake_users`): no two share an id, mobile, e-mail,
openid or unionid, and the same keys give the same people (issue 15)."""

from __future__ import annotations

import dataclasses
import re
import uuid
from random import Random
from typing import Any, Final, Iterable, Mapping

import pytest

from conftest import MakeClient, reload_now
from mockserver.actions.binding import EMAIL
from mockserver.context import Context
from mockserver.contract.platforms import PLATFORMS, IdShape
from mockserver.contract.profiles import PROFILES
from mockserver.people.fake_users import FakeUsers, derive_seed
from mockserver.people.identities import EMAIL_DIGITS, ID_BASE, MOBILE_PREFIXES, NOISE, SLOTS, SPAN, Columns, Permutation, Slots
from mockserver.rendering.payloads import Payloads
from mockserver.scenarios.model import ScenarioSet
from mockserver.state import Scope, State
from mockserver.web import keys
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


def shared(people: Iterable[Mapping[str, Any]], columns: Iterable[str] = UNIQUE) -> dict[str, int]:
    """Per column, how many people have a value someone before them had."""
    seen: dict[str, set[Any]] = {column: set() for column in columns}
    repeats = dict.fromkeys(seen, 0)
    for person in people:
        for column, values in seen.items():
            repeats[column] += person[column] in values
            values.add(person[column])
    return repeats


def run_width(shape: IdShape) -> int:
    """How many letters after the prefix spell the slot: hexadecimal, or decimal for digits."""
    return len(f"{2 * SPAN - 1:x}") if len(shape.alphabet) >= 16 else len(str(2 * SPAN - 1))


def spelled(fake: FakeUsers, key: str) -> list[Any]:
    """What `fake` spells from the slot `key` holds: id, mobile, e-mail digits, and the start of
    every platform's openid (and unionid), the part the slot decides (no pool pick, no hash:
    `Columns` gets neither)."""
    number, columns = fake.slots.number(key), fake.columns
    values: list[Any] = [columns.user_id(number), columns.mobile(number), columns.email(number, "@")]
    for platform in PLATFORMS.values():
        end = len(platform.openid_shape.prefix) + run_width(platform.openid_shape)
        values.extend(value[:end] for value in columns.platform_ids(platform, number, bytes(NOISE)).values())
    return values


def test_a_hundred_thousand_devices_take_distinct_slots_whose_values_are_all_distinct_and_the_same_twice() -> None:
    # What makes made-up users unique, at scale: the slots the keys take, each unique column an
    # injective spelling of the slot's number whatever Faker's pick and the key's hash add. (A
    # whole person with its ids on six platforms takes ~70 µs: 100,000 of them twice, ~15 s.
    # The next test shows the people are these spellings.)
    keys = device_keys(100_000)
    fake = FakeUsers("zh_CN", 0)
    values = [spelled(fake, key) for key in keys]
    assert {name: len(keys) - len(set(column)) for name, column in zip(UNIQUE, zip(*values))} == dict.fromkeys(UNIQUE, 0)
    # A restart (a fresh table) gives every key the same slot; the spellings are functions of the
    # slot's number and the seed alone.
    again = FakeUsers("zh_CN", 0)
    assert [again.slots.number(key) for key in keys] == [value[0] - ID_BASE for value in values]


def test_made_up_users_are_their_slots_spelled_distinct_and_the_same_on_a_second_run() -> None:
    # The people `FakeUsers` makes carry exactly those spellings (so the proof above is about
    # them): 10,000 devices, each with its ids on all six platforms, end to end.
    keys = device_keys(10_000, seed=16)
    fake = FakeUsers("zh_CN", 0)
    people = [identity(fake, key) for key in keys]
    assert shared(people) == dict.fromkeys(UNIQUE, 0)
    for key, person in zip(keys, people):  # the table already holds every key: looking does not change it
        expected = spelled(fake, key)
        at = person["email"].index("@")
        actual = [person["id"], person["mobile"], person["email"][at - EMAIL_DIGITS : at + 1]]
        actual += [person[column][: len(start)] for column, start in zip(PLATFORM_IDS, expected[3:])]
        assert actual == expected, key
    again = FakeUsers("zh_CN", 0)  # a restart: a fresh table and memos
    assert [identity(again, key) for key in keys] == people


def test_a_key_returning_after_many_others_keeps_its_person() -> None:
    fake = FakeUsers("zh_CN", 0, table_size=2**12)
    first = identity(fake, "returning")
    for key in device_keys(2**11 - 1):  # with it, half the table: the generation is full, not over
        identity(fake, key)
    assert identity(fake, "returning") == first  # long out of the memos: found in the table
    assert first == identity(FakeUsers("zh_CN", 0, table_size=2**12), "returning")  # the same on a restart


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
    fake = FakeUsers("zh_CN", 0, table_size=2**10)
    people = [identity(fake, key) for key in (one, two, three)]
    assert shared(people) == dict.fromkeys(UNIQUE, 0)
    # The first keeps its own person; the others move to the next free slots, and only the
    # columns that must be unique change with the slot: the rest are the key's own.
    alone = [identity(FakeUsers("zh_CN", 0, table_size=2**10), key) for key in (one, two, three)]
    assert people[0] == alone[0]
    assert [person["id"] - people[0]["id"] for person in people] == [0, 1, 2]
    for person, own in zip(people[1:], alone[1:]):
        assert {column for column in person if person[column] != own[column]} == {"number_code", *UNIQUE}


def test_new_generations_keep_every_value_unique() -> None:
    fake = FakeUsers("zh_CN", 0, table_size=8)  # four keys a generation
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


@pytest.mark.parametrize("size", [10, 64, 1000, 4096])
def test_a_keyed_permutation_is_a_bijection(size: int) -> None:
    for key in (0, 1, 2**63 - 25, 987654321987):
        assert sorted(map(Permutation.keyed(size, key), range(size))) == list(range(size))


def test_the_columns_are_the_permutations_spelled_the_plain_way() -> None:
    """`Columns` spells its permutations out and formats in C; here the plain way: call the
    permutation, then pick each digit's letter."""
    def key_of(column: str) -> int:
        return derive_seed(5, "unique", column)

    columns = Columns(key_of)
    mobile = Permutation.keyed(len(MOBILE_PREFIXES) * 10**8, key_of("mobile"))
    email = Permutation.keyed(10**8, key_of("email"))
    noise = bytes(range(64))
    for number in [*range(50), *range(SLOTS - 50, SLOTS + 50), SPAN - 1, SPAN, 3 * SPAN + 7]:
        prefix, digits = divmod(mobile(number), 10**8)
        assert columns.mobile(number) == MOBILE_PREFIXES[prefix] + f"{digits:08d}"
        assert columns.email(number, "jing52@163.com") == f"jing{email(number):08d}@163.com"
        for platform in PLATFORMS.values():
            shape = platform.openid_shape
            radix, width = 16 if len(shape.alphabet) >= 16 else 10, run_width(shape)
            ids = columns.platform_ids(platform, number, noise)
            for parity, column in enumerate(filter(None, (platform.openid_column, platform.unionid_column))):
                run = ids[column][len(shape.prefix) : len(shape.prefix) + width]
                letters = Random(key_of(platform.name)).sample(shape.alphabet, radix)
                value = Permutation.keyed(radix**width, key_of(platform.name))(2 * number + parity)
                spelled = [letters[value // radix**place % radix] for place in reversed(range(width))]
                assert run == "".join(spelled), (platform.name, number)


def test_a_registered_id_is_never_a_made_up_one() -> None:
    fake = FakeUsers("zh_CN", 0, table_size=16)
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
    ctx = context(FakeUsers("zh_CN", 0, table_size=2**10))
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
    ctx = context(FakeUsers("zh_CN", 0, table_size=2**10))
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
