"""Instructions per request of two trees of this repository, load by load, one after the other.

    git worktree add --detach /tmp/before 23e0f91
    .venv/bin/python bench/compare.py /tmp/before . [--server "shopxo-mock --quiet"] [--load canned]

Each tree is measured by its own `bench/benchmark.py` (`instructions_per_request`: callgrind,
1,200 logins less 200), so an old tree counts its own start-up the way it always did. The two
trees take turns on each load, nothing else of ours running meanwhile: a count moves by up to
~1.5 % with what else the machine does (some of the server's work is timed), which is as much as
a change may cost, so trees measured an hour apart are not compared. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Iterator

# The same seed and release for both trees, whichever their benchmark pins (older ones pinned
# neither: their default release was `documented`).
FIXED_ENVIRONMENT = {"PYTHONHASHSEED": "0", "SHOPXO_MOCK_PROFILE": "documented"}


def benchmark_of(tree: Path, name: str) -> ModuleType:
    """The tree's own bench/benchmark.py, measuring that tree."""
    spec = importlib.util.spec_from_file_location(name, tree / "bench" / "benchmark.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"compare: no bench/benchmark.py in {tree}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up while they are made
    spec.loader.exec_module(module)
    setattr(module, "ROOT", tree)  # the tree it measures (its runs start there)
    return module


def rows(
    before: ModuleType, after: ModuleType, server: str, loads: list[str], work: Path, **counts: tuple[int, int]
) -> Iterator[str]:
    """The table for one server: a load a row, measured as it is printed."""
    yield f"| {server} | before | after | change |"
    yield "|---|---:|---:|---:|"
    for load in loads:
        old, new = (bench.instructions_per_request(server, load, work, **counts) / 1000 for bench in (before, after))
        yield f"| {load} | {old:,.1f}k | {new:,.1f}k | {(new - old) / old:+.1%} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="a checkout of the earlier tree (git worktree add)")
    parser.add_argument("after", type=Path, help="a checkout of the later tree")
    parser.add_argument("--server", action="append", help="a server of benchmark.py's SERVERS (default: the mock, default and --quiet)")
    parser.add_argument("--load", action="append", help="loads whose name contains this (default: every load)")
    args = parser.parse_args()
    os.environ.update(FIXED_ENVIRONMENT)
    trees = [args.before.resolve(), args.after.resolve()]
    before, after = (benchmark_of(tree, f"benchmark_{index}") for index, tree in enumerate(trees))
    for tree in trees:  # compiled now, not by the first two servers at once (benchmark.py says why)
        compileall.compile_dir(tree / "mockserver", quiet=1)
    servers = args.server or [after.MOCK, f"{after.MOCK} --quiet"]
    loads = [name for name in after.LOADS if not args.load or any(part in name for part in args.load)]
    with tempfile.TemporaryDirectory() as folder:
        for server in servers:
            for line in rows(before, after, server, loads, Path(folder)):
                print(line, flush=True)
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
