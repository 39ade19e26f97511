"""Property-based: any parameters give a valid envelope; the encoder's bytes decode to the document."""

from __future__ import annotations

import asyncio
import json
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.actions import lookup
from mockserver.answers import Answer
from mockserver.runtime import create_context
from mockserver.context import Context
from mockserver.rendering.envelope import Encoding, Envelope, encode
from mockserver.scenarios.loader import load_scenarios
from mockserver.settings import Settings
from mockserver.params import api_url_inputs, build_call, php_pairs, plain_query_pairs, split_plain_url
from mockserver.routing import resolve
from yarl import URL

text = st.text(max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
)


@given(st.lists(st.tuples(text, text), max_size=12))
def test_php_pairs_takes_any_pairs(pairs: list[tuple[str, str]]) -> None:
    result = php_pairs(pairs)
    assert all(isinstance(key, str) and key for key in result)


@given(st.text(st.characters(codec="ascii", exclude_characters="%+#"), max_size=60))
def test_a_plain_query_splits_as_yarl_parses_it(raw_query: str) -> None:
    assert plain_query_pairs(raw_query) == list(URL.build(path="/api.php", query_string=raw_query, encoded=True).query.items())


@given(
    st.sampled_from(["/api.php", "/public/api.php", "/api.php/user/appminiuserauth", "/index.php", "/api.php%2F"]),
    st.text(st.characters(codec="ascii", exclude_characters="%+#"), max_size=60),
)
def test_a_plain_url_gives_the_inputs_yarl_would(path: str, raw_query: str) -> None:
    url = URL.build(path=path, query_string=raw_query, encoded=True)
    plain = split_plain_url(f"{path}?{raw_query}")
    assert (plain is None) is ("%" in path)
    if plain is not None:
        assert api_url_inputs(*plain) == api_url_inputs(url.path, url.query.items())


@given(st.text(max_size=60))
def test_a_query_with_escapes_is_left_to_yarl(raw_query: str) -> None:
    needs_unquoting = not raw_query.isascii() or any(mark in raw_query for mark in "%+#")
    assert (plain_query_pairs(raw_query) is None) is needs_unquoting


@given(st.dictionaries(text, json_values, max_size=8), st.dictionaries(text, json_values, max_size=8))
def test_build_call_takes_any_query_and_body(query: dict[str, Any], body: dict[str, Any]) -> None:
    call = build_call(resolve("user/appminiuserauth"), query, body, None, "http://127.0.0.1")
    assert call.client_type  # never empty: "pc" when missing
    assert isinstance(call.text("authcode"), str)


@settings(max_examples=300)
@given(text, st.integers(min_value=-(2**31), max_value=2**31), json_values, st.sampled_from(list(Encoding)))
def test_the_encoder_round_trips(msg: str, code: int, data: Any, encoding: Encoding) -> None:
    raw = encode(Envelope(msg, code, data, encoding))
    assert json.loads(raw) == {"msg": msg, "code": code, "data": data}
    assert b"/" not in raw.replace(b"\\/", b"")


@cache
def _context() -> Context:
    settings = Settings(profile="current")
    return create_context(settings, load_scenarios(settings.layers))


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["authcode", "uuid", "lang", "token", "referrer", "openid", "x"]), json_values, max_size=6),
    st.sampled_from(["weixin", "alipay", "baidu", "toutiao", "qq", "kuaishou", "pc", "WeiXin", "", "💥"]),
    st.sampled_from(["user/appminiuserauth", "user/appminiuserinfo", "user/tokenuserinfo", "user/appmobilebind", "base/common"]),
)
def test_any_parameters_give_a_valid_envelope(body: dict[str, Any], client_type: str, action: str) -> None:
    ctx = _context()
    route = resolve(action)
    call = build_call(route, {"application_client_type": client_type}, body, None, "http://127.0.0.1")
    handler = lookup(route.key, ctx)
    assert handler is not None

    async def answer_of() -> Answer:
        return await handler(call, ctx)

    answer = asyncio.run(answer_of())
    if isinstance(answer.body, Envelope):
        document = json.loads(encode(answer.body))
        assert list(document) == ["msg", "code", "data"] and isinstance(document["code"], int)
