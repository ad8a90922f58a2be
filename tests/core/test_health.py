"""The health check the load balancer asks."""

from django.urls import reverse


def test_health_check_answers_when_the_database_does(client, db):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"ok")
