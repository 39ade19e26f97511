"""The contract battery `shopxo-mock diff` sends to a real ShopXO and to the mock, as data.

Every case is a request today's client (or a curious one) makes that needs no real platform
code: the login branches reachable without one (an empty code per platform, client types with
no login method), unknown routes, `base/common`, `user/center` with and without a token, a
login-checking route with a made-up token, both languages, and the URL forms of §1.1. A file of
more cases in the same form (`--cases FILE`, YAML or JSON) runs after them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Mapping

import yaml

from ..contract.platforms import PLATFORMS

# What the client puts in every query, in its order (§1.5); {placeholders} filled per case.
CLIENT_QUERY: Final = (
    "system_type=default&application=app&application_client_type={client}&application_client_brand=devtools"
    "&token={token}&uuid={uuid}&lang={lang}&theme=red&ajax=ajax"
)
DEVICE: Final = "5c0b5f6e-0d1f-4e3a-9b2c-d1ff0000d1ff"  # the uuid every case sends
BOGUS_TOKEN: Final = "0123456789abcdef0123456789abcdef"  # well formed, minted by nobody
TOKENS: Final = ("none", "bogus", "user")  # user: a logged-in user's, each side its own


class CaseError(ValueError):
    """A cases file that cannot be read: where, and what is wrong."""


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    route: str = ""  # controller/action: the client's URL is built for it
    url: str = ""  # or the path and query exactly (URL forms); {token}, {uuid} filled in
    method: str = "POST"
    client: str | None = "weixin"  # application_client_type; None: not sent
    lang: str = "zh"
    token: str = "none"  # one of TOKENS
    json: Mapping[str, Any] | None = None  # a JSON body
    form: Mapping[str, str] | None = None  # a form body
    about: str = ""  # what it checks, for people

    def path(self, token: str) -> str:
        """The path and query to send, with this side's token."""
        if self.url:
            return self.url.replace("{token}", token).replace("{uuid}", DEVICE)
        query = CLIENT_QUERY.format(client=self.client or "", token=token, uuid=DEVICE, lang=self.lang)
        if self.client is None:  # not sent at all: ShopXO's default, pc
            query = "&".join(pair for pair in query.split("&") if not pair.startswith("application_client_type="))
        return f"api.php?s={self.route}&{query}"


def _login(client: str | None, authcode: str, lang: str = "zh", about: str = "") -> Case:
    return Case(
        f"login-{'code-empty' if not authcode else 'client'}-{client or 'none'}{'-en' if lang == 'en' else ''}",
        "user/appminiuserauth",
        client=client,
        lang=lang,
        json={"authcode": authcode},
        about=about,
    )


BASE_QUERY: Final = "application=app&application_client_type=weixin&token=&uuid={uuid}&lang=zh&ajax=ajax"

BATTERY: Final[tuple[Case, ...]] = (
    *(_login(name, "", about="empty authcode") for name in PLATFORMS),
    _login("weixin", "", "en", "empty authcode, in English"),
    _login(None, "x", about="no client type: pc, which has no login method"),
    _login("h5", "x", about="a client type with no login method"),
    _login("foo", "x", about="an unknown client type"),
    Case("unknown-controller", "nosuch/index", about="-1000, controller"),
    Case("unknown-action", "user/nosuch", about="-1000, action"),
    Case("unknown-action-en", "user/nosuch", lang="en", about="-1000 in English"),
    Case("base-common", "base/common", about="the settings the client starts with"),
    Case("base-common-en", "base/common", lang="en"),
    Case("base-common-alipay", "base/common", client="alipay"),
    Case("user-center-guest", "user/center", about="no token"),
    Case("user-center-bogus-token", "user/center", token="bogus"),
    Case("user-center-user", "user/center", token="user", about="a logged-in user (--upstream-token)"),
    Case("login-required-bogus-token", "cart/index", token="bogus", about="IsLogin(): -400, escaped"),
    Case("login-required-bogus-token-en", "cart/index", token="bogus", lang="en"),
    Case("login-required-unmodelled", "buy/index", token="bogus", about="a route the mock has no model of"),
    # The URL forms (§1.1), on base/common.
    Case("url-leading-slash", url="api.php?s=/base/common&" + BASE_QUERY),
    Case("url-trailing-slash", url="api.php?s=base/common/&" + BASE_QUERY),
    Case("url-html-suffix", url="api.php?s=base/common.html&" + BASE_QUERY),
    Case("url-path-info", url="api.php/base/common?" + BASE_QUERY),
    Case("url-public-entry", url="public/api.php?s=base/common&" + BASE_QUERY),
    Case("url-action-case", url="api.php?s=base/COMMON&" + BASE_QUERY),
    Case("url-controller-case", url="api.php?s=BASE/common&" + BASE_QUERY, about="-1000: no file BASE.php"),
    Case("url-route-params", url="api.php?s=user/appminiuserauth/authcode/&" + BASE_QUERY, about="key/value segments"),
    Case("url-get", url="api.php?s=base/common&" + BASE_QUERY, method="GET"),
)

CASE_KEYS: Final = frozenset(Case.__dataclass_fields__)


def load_cases(path: Path) -> tuple[Case, ...]:
    """More cases from a YAML or JSON file: a list of cases, or `{cases: [...]}`."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CaseError(f"{path}: cannot read it ({exc})") from None
    if isinstance(document, dict):
        document = document.get("cases")
    if not isinstance(document, list):
        raise CaseError(f"{path}: expected a list of cases (or cases: [...])")
    return tuple(_case(item, f"{path}: cases[{index}]") for index, item in enumerate(document))


def _case(item: Any, where: str) -> Case:
    if not isinstance(item, dict):
        raise CaseError(f"{where}: expected a mapping with name and route (or url)")
    unknown = sorted(set(item) - CASE_KEYS)
    if unknown:
        raise CaseError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(CASE_KEYS))}")
    if not isinstance(item.get("name"), str) or not item["name"]:
        raise CaseError(f"{where}: a case needs a name")
    if bool(item.get("route")) == bool(item.get("url")):
        raise CaseError(f"{where}: give route (controller/action) or url (a path and query), one of them")
    if item.get("token", "none") not in TOKENS:
        raise CaseError(f"{where}: token is one of {', '.join(TOKENS)}")
    for key in ("json", "form"):
        if item.get(key) is not None and not isinstance(item[key], dict):
            raise CaseError(f"{where}: {key} is a mapping")
    fields: dict[str, Any] = {key: MappingProxyType(value) if isinstance(value, dict) else value for key, value in item.items()}
    return Case(**fields)
