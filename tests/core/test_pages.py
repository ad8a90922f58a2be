"""The layout every page shares: its static files exist and the page works without them missing."""

import re

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_every_static_file_the_layout_links_is_served(client, db):
    body = client.get(reverse("login")).content.decode()
    links = re.findall(r'(?:href|src)="/static/([^"]+)"', body)
    assert sorted(links) == ["tsunagu/site.css", "vendor/htmx.min.js"]
    for path in links:
        assert finders.find(path), path
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path


def test_health_check_answers_when_the_database_does(client, db):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"ok")


def test_root_sends_visitors_to_log_in_and_staff_home(client, network):
    from tsunagu.orgs.models import Role

    from ..conftest import act_as
    from ..factories import make_staff

    assert client.get("/")["Location"] in (reverse("login"), "/public/")
    act_as(client, make_staff(network["own"], Role.VIEWER))
    assert client.get("/")["Location"] == reverse("home")
