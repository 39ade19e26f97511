"""ShopXO's URL forms -> the controller/action a request reaches (§1.1). Pure: no aiohttp here.

Only `api.php` (at the document root, or under `/public/` when the repository root is served)
reaches the API. The route comes from the `s` query parameter when given, else from the path info
after `api.php/`. As ThinkPHP does it: leading `/` dropped, the `.html` suffix removed
(case-insensitively), surrounding `/` trimmed, then `controller/action/key/value/...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Final, Mapping

ENTRY_SCRIPTS: Final = ("/api.php", "/public/api.php")
_SUFFIX = re.compile(r"\.html$", re.IGNORECASE)
# `Rule::parseUrlParams`: `\w+` keys with non-empty values, pairs separated by `|` after `/` -> `|`.
_PAIR = re.compile(r"(\w+)\|([^|]+)")
_TAGS = re.compile(r"<[^>]*>")  # route values go through strip_tags


@dataclass(frozen=True, slots=True)
class Route:
    controller: str  # as ThinkPHP names the class: `Str::studly` of the segment, e.g. `User`
    action: str  # lower-cased: PHP method names are case-insensitive
    typed_controller: str  # the segments as the client typed them, for the -1000 messages
    typed_action: str
    params: Mapping[str, str]  # `key/value` segments after the action
    name: str  # `controller/action` in lower case, e.g. user/appminiuserauth (journal, log)

    @property
    def key(self) -> tuple[str, str]:
        return self.controller, self.action


def studly(segment: str) -> str:
    """ThinkPHP `Str::studly`: upper-case the first letter of each `_`/`-` word, keep the rest."""
    words = re.split(r"[-_]", segment)
    return "".join(word[:1].upper() + word[1:] for word in words)


def entry_path_info(path: str) -> str | None:
    """The path info after an entry script, `""` for the script itself, None for other paths."""
    for script in ENTRY_SCRIPTS:
        if path == script:
            return ""
        if path.startswith(script + "/"):
            return path[len(script) :]
    return None


@lru_cache(maxsize=1024)
def resolve(path_info: str) -> Route:
    """Parse ThinkPHP path info (from `s` or after `api.php/`) into a Route."""
    info = _SUFFIX.sub("", path_info.lstrip("/")).strip("/")
    segments = info.split("/") if info else []
    controller = segments[0] if segments else "index"
    action = segments[1] if len(segments) > 1 else "index"
    rest = "|".join(segments[2:])
    params = {key: _TAGS.sub("", value) for key, value in _PAIR.findall(rest)}
    studly_controller = studly(controller)
    return Route(
        controller=studly_controller,
        action=action.lower(),
        typed_controller=controller,
        typed_action=action,
        params=MappingProxyType(params),
        name=f"{studly_controller}/{action}".lower(),
    )
