"""Every endpoint the mock answers: (controller, action) -> function, read top to bottom."""

from __future__ import annotations

from typing import Awaitable, Callable, Final, Mapping

from ..context import Context
from ..envelope import Envelope
from ..params import Call
from . import user

Action = Callable[[Call, Context], Awaitable[Envelope]]

ACTIONS: Final[Mapping[tuple[str, str], Action]] = {
    ("User", "appminiuserauth"): user.appminiuserauth,
}

# Controllers the real api app has, so an unknown action on one of them answers 非法访问 rather
# than 控制器不存在 (S/app/api/controller/).
CONTROLLERS: Final = frozenset(controller for controller, _ in ACTIONS)
