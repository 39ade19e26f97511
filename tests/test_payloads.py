"""The spliced login payload equals the plain way: render with the token, then encode."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from mockserver.contract.profiles import PROFILES
from mockserver.rendering.envelope import Envelope, encode, encode_json
from mockserver.people.fake_users import FakeUsers
from mockserver.rendering.payloads import Payloads
from mockserver.rendering.view import View, user_payload

TOKENS = ["0123456789abcdef0123456789abcdef", "with/slash", 'quote"and\\back', "令牌", "line\u2028sep", ""]


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("token", TOKENS)
def test_the_same_bytes_as_rendering_with_the_token(profile: str, token: str) -> None:
    row = MappingProxyType({**FakeUsers("zh_CN", 0).person("device-1"), "weixin_openid": "o"})
    view = View(PROFILES[profile], "zh", "http://127.0.0.1:8080", "weixin", "default", 0)
    omit = frozenset({"is_user_exist"})
    payloads = Payloads()
    for _ in range(2):  # made, then from the memo
        spliced = encode(Envelope("授权登录成功", 0, payloads.user_data(row, view, omit, token)))
        plain = encode(Envelope("授权登录成功", 0, user_payload(row, view, omit, token)))
        assert spliced == plain
    assert encode_json(token) in plain.decode()


def test_a_row_is_made_once_per_outcome_platform_and_device() -> None:
    payloads, made = Payloads(), []
    outcome = object()

    def make() -> dict[str, int]:
        made.append(1)
        return {"id": len(made)}

    first = payloads.row(outcome, "weixin", "d", make)
    assert payloads.row(outcome, "weixin", "d", make) is first
    assert payloads.row(outcome, "alipay", "d", make) == {"id": 2}
