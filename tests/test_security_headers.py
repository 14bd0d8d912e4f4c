"""Headers every page carries: a Content-Security-Policy without inline script, and no
caching of pages that depend on who is signed in."""

import re

import pytest
from django.urls import reverse

from tests.factories import ActionLogFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.wsgi_request.path}"
    policy = {}
    for part in header.split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def assert_no_inline_script(response) -> None:
    """Every <script> loads a file (or holds JSON data); no inline event handlers."""
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, (
            f"inline script on {response.wsgi_request.path}: {tag}"
        )
    assert not re.search(r"<[^>]+\son[a-z]+=", html), response.wsgi_request.path


@pytest.fixture
def member_with_log():
    log = ActionLogFactory()
    MembershipFactory(circle=log.circle, member=log.author)
    return log.author, log


def pages(member, log):
    return [
        reverse("home"),
        reverse("dashboard"),
        reverse("members:preferences"),
        reverse("members:profile_edit"),
        log.get_absolute_url(),
        log.circle.get_absolute_url(),
        reverse("circles:directory"),
        reverse("circles:my_logs"),
    ]


def test_every_page_has_a_policy_that_allows_no_inline_script(client, member_with_log):
    member, log = member_with_log
    urls = [reverse("account_login"), reverse("account_signup"), "/no-such-page/"]
    for url in urls:
        assert client.get(url).status_code in (200, 404)
    client.force_login(member)
    responses = [client.get(url) for url in [*urls[2:], *pages(member, log)]]
    for response in responses:
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], response.wsgi_request.path
        assert "'unsafe-inline'" not in policy["style-src"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert_no_inline_script(response)


def test_the_admin_has_the_policy_too_and_needs_no_inline_script(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        "/admin/",
        "/admin/members/user/",
        "/admin/notifications/digestrun/",
        "/admin/django_celery_beat/periodictask/add/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response)["script-src"] == ["'self'"]
        assert_no_inline_script(response)


def test_pages_of_a_signed_in_member_are_never_stored(client, member_with_log):
    member, log = member_with_log
    client.force_login(member)
    for url in pages(member, log):
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response.headers.get("Cache-Control", "")
        assert "private" in cache_control and "no-store" in cache_control, (url, cache_control)
        assert "public" not in cache_control


def test_static_files_stay_cacheable(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve static/ without collectstatic
    response = client.get("/static/css/school.css")
    assert response.status_code == 200
    cache_control = response.headers.get("Cache-Control", "")
    assert "no-store" not in cache_control and "private" not in cache_control
    assert "max-age" in cache_control
