"""The client's address, as far as it can be trusted: used by the login lockout (django-axes,
``AXES_CLIENT_IP_CALLABLE``) and the limit on online group applications.

With no proxy (``CLIENT_IP_PROXY_COUNT = 0``, the default) it is the peer address, REMOTE_ADDR;
``X-Forwarded-For`` is ignored, since anyone can send it. Behind N proxies of our own that each
append the address they received the request from (nginx: ``$proxy_add_x_forwarded_for``), it is
the N-th entry from the right: the part of the header our proxies wrote. Whatever a client put
to the left of that is ignored, so a forged header cannot change the address. (django-ipware
was considered: its proxy count is the number of entries *in* the header and it gives up, with
no address at all, when a client adds one, so a forger would escape the per-address count.)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CLIENT_IP_PROXY_COUNT
    if proxies <= 0:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        # Fewer entries than proxies: the request did not come through them all.
        return peer
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        # Not an address (a proxy count set too high lets the client write here): the peer.
        return peer
