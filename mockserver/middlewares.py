"""Whatever goes wrong answers in the envelope, never as a stack trace or an HTML page."""

from __future__ import annotations

import difflib
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from .contract import messages as m
from .envelope import Encoding, Envelope
from .admin import PREFIX as ADMIN_PREFIX
from .faults import respond
from .scenarios.selection import UnknownScenario

log = logging.getLogger(__name__)


@web.middleware
async def envelope_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(ADMIN_PREFIX + "/"):
        return await handler(request)  # the admin API answers its own JSON errors
    try:
        return await handler(request)
    except UnknownScenario as exc:
        close = difflib.get_close_matches(exc.name, exc.known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return respond(Envelope(m.UNKNOWN_SCENARIO.format(name=exc.name, hint=hint), m.FAIL), status=400)
    except web.HTTPException as exc:
        # Transport-level refusals (body too large, ...) keep their HTTP status.
        return respond(Envelope(exc.reason, m.FAIL), status=exc.status)
    except Exception as exc:
        log.exception("unhandled error answering %s %s", request.method, request.path)  # no query: it may hold a token
        # As ShopXO's ExceptionHandle answers when the client sends ajax=ajax (it always does).
        text = m.INTERNAL_ERROR.format(error=f"{type(exc).__name__}: {exc}")
        return respond(Envelope(text, m.SERVER_ERROR_CODE, encoding=Encoding.EXCEPTION))
