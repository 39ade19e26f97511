"""The endpoints the mock implements itself, and which scenario outcomes each can answer.

Any other `controller/action` a scenario names is a declared endpoint: it answers spelled-out
envelopes (`envelope`), errors and faults.
"""

from __future__ import annotations

from typing import Final

USER_OUTCOMES: Final = frozenset({"user", "fake_user", "new_user", "error", "fault"})
CONFIG_OUTCOMES: Final = frozenset({"config", "error", "fault"})
DECLARED_OUTCOMES: Final = frozenset({"envelope", "error", "fault"})

# (Controller, action) -> the outcome kinds its scenarios may use.
BUILTIN: Final = {
    ("User", "appminiuserauth"): USER_OUTCOMES,
    ("User", "appminiuserinfo"): USER_OUTCOMES,
    ("User", "onekeyusermobilebind"): USER_OUTCOMES,
    ("User", "appmobilebind"): USER_OUTCOMES,
    ("User", "userbasereg"): USER_OUTCOMES,
    ("User", "tokenuserinfo"): DECLARED_OUTCOMES,
    ("User", "appmobilebindverifysend"): DECLARED_OUTCOMES,
    ("Base", "common"): CONFIG_OUTCOMES,
}


def outcomes_for(action: tuple[str, str]) -> frozenset[str]:
    return BUILTIN.get(action, DECLARED_OUTCOMES)
