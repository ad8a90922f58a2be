"""A favicon on the staff pages and the public pages."""

from django.contrib.staticfiles import finders
from django.urls import reverse

from tsunagu.orgs.models import Role

from ..conftest import act_as
from ..factories import make_staff

LINK = '<link rel="icon" href="/static/tsunagu/favicon.svg" type="image/svg+xml">'


def test_staff_and_public_pages_link_the_favicon(client, network):
    assert LINK in client.get(reverse("public_top")).content.decode()
    assert LINK in client.get(reverse("login")).content.decode()
    act_as(client, make_staff(network["own_center"], Role.COORDINATOR))
    assert LINK in client.get(reverse("home")).content.decode()
    icon = finders.find("tsunagu/favicon.svg")
    with open(icon, encoding="utf-8") as svg:
        assert svg.read().startswith('<svg xmlns="http://www.w3.org/2000/svg"')
