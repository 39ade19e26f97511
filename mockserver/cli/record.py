"""`shopxo-mock record --upstream URL --out FILE.yaml`: the server, with everything that passes
through the upstream written down as scenarios (`upstream.record`).

It serves like `shopxo-mock` (same flags), with two defaults of its own: every request no scenario
matches goes upstream (`--forward unmatched`) and the shipped scenarios are left out (`--builtin`
keeps them), so what the app does reaches the real shop and is recorded. The file (merged into
when it exists) is written whole after every answer recorded, so a `kill -9` loses nothing; on
Ctrl-C (or SIGTERM) the recording is checked, by replaying this run's requests against a mock
serving it (a reply the mock would not answer with the same bytes is kept as those bytes
instead), and written once more. An `--out` that cannot be written is refused before serving.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path
from typing import Mapping, TextIO

import yaml

from ..catalogue import catalogue
from ..settings import Settings
from ..params import Call
from ..upstream.masking import Masker, WeakKey, key_file, load_key
from ..upstream.proxy import Relayed, Upstream
from ..upstream.record import Recording
from ..upstream.replay import check
from ..web.serve import serving
from . import ENV_PREFIX, UsageError, load, parser, serve, settings_from, usage_error

def main(argv: list[str], environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    p = parser(environ, prog="shopxo-mock record")
    p.description = (
        "Serve as shopxo-mock does, send what no scenario answers to a real ShopXO (--upstream), and write what\n"
        "passes through as a scenario file (--out) that replays the same bytes. Secrets (tokens, session keys,\n"
        "openids, mobiles, e-mails) are masked consistently unless --keep-secrets. Stop with Ctrl-C to write."
    )
    p.help_out = out
    p.add_argument("--out", type=Path, required=True, metavar="FILE.yaml", help="the scenario file (merged into when it exists)")
    p.add_argument("--keep-secrets", action="store_true", help="write tokens, openids, mobiles and e-mails as they came")
    p.add_argument("--builtin", dest="no_builtin", action="store_false", help="keep the shipped scenarios (left out by default)")
    p.set_defaults(no_builtin=True)
    if not environ.get(ENV_PREFIX + "FORWARD"):
        p.set_defaults(forward="unmatched")  # record the real shop, not the mock's own answers
    try:
        args = p.parse_args(argv)
        settings = settings_from(p, args, environ)
        if settings.upstream is None:
            raise UsageError("--upstream is required: the ShopXO site to record")
        writable(args.out)
        recording = Recording(_masker(args.keep_secrets, environ), settings.upstream, settings.profile)
        if args.out.exists():
            recording.merge_file(args.out)
    except UsageError as exc:
        return usage_error(err, str(exc))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        return usage_error(err, f"--out {args.out}: cannot merge into it ({type(exc).__name__}: {exc})")
    scenarios = load(p, settings, err)
    if isinstance(scenarios, int):
        return scenarios
    if args.list:
        print(catalogue(scenarios), file=out)
        return 0
    upstream = Upstream(settings)
    upstream.listeners.append(recording.add)
    upstream.listeners.append(Keeper(recording, args.out, err).keep)
    code = serve(settings, scenarios, out, err, quiet=args.quiet, ready_json=args.ready_json, upstream=upstream)
    if code != 0:
        return code
    return finish(recording, settings, args.out, err if args.ready_json else out)


def finish(recording: Recording, settings: Settings, path: Path, human: TextIO) -> int:
    """Check the recording by replaying it, write it, and say what it holds."""
    for skipped in recording.skipped:
        print(f"shopxo-mock: not recorded: {skipped}", file=human)
    if not recording.exchanges:
        print(f"shopxo-mock: nothing passed through {settings.upstream}; {path} left as it was", file=human)
        return 0
    problems = asyncio.run(check(recording, settings, serving))
    try:
        recording.write(path)
    except OSError as exc:
        print(f"shopxo-mock: error: --out {path}: cannot write it ({exc.strerror or exc}); the file holds what was kept", file=human)
        return 1
    answers = sum(len(entry.replies) for entry in recording.entries.values())
    print(
        f"shopxo-mock: recorded {len(recording.exchanges)} request(s) into {path}: "
        f"{len(recording.entries)} scenario(s), {answers} answer(s)",
        file=human,
    )
    for problem in problems:
        print(f"shopxo-mock: replays differently: {problem}", file=human)
    return 1 if problems else 0


def _masker(keep_secrets: bool, environ: Mapping[str, str]) -> Masker | None:
    if keep_secrets:
        return None
    path = key_file(environ)
    try:
        return Masker(load_key(path))
    except WeakKey as exc:
        raise UsageError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read or make the masking key {path} ({exc}); --keep-secrets records without masking") from None


def writable(path: Path) -> None:
    """Refuse, before anything is served, an `--out` the recording could not be written to: a
    directory, one in a directory that does not exist, or where no file can be made."""
    if path.is_dir():
        raise UsageError(f"--out {path}: is a directory; name the scenario file, e.g. {path / 'recorded.yaml'}")
    if not path.parent.is_dir():
        raise UsageError(f"--out {path}: the directory {path.parent} does not exist; make it first")
    probe = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot write in {path.parent} ({exc.strerror or exc})") from None


class Keeper:
    """A `proxy.Listener` after the recorder's: the file written whole after each answer recorded,
    so a `kill -9` mid-session leaves every answer so far on disk (unchecked: the replay check runs
    on Ctrl-C). A failed write is said once and does not stop the pass-through."""

    def __init__(self, recording: Recording, path: Path, err: TextIO) -> None:
        self.recording = recording
        self.path = path
        self.err = err
        self.written = 0  # exchanges on disk
        self.failing = False

    def keep(self, call: Call, relayed: Relayed) -> None:
        if len(self.recording.exchanges) == self.written:
            return  # nothing new recorded (a picture, say)
        try:
            self.recording.write(self.path)
        except OSError as exc:
            if not self.failing:
                print(f"shopxo-mock: error: --out {self.path}: cannot write it ({exc.strerror or exc}); will try again", file=self.err)
            self.failing = True
            return
        self.failing = False
        self.written = len(self.recording.exchanges)
