"""Which release a request's client speaks, told by what it sends (§1.5, §7.3), and the reasons
the journal gives for the release that answered (`release_reason`).

Today's client (v6.3+) adds `application_client_brand` and `theme` to every request
(U/App.vue:371-410); the v2.2 client sent `application=app&application_client_type=…&token=…
&ajax=ajax&uuid=…` and neither of them, nor `system_type`. A request showing neither client (a
bare curl) is the published page's: `documented`.
"""

from __future__ import annotations

from typing import Any, Final, Mapping

from .profiles import CURRENT, DOCUMENTED, PROFILES, TODAYS_CLIENT_PARAMS, Profile

AUTO: Final = "auto"  # the server's profile setting when no release is pinned: each client's own
_BRAND, _THEME = TODAYS_CLIENT_PARAMS

PINNED: Final = "pinned by --profile"
TODAYS_CLIENT: Final = "client sends application_client_brand/theme (today's client)"
V22_CLIENT: Final = "v2.2 client's parameters"
NO_CLIENT: Final = "no client shown: documented"
# A device's later request answered as its first was, whatever it looked like (made once, not per request).
AS_BEFORE: Final = {name: f"device answered as {name} before" for name in PROFILES}


def spoken_by(params: Mapping[str, Any]) -> tuple[Profile, str]:
    """The release a request's parameters (merged: route < query < body) show, and why."""
    if _BRAND in params or _THEME in params:
        return CURRENT, TODAYS_CLIENT
    if (
        params.get("application") == "app"
        and params.get("ajax") == "ajax"
        and "application_client_type" in params
        and "system_type" not in params
    ):
        return DOCUMENTED, V22_CLIENT
    return DOCUMENTED, NO_CLIENT
