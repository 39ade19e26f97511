""""Did you mean ...?": the one way a mistyped name is answered with the closest known one."""

from __future__ import annotations

import difflib
from typing import Iterable, Mapping


def closest(word: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """The known name most like `word`, if any is close enough to be what was meant. `aliases`
    (another name people use -> the known one) is asked first: a synonym is rarely spelled alike."""
    choices = list(choices)
    meant = (aliases or {}).get(word)
    if meant in choices:
        return meant
    found = difflib.get_close_matches(word, choices, n=1)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """` (did you mean <name>?)` to append to a message, or "" when nothing is close."""
    name = closest(word, choices, aliases)
    return f" (did you mean {name}?)" if name else ""
