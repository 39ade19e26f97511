""""Did you mean ...?": the one way a mistyped name is answered with the closest known one."""

from __future__ import annotations

import difflib
from typing import Iterable


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The known name most like `word`, if any is close enough to be what was meant."""
    found = difflib.get_close_matches(word, list(choices), n=1)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean <name>?)` to append to a message, or "" when nothing is close."""
    name = closest(word, choices)
    return f" (did you mean {name}?)" if name else ""
