"""The steps `shopxo-mock` and `shopxo-mock record` share once their flags are read: load the
scenario files, print the catalogue for --list, or serve until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
from pathlib import Path
from typing import TextIO

from ..scenarios.listing import catalogue
from ..scenarios.loader import ScenarioLoadError, load_scenarios
from ..scenarios.model import ScenarioSet
from ..settings import Settings
from ..support.suggest import did_you_mean
from ..web.accesslog import LOG_FORMAT, ToStream
from ..web.client import Upstream
from ..web.serve import run
from .announce import banner, lan_addresses, ready_document
from .parsing import RUNTIME_ERROR, USAGE_ERROR, Parser, usage_error


def to_serve(p: Parser, args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> ScenarioSet | int:
    """The scenarios to serve; or the exit code once they failed to load, or once --list printed
    them (0)."""
    scenarios = load(p, settings, err)
    if isinstance(scenarios, int):
        return scenarios
    if args.list:
        try:
            print(catalogue(scenarios), file=out, flush=True)
        except BrokenPipeError:  # `--list | head`: the reader has what it wanted
            _reader_gone(out)
        return 0
    return scenarios


def _reader_gone(out: TextIO) -> None:
    """The reader of `out` closed its end: say nothing more, not even at exit, where Python would
    flush what is still buffered and print a BrokenPipeError of its own."""
    with contextlib.suppress(OSError, ValueError):  # not a file (a StringIO): nothing is buffered
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())


def load(p: Parser, settings: Settings, err: TextIO) -> ScenarioSet | int:
    """The scenarios of the settings' layers, or the exit code after saying what is wrong."""
    try:
        scenarios = load_scenarios(settings.layers, settings.locale, pause_collector=True, max_bytes=settings.max_scenario_bytes)
    except ScenarioLoadError as exc:
        print(f"shopxo-mock: {len(exc.errors)} problem(s) in the scenario files, not starting:", file=err)
        for problem in exc.errors:
            print(f"  {problem}", file=err)
        return USAGE_ERROR
    if settings.scenario is not None and settings.scenario not in scenarios.by_name:
        suggestion = did_you_mean(settings.scenario, scenarios.by_name)
        where = p.source("scenario", settings.scenario)
        return usage_error(err, f"{where}: no scenario named '{settings.scenario}'{suggestion}")
    return scenarios


def serve(
    settings: Settings,
    scenarios: ScenarioSet,
    out: TextIO,
    err: TextIO,
    *,
    quiet: bool = False,
    ready_json: bool = False,
    upstream: Upstream | None = None,
    recording: Path | None = None,
) -> int:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # With --ready-json a program reads stdout: it gets the one JSON line and people the rest on stderr.
    human = err if ready_json else out

    def ready(port: int) -> None:
        listening = dataclasses.replace(settings, port=port)  # the real port, when --port 0 asked for any
        print(banner(listening, scenarios, lan_addresses(), recording), file=human, flush=True)
        if ready_json:
            print(json.dumps(ready_document(listening, scenarios, os.getpid())), file=out, flush=True)

    try:
        run(settings, scenarios, None if quiet else ToStream(err), ready, upstream)
    except OSError as exc:
        print(f"shopxo-mock: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", file=err)
        return RUNTIME_ERROR
    print("shopxo-mock: stopped", file=human)
    return 0
