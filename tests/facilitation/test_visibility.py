"""Hidden content disappears for ordinary members on every page, stays visible to the
circle's facilitators, and its author sees it marked with the reason. Pinned logs lead
the feed; locked logs take no new responses."""

import pytest
from django.urls import reverse

from circles.models import Response
from tests.factories import ActionLogFactory, ResponseFactory

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Bed 4 story with a name in it"
SECRET_BODY = "You should have known better, honestly."


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.fixture
def hidden_log(client, world):
    log = ActionLogFactory(circle=world.circle, author=world.author, title=SECRET_TITLE)
    urls = _urls(world, log)
    # Before hiding: members see it on every page (so the checks below can fail).
    status, feed = _page(client, world.member, urls["feed"])
    assert SECRET_TITLE in feed
    assert SECRET_TITLE in _page(client, world.member, urls["dashboard"])[1]
    assert _page(client, world.member, urls["log"])[0] == 200
    client.force_login(world.facilitator)
    hide = reverse("facilitation:log_hide", args=[world.circle.slug, log.pk])
    assert client.post(hide, {"reason": "It names a patient"}).status_code == 302
    return log


def _urls(world, log):
    return {
        "feed": reverse("circles:detail", args=[world.circle.slug]),
        "log": reverse("circles:log_detail", args=[world.circle.slug, log.pk]),
        "dashboard": reverse("dashboard"),
        "my_logs": reverse("circles:my_logs"),
    }


def test_hidden_log_is_gone_for_members_everywhere(client, world, hidden_log):
    urls = _urls(world, hidden_log)
    for user in (world.member, world.other.member, world.demoted_facilitator):
        assert SECRET_TITLE not in _page(client, user, urls["feed"])[1]
        assert SECRET_TITLE not in _page(client, user, urls["dashboard"])[1]
        assert _page(client, user, urls["log"])[0] == 404
        assert (
            client.get(reverse("facilitation:report_log", args=[hidden_log.pk])).status_code == 404
        )


def test_hidden_log_stays_visible_to_facilitators_and_staff(client, world, hidden_log):
    urls = _urls(world, hidden_log)
    for user in (world.facilitator, world.co_facilitator.member, world.staff):
        status, page = _page(client, user, urls["log"])
        assert status == 200 and SECRET_TITLE in page
        assert "It names a patient" in page
    assert SECRET_TITLE in _page(client, world.facilitator, urls["feed"])[1]


def test_author_sees_their_hidden_log_marked_with_the_reason(client, world, hidden_log):
    urls = _urls(world, hidden_log)
    status, page = _page(client, world.author, urls["log"])
    assert status == 200
    assert "A facilitator has hidden this log: It names a patient" in page
    status, page = _page(client, world.author, urls["my_logs"])
    assert SECRET_TITLE in page and "Hidden by a facilitator" in page


def test_restored_log_comes_back_for_members(client, world, hidden_log):
    client.force_login(world.facilitator)
    client.post(reverse("facilitation:log_restore", args=[world.circle.slug, hidden_log.pk]))
    assert _page(client, world.member, _urls(world, hidden_log)["log"])[0] == 200


@pytest.fixture
def hidden_response(client, world):
    response = ResponseFactory(log=world.log, author=world.other.member, body=SECRET_BODY)
    url = reverse("circles:log_detail", args=[world.circle.slug, world.log.pk])
    assert SECRET_BODY in _page(client, world.member, url)[1]
    client.force_login(world.facilitator)
    hide = reverse("facilitation:response_hide", args=[world.circle.slug, response.pk])
    assert client.post(hide, {"reason": "Unkind to a peer"}).status_code == 302
    return response


def test_hidden_response_is_gone_for_members(client, world, hidden_response):
    url = reverse("circles:log_detail", args=[world.circle.slug, world.log.pk])
    for user in (world.member, world.author, world.demoted_facilitator):
        status, page = _page(client, user, url)
        assert status == 200 and SECRET_BODY not in page
    assert (
        client.get(reverse("facilitation:report_response", args=[hidden_response.pk])).status_code
        == 404
    )


def test_hidden_response_visible_to_facilitator_and_marked_for_its_author(
    client, world, hidden_response
):
    url = reverse("circles:log_detail", args=[world.circle.slug, world.log.pk])
    status, page = _page(client, world.facilitator, url)
    assert SECRET_BODY in page and "Hidden by a facilitator" in page
    status, page = _page(client, world.other.member, url)
    assert SECRET_BODY in page
    assert "Hidden by a facilitator: Unkind to a peer" in page
    assert Response.objects.get(pk=hidden_response.pk).body == SECRET_BODY  # kept


def test_pinned_log_leads_the_feed(client, world):
    older = ActionLogFactory(circle=world.circle, author=world.author, title="Older, pinned")
    ActionLogFactory(circle=world.circle, author=world.author, title="Newest log")
    feed = reverse("circles:detail", args=[world.circle.slug])
    page = _page(client, world.member, feed)[1]
    assert page.index("Newest log") < page.index("Older, pinned")
    client.force_login(world.facilitator)
    client.post(reverse("facilitation:log_pin", args=[world.circle.slug, older.pk]))
    page = _page(client, world.member, feed)[1]
    assert page.index("Older, pinned") < page.index("Newest log")


def test_locked_log_takes_no_new_responses(client, world):
    url = reverse("circles:response_create", args=[world.circle.slug, world.log.pk])
    data = {"kind": "question", "body": "What happened on nights?"}
    client.force_login(world.facilitator)
    client.post(reverse("facilitation:log_lock", args=[world.circle.slug, world.log.pk]))
    before = Response.objects.count()
    client.force_login(world.member)
    assert client.post(url, data).status_code == 403
    assert Response.objects.count() == before
    page = client.get(reverse("circles:log_detail", args=[world.circle.slug, world.log.pk]))
    assert "This log is locked" in page.content.decode()
    client.force_login(world.facilitator)
    client.post(reverse("facilitation:log_unlock", args=[world.circle.slug, world.log.pk]))
    client.force_login(world.member)
    assert client.post(url, data).status_code == 302
    assert Response.objects.count() == before + 1


def test_facilitator_acts_from_the_log_page_and_returns_to_it(client, world):
    log_url = reverse("circles:log_detail", args=[world.circle.slug, world.log.pk])
    hide_response = reverse(
        "facilitation:response_hide", args=[world.circle.slug, world.response.pk]
    )
    client.force_login(world.member)
    page = client.get(log_url).content.decode()
    assert reverse("facilitation:log_pin", args=[world.circle.slug, world.log.pk]) not in page
    assert hide_response not in page
    client.force_login(world.facilitator)
    page = client.get(log_url).content.decode()
    assert reverse("facilitation:log_pin", args=[world.circle.slug, world.log.pk]) in page
    assert hide_response in page
    response = client.post(
        reverse("facilitation:log_pin", args=[world.circle.slug, world.log.pk]), {"next": log_url}
    )
    assert response["Location"] == log_url
    response = client.post(hide_response, {"reason": "Unkind", "next": log_url})
    assert response["Location"] == log_url
    # An address elsewhere is not followed.
    response = client.post(
        reverse("facilitation:log_lock", args=[world.circle.slug, world.log.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("facilitation:logs", args=[world.circle.slug])
