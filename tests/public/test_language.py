"""The public pages' language switch: a plain link (the cached pages carry no CSRF token) that keeps the
choice in Django's language cookie and goes back to the page it was on."""

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.django_db
def test_the_footer_offers_the_other_language_and_switching_keeps_the_page(client):
    windows = reverse("public_windows")
    page = client.get(windows).content.decode()
    assert f'<a href="{reverse("public_language", args=["en"])}" lang="en" hreflang="en">English</a>' in page
    assert 'hreflang="ja"' not in page

    response = client.get(reverse("public_language", args=["en"]), HTTP_REFERER=f"http://testserver{windows}?x=1")
    assert response.status_code == 302 and response["Location"] == f"http://testserver{windows}?x=1"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "no-store" in response["Cache-Control"]
    english = client.get(windows)
    assert english["Content-Language"] == "en" and "Cookie" in english["Vary"]
    assert 'hreflang="ja"' in english.content.decode() and ">日本語</a>" in english.content.decode()

    client.get(reverse("public_language", args=["ja"]), HTTP_REFERER=f"http://testserver{windows}")
    assert client.get(windows)["Content-Language"] == "ja"


@pytest.mark.django_db
@pytest.mark.parametrize("referer", ["", "https://evil.example/public/", "http://testserver/cases/"])
def test_anywhere_else_it_goes_to_the_public_top(client, referer):
    response = client.get(reverse("public_language", args=["en"]), HTTP_REFERER=referer)
    assert response["Location"] == reverse("public_top")


@pytest.mark.django_db
def test_an_unknown_language_is_not_found(client):
    assert client.get(reverse("public_language", args=["fr"])).status_code == 404
    assert client.post(reverse("public_language", args=["en"])).status_code == 405
