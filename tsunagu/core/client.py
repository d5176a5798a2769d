"""The client's address, for lockout (django-axes) and anything else that counts requests per address.

REMOTE_ADDR is the address that opened the connection. Only when that is one of the configured trusted proxies
(`TSUNAGU_TRUSTED_PROXIES`: addresses or networks; none by default) is X-Forwarded-For read, from the right: each
proxy appends the address it saw, so the right-most address that is not itself a trusted proxy is the client; what
stands to its left was written by the client and proves nothing. A header that cannot be read there gives the
proxy's own address rather than a value the client chose.
"""

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(entry.strip(), strict=False) for entry in configured if entry.strip())


def _trusted(address: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address (see the module's docstring); None when the request carries none."""
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TSUNAGU_TRUSTED_PROXIES", ()) or ()))
    if remote is None or not networks or not _trusted(remote, networks):
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    for hop in reversed(forwarded):
        if not _valid(hop):
            return remote
        if not _trusted(hop, networks):
            return hop
    return forwarded[0] if forwarded else remote
