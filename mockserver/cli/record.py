"""`shopxo-mock record --upstream URL --out FILE.yaml`: the server, with everything that passes
through the upstream written down as scenarios (`upstream.record`).

It serves like `shopxo-mock` (same flags), with two defaults of its own: every request no scenario
matches goes upstream (`--forward unmatched`) and the shipped scenarios are left out (`--builtin`
keeps them), so what the app does reaches the real shop and is recorded. On Ctrl-C (or SIGTERM)
the recording is checked, by replaying this run's requests against a mock serving it (a reply
the mock would not answer with the same bytes is kept as those bytes instead), and written,
merged into the file when it exists. Until then each answer recorded is appended, masked, to a
journal beside the file (`FILE.yaml.journal`, flushed to disk), so a `kill -9` loses nothing:
the next `record` into the same file merges it first. (Appending, not rewriting the whole file
after each answer: that costs a dump of everything so far per request, 0.24 s for 300 answers of
10 KB.) An `--out` that cannot be written is refused before serving.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path
from typing import Mapping, TextIO

import yaml

from ..params import Call
from ..settings import Settings
from ..upstream.masking import Masker, WeakKey, key_file, load_key
from ..upstream.proxy import Relayed, site_root
from ..upstream.record import Recording
from ..web.client import Upstream
from ..web.replay import check
from ..web.serve import serving
from .flags import parser, settings_from
from .parsing import ENV_PREFIX, UsageError, usage_error
from .server import serve, to_serve


def main(argv: list[str], environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    p = parser(environ, prog="shopxo-mock record")
    p.description = (
        "Serve as shopxo-mock does, send what no scenario answers to a real ShopXO (--upstream), and write what\n"
        "passes through as a scenario file (--out) that replays the same bytes. Secrets (tokens, openids, mobiles,\n"
        "e-mails, id cards, passwords, wherever they stand) are masked consistently unless --keep-secrets. Stop\n"
        "with Ctrl-C to write; until then each answer is kept in FILE.yaml.journal, merged by the next run."
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
        recording = Recording(_masker(args.keep_secrets, environ), site_root(settings.upstream), settings.profile)
        if args.out.exists():
            recording.merge_file(args.out)
        journal = journal_of(args.out)
        recovered = recording.merge_journal(journal) if journal.exists() else 0
    except UsageError as exc:
        return usage_error(err, str(exc))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        return usage_error(err, f"--out {args.out}: cannot merge into it ({type(exc).__name__}: {exc})")
    human = err if args.ready_json else out
    if recovered:  # a session killed before it could write: its answers go in first
        try:
            recording.write(args.out)
            journal.unlink()
        except OSError as exc:
            return usage_error(err, f"--out {args.out}: cannot write it ({exc.strerror or exc})")
        print(f"shopxo-mock: merged {recovered} answer(s) a session that did not finish left in {journal} into {args.out}", file=human)
    scenarios = to_serve(p, args, settings, out, err)
    if isinstance(scenarios, int):
        return scenarios
    upstream = Upstream(settings)
    upstream.listeners.append(recording.add)
    upstream.listeners.append(Keeper(recording, journal, err).keep)
    code = serve(settings, scenarios, out, err, quiet=args.quiet, ready_json=args.ready_json, upstream=upstream, recording=args.out)
    if code != 0:
        return code
    return finish(recording, settings, args.out, human)


def finish(recording: Recording, settings: Settings, path: Path, human: TextIO) -> int:
    """Check the recording by replaying it, write it, and say what it holds."""
    for skipped in recording.skipped:
        print(f"shopxo-mock: not recorded: {skipped}", file=human)
    if not recording.exchanges:
        print(f"shopxo-mock: nothing passed through {settings.upstream}; {path} left as it was", file=human)
        return 0
    problems = asyncio.run(check(recording, settings, serving))
    journal = journal_of(path)
    try:
        recording.write(path)
    except OSError as exc:
        kept = f"; {journal} keeps the answers for the next run" if journal.exists() else ""
        print(f"shopxo-mock: error: --out {path}: cannot write it ({exc.strerror or exc}){kept}", file=human)
        return 1
    journal.unlink(missing_ok=True)
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


def journal_of(path: Path) -> Path:
    """Where a running recorder keeps each answer until it writes `path` (not `.yaml`: a mock
    serving the directory does not load it)."""
    return path.with_name(path.name + ".journal")


class Keeper:
    """A `proxy.Listener` after the recorder's: each new answer recorded appended to the journal
    and flushed to disk, so a `kill -9` mid-session leaves every answer so far (unchecked: the
    replay check runs on Ctrl-C). A failed write is said once and does not stop the pass-through;
    the answer is still written with the rest on Ctrl-C."""

    def __init__(self, recording: Recording, journal: Path, err: TextIO) -> None:
        self.recording = recording
        self.journal = journal
        self.err = err
        self.seen = 0  # exchanges looked at
        self.kept: set[tuple[str, int]] = set()  # (entry, reply) in the journal
        self.failing = False

    def keep(self, call: Call, relayed: Relayed) -> None:
        exchanges = self.recording.exchanges
        if len(exchanges) == self.seen:
            return  # nothing recorded (a picture, say)
        self.seen = len(exchanges)
        exchange = exchanges[-1]
        mark = (exchange.entry, exchange.reply)
        if mark in self.kept:
            return  # an answer the journal holds already
        try:
            with open(self.journal, "a", encoding="utf-8") as file:
                file.write(self.recording.journal_line(exchange))
                file.flush()
                os.fsync(file.fileno())
        except OSError as exc:
            if not self.failing:
                print(f"shopxo-mock: error: {self.journal}: cannot write it ({exc.strerror or exc}); will try again", file=self.err)
            self.failing = True
            return
        self.failing = False
        self.kept.add(mark)
