"""Access declarations for what core serves itself."""

# Reachable without logging in: the load balancer's health check (tests/core/test_health.py) and Django's
# language switch, and the hint beside every date field (it reads nothing stored).
PUBLIC = {"healthz", "set_language", "date_understood"}
URL_CASES = []
