"""`params.php_pairs` fills arrays as PHP fills `$_GET`/`$_POST`, in time linear in the pairs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.params import MAX_NESTING, TooDeep, php_pairs


def reference(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The merge written the plain way: each `a[]` scans its array for the next index (PHP's:
    the largest integer key + 1, at least 0), and arrays keyed 0..n-1 become lists."""
    result: dict[str, Any] = {}
    for raw_key, value in pairs:
        head, _, tail = raw_key.partition("[")
        if not head:
            continue
        if not tail:
            result[head] = value
            continue
        path = re.findall(r"\[([^\]]*)\]", "[" + tail)
        node = result.get(head)
        if not isinstance(node, dict):
            node = result[head] = {}
        for index, part in enumerate(path):
            integers = [int(k) for k in node if re.fullmatch(r"0|-?[1-9][0-9]*", k)]
            key = part or str(max([-1, *integers]) + 1)
            if index == len(path) - 1:
                node[key] = value
            else:
                if not isinstance(node.get(key), dict):
                    node[key] = {}
                node = node[key]
    return {key: as_list(value) for key, value in result.items()}


def as_list(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {key: as_list(item) for key, item in value.items()}
    return list(items.values()) if list(items) == [str(i) for i in range(len(items))] else items


def pairs_of(query: str) -> list[tuple[str, str]]:
    return [(key, value) for part in query.split("&") for key, _, value in (part.partition("="),)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("a[]=1&a[]=2", {"a": ["1", "2"]}, id="appended"),
        pytest.param("a[5]=x&a[]=y", {"a": {"5": "x", "6": "y"}}, id="after-the-largest-integer-key"),
        pytest.param("a[]=x&a[7]=y&a[3]=z&a[]=w", {"a": {"0": "x", "7": "y", "3": "z", "8": "w"}}, id="largest-not-last"),
        pytest.param("a[-3]=x&a[]=y", {"a": {"-3": "x", "0": "y"}}, id="negative-keys-start-at-0"),
        pytest.param("a[05]=x&a[]=y", {"a": {"05": "x", "0": "y"}}, id="05-is-a-string-key"),
        pytest.param("a[b][]=1&a[b][]=2&a[c]=3", {"a": {"b": ["1", "2"], "c": "3"}}, id="nested"),
        pytest.param("a=1&a[]=2", {"a": ["2"]}, id="array-replaces-a-string"),
        pytest.param("a[]=1&a=2", {"a": "2"}, id="string-replaces-an-array"),
        pytest.param("a[x]=1&a[x][]=2", {"a": {"x": ["2"]}}, id="nested-array-replaces-a-string"),
    ],
)
def test_arrays_fill_as_php_fills_them(query: str, expected: dict[str, Any]) -> None:
    assert php_pairs(pairs_of(query)) == expected == reference(pairs_of(query))


def test_many_appends_give_every_value_in_order() -> None:
    # 20,000 appends: about 200 million key checks the quadratic way, 20,000 here.
    values = [str(i) for i in range(20_000)]
    assert php_pairs([("a[]", value) for value in values]) == {"a": values}


def test_nesting_as_deep_as_php_allows_is_read() -> None:
    result: Any = php_pairs([("a" + "[x]" * MAX_NESTING, "1")])["a"]
    for _ in range(MAX_NESTING):
        result = result["x"]
    assert result == "1"


def test_nesting_deeper_than_php_allows_is_refused() -> None:
    with pytest.raises(TooDeep) as refused:
        php_pairs([("ok", "1"), ("a" + "[x]" * 900, "1")])
    assert (refused.value.name, refused.value.depth) == ("a", 900)


keys = st.builds(
    lambda head, path: head + "".join(f"[{part}]" for part in path),
    st.sampled_from(["a", "b", ""]),
    st.lists(st.sampled_from(["", "", "0", "1", "2", "7", "-1", "05", "x"]), max_size=3),
)


@given(st.lists(st.tuples(keys, st.text(max_size=3)), max_size=30))
def test_the_merge_equals_the_plain_one(pairs: list[tuple[str, str]]) -> None:
    assert php_pairs(pairs) == reference(pairs)


def test_a_key_past_64_bit_integers_is_a_string_key() -> None:
    assert php_pairs(pairs_of("a[9223372036854775808]=x&a[]=y")) == {"a": {"9223372036854775808": "x", "0": "y"}}
    assert php_pairs(pairs_of("a[9223372036854775806]=x&a[]=y"))["a"]["9223372036854775807"] == "y"
