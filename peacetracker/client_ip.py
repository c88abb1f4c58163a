"""The address a request came from, as the reverse proxies in front of the site report it."""

import ipaddress

from django.conf import settings


def header_meta_key(header):
    """The request.META key of an HTTP header: "X-Forwarded-For" → "HTTP_X_FORWARDED_FOR"."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_ip(request):
    """The client's address: with PEACETRACKER_TRUSTED_PROXY_COUNT proxies in front, the one the outermost
    of them saw, read from the right of PEACETRACKER_CLIENT_IP_HEADER; otherwise the connecting address.

    Each proxy appends the address it was reached from, so the entries a client sends itself are to the
    left of those and never read. A header missing, too short or not holding an address means the request
    did not come through the proxies: the connecting address is used.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PEACETRACKER_TRUSTED_PROXY_COUNT
    if count < 1:
        return remote
    header = request.META.get(header_meta_key(settings.PEACETRACKER_CLIENT_IP_HEADER), "")
    entries = [entry.strip() for entry in header.split(",")]
    if len(entries) < count:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        return remote
