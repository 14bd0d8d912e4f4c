"""A ``next`` address is followed only when it stays on the site."""

import pytest
from django.test import RequestFactory

from school.redirects import safe_next_url

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:///evil.example/",
    "javascript:alert(1)",
    "http://testserver/dashboard/",  # on the site, but a downgrade from HTTPS
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_address_off_the_site_gives_the_default(target):
    request = RequestFactory().post("/", {"next": target}, secure=True)
    assert safe_next_url(request, "/home/") == "/home/"


def test_an_address_on_the_site_is_followed_from_the_form_or_the_query():
    assert safe_next_url(RequestFactory().post("/", {"next": "/circles/a/"})) == "/circles/a/"
    assert safe_next_url(RequestFactory().get("/", {"next": "/circles/b/"})) == "/circles/b/"
    assert safe_next_url(RequestFactory().get("/"), "/home/") == "/home/"
