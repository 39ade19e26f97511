"""What the mock remembers between requests: in memory, bounded, resettable by scope.

One object per idea, each keeping its own indexes consistent: accounts (users and the tokens
minted for them), bindings, the settings scenarios put in force per device, the devices that
came back with a new uuid after a storage wipe, the release each device speaks, platform-code uses,
SMS verification codes, sequence positions, the clock, and what avatar uploads left (the pictures,
how often each uploader uploaded; forgotten with the users). State is keyed by scenario *name*,
so it survives a reload wherever the scenario still exists (`prune` drops the rest).
"""

from __future__ import annotations

from enum import Enum
from typing import Callable, Final, Iterable

from .accounts import Account, Accounts
from .bindings import Bindings
from .clock import Clock
from .codes import CodeUse, CodeUses, VerifyCodes
from .devices import DeviceSettings
from .releases import DeviceReleases
from .sequences import Sequences
from .uploads import Pictures, UploadCounts
from .wipes import Fingerprint, Wipes

__all__ = ["Account", "Accounts", "Bindings", "Clock", "CodeUse", "DeviceReleases", "DeviceSettings", "Fingerprint", "Scope", "State", "Wipes"]


class Scope(Enum):
    """What a reset clears; its value is the name the admin API reports."""

    USERS = "users"
    TOKENS = "tokens"
    CODES = "codes"
    SEQUENCES = "sequences"
    VERIFY_CODES = "verify codes"
    BINDINGS = "bindings"
    CLOCK = "clock"


# What "forget everything the clients did" means: the runtime choices (bindings, clock) stay.
CLIENT_STATE: Final = (Scope.USERS, Scope.TOKENS, Scope.CODES, Scope.SEQUENCES, Scope.VERIFY_CODES)


class State:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.accounts = Accounts()
        self.bindings = Bindings()
        self.devices = DeviceSettings()  # forgotten with the users: both are what clients did
        self.wipes = Wipes()  # which device a new uuid is: forgotten with the users too
        self.releases = DeviceReleases()  # the release each device speaks (`--profile auto`): likewise
        self.codes = CodeUses(self.clock)
        self.verify_codes = VerifyCodes(self.clock)
        self.sequences = Sequences()
        self.pictures = Pictures()
        self.uploads = UploadCounts(self.clock)
        # What lives elsewhere but depends on the users (made-up people, rows rendered for them), by name.
        self._with_users: dict[str, Callable[[], None]] = {}

    def forget_with_users(self, name: str, forget: Callable[[], None]) -> None:
        """Call `forget` whenever the users are reset; a second one under the same name replaces
        the first (a reload's new Context brings new memos)."""
        self._with_users[name] = forget

    def reset(self, scopes: Iterable[Scope] = CLIENT_STATE) -> tuple[Scope, ...]:
        """Clear each scope given; returns them, in the order given."""
        done = tuple(scopes)
        for scope in done:
            match scope:
                case Scope.USERS:
                    self.accounts.clear()
                    self.devices.clear()
                    self.wipes.clear()
                    self.releases.clear()
                    self.pictures.clear()
                    self.uploads.clear()
                    for forget in self._with_users.values():
                        forget()
                case Scope.TOKENS:
                    self.accounts.tokens.clear()
                case Scope.CODES:
                    self.codes.clear()
                case Scope.SEQUENCES:
                    self.sequences.clear()
                case Scope.VERIFY_CODES:
                    self.verify_codes.clear()
                case Scope.BINDINGS:
                    self.bindings.clear()
                case Scope.CLOCK:
                    self.clock.reset()
        return done

    def prune(self, names: Iterable[str]) -> None:
        """After a reload: forget what belonged to scenarios that no longer exist."""
        keep = set(names)
        self.sequences.prune(keep)
        self.bindings.prune(keep)
        self.devices.prune(keep)
