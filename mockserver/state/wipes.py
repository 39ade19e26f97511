"""Which device a new uuid is, when the client wiped its storage because the mock said -400.

Today's client answers every `-400` with `uni.clearStorage()`, its uuid included, and logs in
again with a new one (`U/App.vue` `is_login_check`, `request_uuid`); logging out keeps the uuid.
The phone is the same, so the mock keeps its person: when it answers a device -400, it notes the
device under the request's *fingerprint* (client type, brand, address, User-Agent); the next
request with that fingerprint and another uuid continues the device, and that uuid names it from
then on. Anything else with a new uuid is a new device: another phone (another address or
User-Agent), or a test asking for a distinct person. docs/accounts.md, "Which device is which".
"""

from __future__ import annotations

from typing import Final

from .bounded import Bounded

Fingerprint = tuple[str, str, str, str]  # client type, brand, remote address, User-Agent

MAX_DEVICES: Final = 5_000


class Wipes:
    def __init__(self, limit: int = MAX_DEVICES) -> None:
        self._told: Bounded[Fingerprint, str] = Bounded(limit)  # told -400, not yet back
        self._continued: Bounded[str, str] = Bounded(limit)  # a later uuid -> the device it is
        # Anything to look up? Usually not: then a request's uuid is its device, unread. (An
        # attribute, not `__bool__`: every request asks, and a method call costs more.)
        self.any = False

    def told(self, fingerprint: Fingerprint, device: str) -> None:
        """The mock answered this device -400: its client is wiping its storage now."""
        if device:
            self._told[fingerprint] = device
            self.any = True

    def device(self, uuid: str, fingerprint: Fingerprint) -> str:
        """The device a request with this uuid comes from ("" when the uuid is the device)."""
        known = self._continued.get(uuid)
        if known is not None:
            return known
        wiped = self._told.get(fingerprint)
        if wiped is None or not uuid or uuid == wiped:  # the same uuid: sent before the wipe
            return ""
        del self._told[fingerprint]
        self._continued[uuid] = wiped
        return wiped

    def clear(self) -> None:
        self._told.clear()
        self._continued.clear()
        self.any = False
