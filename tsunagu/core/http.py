"""Small request helpers shared by the middleware, the audit trail and the views."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The caller's address; behind N trusted proxies, the N-th address from the right."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None
