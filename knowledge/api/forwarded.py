"""Who the client is behind a proxy: X-Forwarded-For counts only when a configured proxy sent it.

The service is launched with uvicorn's `--no-proxy-headers` (stack/services.py): uvicorn's
own handling trusts X-Forwarded-For from 127.0.0.1 by default, so anyone on the machine, or
any proxy that passes the header through, could choose the address that the per-address
login limit counts and the audit log records. Here the list of proxies is
`Settings.trusted_proxies` (KB_TRUSTED_PROXIES), empty by default.
"""

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address, also written with a port (1.2.3.4:80, [::1]:80); None for anything else."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]")[0]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(text: str, proxies: Sequence[Network]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in proxies)


def forwarded_client(
    peer: str | None, forwarded_for: Sequence[str], proxies: Sequence[Network]
) -> str:
    """The peer, unless it is a trusted proxy: then the nearest address in X-Forwarded-For
    that is not one, read from the right (each proxy appends the address it saw, and only
    the entries that trusted proxies appended can be believed). An entry that is not an IP
    address ends the walk at the proxy that passed it on."""
    if peer is None:
        return "unknown"
    if not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    nearest = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return nearest
        if not _trusted(hop, proxies):
            return str(address)
        nearest = str(address)
    return nearest
