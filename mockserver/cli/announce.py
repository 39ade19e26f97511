"""What the command line tells when it is listening: the banner for people, the ready line for
programs, and the addresses a phone on the same network reaches."""

from __future__ import annotations

import ipaddress
import socket
import struct
from pathlib import Path
from typing import Any, Sequence

from ..scenarios.loader import layer_name
from ..scenarios.model import ScenarioSet
from ..settings import Settings
from ..version import __version__

SIOCGIFADDR = 0x8915  # Linux ioctl: an interface's IPv4 address


def ready_document(settings: Settings, scenarios: ScenarioSet, pid: int) -> dict[str, Any]:
    """What --ready-json prints once listening: where to reach the mock from this machine."""
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(settings.host, settings.host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{settings.port}/"
    return {
        "url": url,
        "port": settings.port,
        "api": f"{url}api.php?s=user/appminiuserauth",
        "admin": f"{url}__mock/",
        "pid": pid,
        "version": __version__,
        "profile": settings.profile,
        "scenarios": len(scenarios.scenarios),
    }


def banner(settings: Settings, scenarios: ScenarioSet, lan: Sequence[str] = (), recording: Path | None = None) -> str:
    """What the server says once listening; `recording`: the file `shopxo-mock record` writes."""
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    if settings.layers:
        layers = ", ".join(layer_name(directory) for directory in settings.layers)
        loaded = f"{len(scenarios.scenarios)} from {len(scenarios.files)} file(s) in {layers}"
    elif recording is not None:  # record leaves the built-in set out unasked: say so, not "--no-builtin"
        loaded = "none (record leaves the built-in ones out: --builtin keeps them)"
    else:
        loaded = "none (--no-builtin and no --fixtures): every login answers a made-up user"
    lines = [
        f"shopxo-mock {__version__} on http://{host}:{settings.port}/api.php?s=user/appminiuserauth",
        f"  profile    {settings.profile}",
        f"  scenarios  {loaded}",
        f"  admin      http://127.0.0.1:{settings.port}/__mock/health",
        f"  dashboard  http://127.0.0.1:{settings.port}/__mock/",
    ]
    if settings.upstream is not None:
        what = {
            "unmodelled": "what the mock does not model, and its stand-in shop",
            "unmatched": "every request no scenario matches",
        }
        lines.append(f"  upstream   {settings.upstream} ({what.get(settings.forward, settings.forward)})")
    if recording is not None:
        lines.append(f"  recording  into {recording} on Ctrl-C ({recording}.journal keeps each answer until then)")
    everywhere = settings.host in ("0.0.0.0", "::", "")
    if everywhere:
        for address in lan:
            lines.append(f"  on the LAN http://{address}:{settings.port}/  (the app's request_url on a real device)")
    if settings.admin_token:
        lines.append("  admin API  token required from every caller, this machine too (X-Mock-Admin-Token)")
    elif everywhere:
        lines.append("  admin API  loopback only (--admin-token to open it)")
    if settings.allowed_hosts:
        lines.append(f"  hosts      admin API and dashboard also at {', '.join(settings.allowed_hosts)} (--allowed-host)")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, as a phone on the same network reaches it:
    each interface's address (Linux), else what the host name resolves to. Sends nothing."""
    addresses: set[str] = set()
    try:
        import fcntl

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for _, name in socket.if_nameindex():
                request = struct.pack("256s", name.encode()[:15])
                try:
                    answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
                except OSError:
                    continue  # an interface without an IPv4 address
                addresses.add(socket.inet_ntoa(answer[20:24]))
    except (ImportError, OSError):
        pass
    if not addresses:
        try:
            addresses = {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
        except OSError:
            return []
    return sorted(a for a in addresses if not ipaddress.ip_address(a).is_loopback)
