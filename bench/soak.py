"""Soak: 100 concurrent keep-alive connections for 60 s of mixed requests, good and bad, on loopback.

    python bench/soak.py [--connections 100] [--seconds 60]

Reports requests served, errors (socket errors, non-2xx answers, timeouts: all must be zero) and
the mock's memory before and after. Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import PATH, free_port, pinned, rss_kb, start, stop  # noqa: E402

# Each connection cycles through these: logins, errors, bad bodies, other endpoints.
MIX = """
local bodies = {
  '{"authcode":"041KIFll2LRIW74DSzll2BlMpn4KIFlb"}',
  '{"authcode":"status-2"}',
  '{"authcode":',
  '[1,2,3]',
  '{"authcode":{"nested":[1,2]}}',
  '{"authcode":"wx-random"}',
}
local paths = {
  "%(path)s",
  "%(path)s",
  "%(path)s",
  "/api.php?s=user/tokenuserinfo&application_client_type=weixin&token=deadbeef",
  "/api.php?s=nothing/here",
  "%(path)s",
}
counter = 0
request = function()
  counter = counter + 1
  local i = counter %% #bodies + 1
  local path = paths[i] .. "&uuid=soak-" .. math.random(0, 2147483647) .. "-" .. counter
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, bodies[i])
end
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("soak: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        port = free_port()
        process = start([sys.executable, "run.py", "--port", str(port), "--no-watch", "--quiet"], port, work / "mock.log")
        try:
            time.sleep(1.5)  # the Faker pools are warmed one second after start
            before = rss_kb(process.pid, "VmRSS")
            script = work / "mix.lua"
            script.write_text(MIX % {"path": PATH})
            argv = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}/"]
            output = subprocess.run(pinned(1, argv), capture_output=True, text=True, timeout=args.seconds + 60).stdout
            after = rss_kb(process.pid, "VmRSS")
            alive = process.poll() is None
        finally:
            stop(process)
    served = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Socket errors: (.*)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    print(f"connections {args.connections}, {args.seconds} s, mixed good and bad requests")
    print(f"requests served   {served.group(1) if served else '?'}")
    print(f"socket errors     {errors.group(1) if errors else 'none'}")
    print(f"non-2xx answers   {non_2xx.group(1) if non_2xx else 0}")
    print(f"server alive      {alive}")
    print(f"RSS before/after  {before / 1024:.1f} MB -> {after / 1024:.1f} MB")
    clean = alive and errors is None and non_2xx is None
    print("result            " + ("zero errors" if clean else "ERRORS"))
    return 0 if clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
