"""The one guard in front of everything under /__mock/: the admin API and the dashboard.

A dev server beside a browser is attacked through the browser: any page the developer visits can
send requests to localhost, and a DNS-rebinding page can even read the answers. So, as Vite's
`server.allowedHosts` (advisory GHSA-vg6x-rcgg-rjx6, CVE-2025-24010) and Jupyter Server (a token,
plus its Origin and Host checks) do, every request under /__mock/ passes these rules in order, and
a refusal says which rule refused and how to allow it:

1. Host: this machine's names only (DNS rebinding). `localhost`, `*.localhost`, IP addresses and
   the name given to --host, plus the names of --allowed-host / SHOPXO_MOCK_ALLOWED_HOSTS (a
   leading dot: that domain and its subdomains); the port is not compared. A request without a
   Host header (HTTP/1.0) is this machine's only from loopback, with no forwarding header.
2. Origin: no page of another origin (an `Origin` that is not the request's own, `Origin: null`,
   `Sec-Fetch-Site: cross-site` or `same-site`, which catches the no-cors GETs of <img> and
   <script> that send no Origin). No CORS headers are ever sent here, and there is no flag: the
   dashboard is same-origin, and scripts and curl send no Origin.
3. Caller: a request from off loopback, or carrying a forwarding header (a tunnel or proxy on
   this machine, e.g. ngrok, frp, cloudflared, makes a remote client look like loopback), needs
   the admin token; without --admin-token it is refused.
4. Token: with --admin-token, everybody sends it (loopback too): `X-Mock-Admin-Token: <token>` or
   `Authorization: Bearer <token>`, compared in constant time.

The dashboard's page and its script and stylesheet hold no data: they pass rules 1 and 2 only (a
browser cannot send a header when it opens a page, and must load the page to be asked for the
token), and a link followed from elsewhere opens the page (a navigation; its CSP forbids framing).
The API and /static/ are not behind this guard: they answer any Host, with CORS for H5 builds.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler

from ..settings import Settings

TOKEN_HEADER: Final = "X-Mock-Admin-Token"
# Headers a proxy or tunnel adds (RFC 7239, the de facto X-Forwarded-*, nginx, Cloudflare and its
# cloudflared, Fastly, Akamai); ngrok and frp add X-Forwarded-For.
FORWARDING_HEADERS: Final = (
    "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port",
    "X-Forwarded-Server", "X-Real-IP", "Via", "CF-Connecting-IP", "True-Client-IP", "Fastly-Client-IP",
    "X-Client-IP", "X-Cluster-Client-IP",
)  # fmt: skip
LOCAL_NAME: Final = "localhost"
CROSS_SITE: Final = frozenset({"cross-site", "same-site"})  # Sec-Fetch-Site values from another origin
HOST_HINT: Final = "--allowed-host NAME (or SHOPXO_MOCK_ALLOWED_HOSTS=NAME,...)"


class Guard:
    """The rules above for one server: its allowed names (read once) and its token."""

    def __init__(self, settings: Settings) -> None:
        names = {LOCAL_NAME}
        domains: set[str] = set()
        bound = _name(settings.host)
        if bound and not _is_ip(bound):
            names.add(bound)
        for entry in settings.allowed_hosts:
            entry = entry.strip().lower().rstrip(".")
            if entry.startswith("."):
                domains.add(entry[1:])
            elif entry:
                names.add(entry)
        self.names: Final = frozenset(names)
        self.domains: Final = tuple(sorted(domains))
        self.token: Final = settings.admin_token.encode() if settings.admin_token is not None else None

    def allows_host(self, name: str) -> bool:
        """`name` (lowercase, no port) is this machine's."""
        if name in self.names or name.endswith(".localhost") or _is_ip(name):
            return True
        return any(name == domain or name.endswith("." + domain) for domain in self.domains)

    async def data(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every rule: the admin API and the dashboard's data (a layer, see `wrapping`)."""
        return self.refusal(request, page=False) or await handler(request)

    async def page(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Host and origin only: the dashboard's page and files, which hold no data."""
        return self.refusal(request, page=True) or await handler(request)

    def refusal(self, request: web.Request, *, page: bool) -> web.Response | None:
        """The answer refusing `request`, or None when every rule lets it through."""
        headers = request.headers
        forwarded = next((name for name in FORWARDING_HEADERS if name in headers), None)
        remote = forwarded is not None or not is_loopback(request.remote)
        host = headers.get("Host")
        if host is None:
            if remote:
                return refuse(403, "a request without a Host header is answered from this machine only (send Host, as HTTP/1.1 does)")
        else:
            name = _name(host)
            if name is None or not self.allows_host(name):
                return refuse(
                    403,
                    f"Host {host!r} is not a name of this machine, and the admin API and the dashboard answer "
                    f"only those (a page on another site could reach them by DNS rebinding); if you reach the mock "
                    f"by this name, start it with {HOST_HINT}",
                )
        if not (page and request.method in ("GET", "HEAD") and headers.get("Sec-Fetch-Mode") == "navigate"):
            origin = headers.get("Origin")
            site = headers.get("Sec-Fetch-Site", "").lower()
            if (origin is not None and not _own_origin(origin, request, forwarded is not None)) or site in CROSS_SITE:
                sender = f"Origin {origin!r}" if origin is not None else f"Sec-Fetch-Site: {site}"
                return refuse(
                    403,
                    f"a page of another origin ({sender}) may not call the admin API or read the dashboard, and "
                    f"no setting allows it: open the dashboard at this server's own address, or call the admin API "
                    f"from a script or curl (no Origin)",
                )
        if page:
            return None
        if self.token is None:
            if remote:
                why = f"it came through a proxy or tunnel ({forwarded})" if forwarded else f"it came from {request.remote}"
                return refuse(
                    403,
                    f"the admin API answers this machine only, and {why}; start the mock with --admin-token TOKEN "
                    f"(or SHOPXO_MOCK_ADMIN_TOKEN) and send it in {TOKEN_HEADER}",
                )
            return None
        sent = headers.get(TOKEN_HEADER) or headers.get("Authorization", "").removeprefix("Bearer ")
        # Headers arrive decoded with surrogateescape: the bytes sent, whatever they are.
        if not hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), self.token):
            return refuse(401, f"this mock has an admin token (--admin-token): send it in {TOKEN_HEADER} or Authorization: Bearer")
        return None


def refuse(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


def is_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


def _name(host: str) -> str | None:
    """The name of a Host header (or of --host), lowercase, without its port or a final dot; an
    IPv6 address keeps its brackets. None when it is no host at all."""
    host = host.strip().lower()
    if host.startswith("["):
        address, bracket, port = host[1:].partition("]")
        if not bracket or (port and not (port.startswith(":") and port[1:].isdigit())):
            return None
        return f"[{address}]" if _is_ip(f"[{address}]") else None
    if ":" in host:
        if _is_ip(f"[{host}]"):  # --host ::1, as people write it on a command line
            return f"[{host}]"
        host, _, port = host.rpartition(":")
        if not port.isdigit() or ":" in host:
            return None
    host = host.rstrip(".")
    return host or None


def _is_ip(name: str) -> bool:
    """`name` is an IP address: a.b.c.d or [v6]."""
    try:
        if name.startswith("[") and name.endswith("]"):
            return ipaddress.ip_address(name[1:-1]).version == 6
        return ipaddress.ip_address(name).version == 4
    except ValueError:
        return False


def _own_origin(origin: str, request: web.Request, forwarded: bool) -> bool:
    """`origin` is the request's own: its scheme and its Host. Behind a proxy or tunnel (which the
    token guards) the scheme the browser used and the host it asked for may differ from ours."""
    scheme, sep, netloc = origin.lower().partition("://")
    if not sep:
        return False  # "null", or no origin at all
    hosts = {request.headers.get("Host", "").strip().lower()}
    schemes = {request.scheme}
    if forwarded:
        schemes |= {"http", "https"}
        hosts |= {h.strip().lower() for h in request.headers.get("X-Forwarded-Host", "").split(",")}
        for element in request.headers.get("Forwarded", "").replace(",", ";").split(";"):
            key, _, value = element.strip().partition("=")
            if key.lower() == "host":
                hosts.add(value.strip('"').lower())
    return scheme in schemes and netloc in hosts
