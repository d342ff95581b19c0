"""The reverse proxy in front: whose X-Forwarded-For and -Proto to believe."""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from werkzeug.middleware.proxy_fix import ProxyFix


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class TrustedProxyFix:
    """Werkzeug's ProxyFix, applied only to connections that come from the proxy itself.

    ProxyFix believes the last `hops` X-Forwarded-For entries of every request, so a client
    that reaches gunicorn directly could name any address it likes. Here such a request keeps
    its real peer address and its forwarded headers are ignored. X-Forwarded-Host, -Port and
    -Prefix are never believed: absolute links come from PUBLIC_BASE_URL.
    """

    def __init__(self, app, hops: int, proxies: Iterable[str]):
        self.app = app
        self.networks = tuple(ipaddress.ip_network(p, strict=False) for p in proxies)
        self.fixed = ProxyFix(self._only_addresses, x_for=hops, x_proto=hops, x_host=0,
                              x_port=0, x_prefix=0)

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR") or ""
        return (self.fixed if self._is_proxy(peer) else self.app)(environ, start_response)

    def _is_proxy(self, peer: str) -> bool:
        # gunicorn on a Unix socket reports no peer: only local processes the socket's file
        # permissions admit (nginx) can connect to it.
        if not peer:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def _only_addresses(self, environ, start_response):
        """Keep the proxy's own address if what it forwarded is not an IP address."""
        if not _is_ip(environ.get("REMOTE_ADDR") or ""):
            environ["REMOTE_ADDR"] = environ["werkzeug.proxy_fix.orig"]["REMOTE_ADDR"]
        return self.app(environ, start_response)

