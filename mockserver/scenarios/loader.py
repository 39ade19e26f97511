"""Scenario files -> one ScenarioSet, or every problem of every file with its `file:line:column`.

Loading is all or nothing: a server never starts (or reloads) half-loaded. This module walks
each directory (a layer), reads each file and runs it through the steps that live beside it:
`positions` reads the YAML (only plain data, never objects; every key and item with its position,
repeated keys refused instead of silently overwritten), `schema_check` checks the structure against
`schema.json` (the same file editors use), `builder` checks the meaning within a file and builds
the frozen scenarios; `layers` stacks the directories and makes the checks across files (unique
names and matches, `override`).
"""

from __future__ import annotations

import errno
import gc
import os
import re
import stat
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import Callable, Final, Iterator, Sequence

import yaml

from ..settings import DEFAULT_LOCALE, DEFAULT_MAX_SCENARIO_BYTES, SHIPPED_FIXTURES, directories
from . import expansion, positions, templates
from .builder import Builder
from .layers import BUILTIN, Layer, stack
from .model import Place, Scenario, ScenarioError, ScenarioSet
from .schema_check import schema_errors

__all__ = [
    "MAX_FILE_BYTES",
    "SUFFIXES",
    "ScenarioError",
    "ScenarioLoadError",
    "display_path",
    "layer_name",
    "load_scenarios",
    "provider_names",
    "scenario_files",
]

SUFFIXES: Final = (".yaml", ".yml")
# A scenario file is hand-written: anything this big is a mistake (a log, a dump), and parsing it
# would stall start-up or a reload for minutes.
MAX_FILE_BYTES: Final = 8 * 1024**2
# What indents a line: spaces and tabs, and the `-` of block sequence items (`  - - name:`).
INDENTATION: Final = re.compile(r"[ \t]*(?:-[ \t]+)*-?")
TAB_IN_INDENTATION: Final = "a tab in the indentation: YAML indents with spaces only"
# PyYAML's "mapping values are not allowed in this context", said where a `key: value` appears
# inside a plain value: the line is indented deeper than a key of the mapping above it, or a key
# above lacks the space after its colon (`name:vip` is text, which the next line continues).
MAPPING_VALUES: Final = "mapping values are not allowed"
MAPPING_VALUES_HINT: Final = (
    " (usually this line is indented deeper than the key above it, or a key above it has no space "
    "after its colon, 'name:vip' for 'name: vip'; a value holding ': ' needs quotes)"
)
# Emacs marks a file it edits with `.#<name>`, a symlink to nowhere by design: not a scenario file.
EDITOR_LOCK: Final = ".#"


class ScenarioLoadError(Exception):
    """Every problem found in the fixtures directories, in file order."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


def _load_file(
    path: Path, file: str, providers: Callable[[], frozenset[str]]
) -> tuple[list[Scenario], list[ScenarioError]]:
    try:
        # Opened without waiting and checked once open: what the walk saw may have been replaced
        # since, and a FIFO would hold this load (and every reload queued behind it) for ever.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as opened:
            info = os.fstat(opened.fileno())
            if not stat.S_ISREG(info.st_mode):
                return [], [ScenarioError(Place(file, 1, 1), _not_plain(info.st_mode))]
            data = opened.read(MAX_FILE_BYTES + 1)  # a file still growing stops here too
        size = max(info.st_size, len(data))
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1024**2
            return [], [ScenarioError(Place(file, 1, 1), f"too large ({size / 1024**2:.1f} MB; scenario files are read up to {limit} MB)")]
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [ScenarioError(Place(file, 1, 1), f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return [], [ScenarioError(Place(file, 1, 1), f"cannot read: {exc.strerror}")]
    try:
        document, repeated = positions.load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(filter(None, (exc.context, exc.problem)))
        if _tab_in_indentation(text, mark):  # libyaml's words for it ("cannot start any token") do not say
            return [], [ScenarioError(positions.place(file, mark), TAB_IN_INDENTATION)]
        if MAPPING_VALUES in problem:  # PyYAML's words for it say where, not what went wrong
            problem += MAPPING_VALUES_HINT
        return [], [ScenarioError(positions.place(file, mark), f"invalid YAML: {problem}")]
    except yaml.YAMLError as exc:
        return [], [ScenarioError(Place(file, 1, 1), f"invalid YAML: {exc}")]
    except expansion.TooLarge as exc:
        return [], [ScenarioError(positions.place(file, exc.mark), str(exc))]
    errors = [ScenarioError(positions.place(file, mark), f"key '{key}' given twice") for key, mark in repeated]
    if document is None:
        return [], errors + [ScenarioError(Place(file, 1, 1), "the file is empty; expected 'version: 1' and 'scenarios:'")]
    errors += schema_errors(file, document)
    scenarios: list[Scenario] = []
    if not errors:
        builder = Builder(file, document, providers)
        scenarios = builder.scenarios()
        errors += builder.errors
    if errors:
        return [], sorted(errors, key=lambda e: (e.place.line, e.place.column))
    return scenarios, []


def _tab_in_indentation(text: str, mark: yaml.Mark | None) -> bool:
    """Is the character YAML stopped at a tab among the spaces (and `- ` of block items) that
    indent its line? YAML refuses tabs there; an editor shows them as spaces."""
    if mark is None:
        return False
    lines = text.splitlines()
    if mark.line >= len(lines):
        return False
    line = lines[mark.line]
    return line[mark.column : mark.column + 1] == "\t" and INDENTATION.fullmatch(line[: mark.column]) is not None


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def layer_name(directory: Path) -> str:
    """A fixtures layer as people read it: BUILTIN for the shipped scenarios, else the directory."""
    return BUILTIN if directory.resolve() == SHIPPED_FIXTURES else display_path(directory)


def scenario_files(directory: Path) -> list[Path]:
    """Every scenario file under a directory that can be read, in a stable order (see `_walk`)."""
    return [path for path, _ in _walk(directory)[0]]


def _walk(directory: Path) -> tuple[list[tuple[Path, int]], list[ScenarioError]]:
    """Every scenario file under a directory with its size, in a stable order, and what stands
    where one should be and cannot be read: a symlink loop or to nothing, a FIFO (reading one waits
    for a writer for ever), an unreadable folder. Symlinked folders are not followed (no loops); a
    file whose real path leaves the directory is not read at all."""
    root = directory.resolve()
    found: list[tuple[Path, int]] = []
    problems: list[ScenarioError] = []

    def unreadable_folder(exc: OSError) -> None:
        folder = Path(exc.filename) if exc.filename else directory
        problems.append(ScenarioError(Place(display_path(folder), 0, 0), f"cannot read the folder: {exc.strerror or exc}"))

    for folder, _, names in os.walk(directory, onerror=unreadable_folder):
        for name in names:
            if name.endswith(SUFFIXES):
                path = Path(folder, name)
                size = _examine(path, root)
                if isinstance(size, int):
                    found.append((path, size))
                elif size is not None:
                    problems.append(ScenarioError(Place(display_path(path), 1, 1), size))
    return sorted(found), sorted(problems, key=lambda problem: problem.place.file)


def _examine(path: Path, root: Path) -> int | str | None:
    """A scenario file's size; or why it cannot be read; or None when it is not for the mock to
    read (its real path leaves the directory, or it is an editor's lock)."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop: it leads back to itself, never to a file"
        if isinstance(exc, FileNotFoundError) and path.is_symlink():
            if path.name.startswith(EDITOR_LOCK):
                return None
            return f"a symlink to nothing (it points to {os.readlink(path)})"
        return f"cannot read: {exc.strerror or exc}"
    if not Path(os.path.realpath(path)).is_relative_to(root):
        return None
    if not stat.S_ISREG(info.st_mode):
        return _not_plain(info.st_mode)
    return info.st_size


def _not_plain(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        kind = "a FIFO"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "a directory" if stat.S_ISDIR(mode) else "not a file"
    return f"not a plain file ({kind}); scenario files are plain files"


def _over_total(files: Sequence[tuple[Path, int]], max_bytes: int) -> ScenarioError | None:
    """The problem when the files add up to more than `max_bytes`, placed at the file that passes
    it. Checked before any file is read: parsing costs some 12 bytes of memory per byte of YAML
    and a second per megabyte."""
    total = 0
    crossing: Path | None = None
    for path, size in files:
        total += size
        if crossing is None and total > max_bytes:
            crossing = path
    if crossing is None:
        return None
    return ScenarioError(
        Place(display_path(crossing), 1, 1),
        f"the scenario files add up to {_size(total)}, and the mock reads at most {_size(max_bytes)} of them in all "
        f"(passed with this file); raise it with --max-scenario-bytes (SHOPXO_MOCK_MAX_SCENARIO_BYTES)",
    )


def _size(size: int) -> str:
    return f"{size:,} bytes" + (f" ({size / 1024**2:.1f} MB)" if size >= 1024**2 else "")


def provider_names(locale: str) -> frozenset[str]:
    """The Faker providers `{{faker.<provider>}}` may name in this locale (made once a locale)."""
    return _provider_names(locale)


@cache
def _provider_names(locale: str) -> frozenset[str]:
    from faker import Faker

    return templates.provider_names(Faker(locale))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while files load. A large file makes some hundred thousand
    lasting objects (values, positions, scenarios); the collector keeps re-scanning the growing
    heap for cycles they do not have, a sixth of the load time. The pause is process-wide (a
    reload runs beside the server) but lasts only the load; reference counting still frees
    everything meanwhile, and the collector is back (if it was on) whatever happens. Being
    process-wide, it is the caller's choice (`load_scenarios(pause_collector=True)`): the command
    line takes it at start-up; a program that embeds the loader keeps its collector untouched."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_scenarios(
    fixtures: Path | str | Sequence[Path | str],
    locale: str = DEFAULT_LOCALE,
    *,
    pause_collector: bool = False,
    max_bytes: int = DEFAULT_MAX_SCENARIO_BYTES,
) -> ScenarioSet:
    """Load every scenario file under a directory, or several, each a layer over those before it
    (see `layers`); raise ScenarioLoadError listing all problems.

    `locale` is the Faker locale whose providers `{{faker.<provider>}}` templates may name.
    `pause_collector` switches Python's cycle collector off for the load (process-wide; see
    `_no_cycle_collection`), and back as it was afterwards. `max_bytes` bounds the files' sizes
    added up across every layer: over it, nothing is read."""
    walked: list[tuple[Path, list[tuple[Path, int]]]] = []
    errors: list[ScenarioError] = []
    for directory in directories(fixtures):
        if not directory.is_dir():
            errors.append(ScenarioError(Place(display_path(directory), 0, 0), "no such directory"))
            continue
        found, problems = _walk(directory)
        walked.append((directory, found))
        errors += problems
    too_much = _over_total([file for _, found in walked for file in found], max_bytes)
    if too_much is not None:
        raise ScenarioLoadError([*errors, too_much])
    layers: list[Layer] = []
    files: dict[str, str] = {}  # file -> its layer's name, in load order
    pause: AbstractContextManager[None] = _no_cycle_collection() if pause_collector else nullcontext()
    with pause:
        for directory, found in walked:
            name, scenarios = layer_name(directory), []
            for path, _ in found:
                file = display_path(path)
                loaded, problems = _load_file(path, file, lambda: _provider_names(locale))
                scenarios += loaded
                errors += problems
                files[file] = name
            layers.append(Layer(name, scenarios))
    table, clashes = stack(layers)
    errors += clashes
    if errors:
        raise ScenarioLoadError(errors)
    return ScenarioSet.of(table, tuple(files), layers=tuple(layer.name for layer in layers), origins=files)
