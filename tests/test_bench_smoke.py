"""The benchmark runs end to end (briefly): it proves the command works, not how fast anything is."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.bench
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk); the fallback is slow")
def test_the_benchmark_writes_every_figure(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    subprocess.run([sys.executable, "bench/benchmark.py", "--quick", "--json", str(output)], cwd=ROOT, check=True,
                   capture_output=True, timeout=300)  # fmt: skip
    results = json.loads(output.read_text())
    assert set(results["figures"]) == {"baseline", "shopxo-mock", "shopxo-mock --quiet"}
    assert results["figures"]["shopxo-mock"]["canned seed login"]["10"]["rps"] > 0
    assert set(results["ratios"]["shopxo-mock"]) == set(results["figures"]["baseline"])
    assert {"cold_start_s", "peak_rss_mb", "load_10k_s", "lookup_ns", "targets"} <= set(results)


@pytest.mark.bench
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed (apt-get install valgrind)")
def test_instructions_per_request_are_counted(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from benchmark import BASELINE, instructions_per_request

    per_request = instructions_per_request(BASELINE, "canned seed login", tmp_path, counts=(2, 12))
    assert 10_000 < per_request < 10_000_000  # an HTTP request in Python: some hundred thousand


@pytest.mark.bench
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed (apt-get install valgrind)")
def test_two_trees_are_compared_load_by_load(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import compare

    before, after = (compare.benchmark_of(ROOT, f"benchmark_tree_{index}") for index in range(2))
    head, rule, row = compare.rows(before, after, "baseline", ["canned seed login"], tmp_path, counts=(2, 12))
    assert (head, rule) == ("| baseline | before | after | change |", "|---|---:|---:|---:|")
    load, old, new, change = row.strip("| ").split(" | ")
    assert load == "canned seed login" and old.endswith("k") and new.endswith("k") and change.endswith("%")
    assert abs(float(change.rstrip("%"))) < 5  # the same tree twice: what the count's noise allows


@pytest.mark.bench
def test_the_hostile_mix_runs_and_stays_bounded() -> None:
    """A short run of bench/hostile.py: every client kind meets its bound and the logins go on."""
    run = subprocess.run([sys.executable, "bench/hostile.py", "--seconds", "4", "--max-p99-ms", "2000"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "failed 0" in run.stdout
    assert "17,900-part multipart   413" in run.stdout  # refused, not parsed for seconds
    assert "result                  bounded" in run.stdout
