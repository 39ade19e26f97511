"""Every endpoint the mock answers: (controller, action) -> function, read top to bottom."""

from __future__ import annotations

from typing import Awaitable, Callable, Final, Mapping

from ..answer import Answer
from ..context import Context
from ..params import Call
from . import user

Action = Callable[[Call, Context], Awaitable[Answer]]

ACTIONS: Final[Mapping[tuple[str, str], Action]] = {
    ("User", "appminiuserauth"): user.appminiuserauth,
}

# Controllers the mock knows, so an unknown action on one of them answers 非法访问 rather than
# 控制器不存在 (as ShopXO's api app does for its own controllers).
CONTROLLERS: Final = frozenset(controller for controller, _ in ACTIONS)
