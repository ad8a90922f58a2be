"""Access declarations for what core serves itself."""

# Reachable without logging in: the load balancer's health check (tests/core/test_health.py) and Django's
# language switch.
PUBLIC = {"healthz", "set_language"}
URL_CASES = []
