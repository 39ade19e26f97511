"""The physical limit in this stack: bare aiohttp answering a pre-serialised seed answer."""

from __future__ import annotations

import sys
from pathlib import Path

from aiohttp import web

BODY = (Path(__file__).parent.parent / "tests" / "golden" / "seed-example.documented.json").read_bytes()
HEADERS = {"Content-Type": "application/json; charset=utf-8"}


async def answer(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(body=BODY, headers=HEADERS)


def main() -> None:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
