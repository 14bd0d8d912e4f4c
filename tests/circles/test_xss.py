"""Hostile text in every Markdown field, in titles, tags and display names comes out inert
on every page that shows it: the feed, the log page, the dashboard, my logs and the forms."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.models import LOG_TEXT_FIELDS, LogState
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    MembershipFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<iframe src=x>",
]
ALL = " ".join(PAYLOADS)


class _Audit(HTMLParser):
    """Collects anything in a page that could run script."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            self.problems.append(f"inline <script> {attrs}")
        if tag in ("iframe", "object", "embed"):
            self.problems.append(f"<{tag}>")
        if tag == "img" and attrs.get("src") == "x":
            self.problems.append("<img src=x>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.problems.append(f"<{tag} {name}={value}>")


def assert_inert(html: str):
    audit = _Audit()
    audit.feed(html)
    assert audit.problems == []
    assert "<script>alert(1)</script>" not in html
    # The payload is still there for people to read, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture
def hostile(db):
    circle = CircleFactory(slug="ward", name="Ward")
    author = MembershipFactory(circle=circle).member
    author.profile.display_name = f"Evil {PAYLOADS[0]}"[:80]
    author.profile.save()
    peer = MembershipFactory(circle=circle).member
    peer.profile.display_name = f"Peer {PAYLOADS[1]}"[:80]
    peer.profile.save()
    fields = {name: f"{name}: {ALL}" for name in LOG_TEXT_FIELDS}
    title = PAYLOADS[0] + PAYLOADS[1][:100]
    log = ActionLogFactory(
        circle=circle,
        author=author,
        title=title[:140],
        next_step_due=timezone.localdate() + datetime.timedelta(days=3),
        **fields,
    )
    log.tags.set([PAYLOADS[0], PAYLOADS[1], PAYLOADS[3]])
    draft = ActionLogFactory(
        circle=circle,
        author=author,
        title=PAYLOADS[0] + " draft",
        state=LogState.DRAFT,
        published_at=None,
        **fields,
    )
    draft.tags.set([PAYLOADS[0]])
    ResponseFactory(log=log, author=peer, body=f"Response: {ALL}")
    # Waiting for a response on the peer's dashboard.
    ActionLogFactory(circle=circle, author=author, title=PAYLOADS[0] + " waiting", **fields)
    unanswered = ActionLogFactory(circle=circle, author=peer, title=PAYLOADS[0], **fields)
    unanswered.tags.set([PAYLOADS[1]])
    return circle, author, peer, log, draft


def test_markdown_fields_are_stored_sanitised(hostile):
    _, _, _, log, _ = hostile
    for name in LOG_TEXT_FIELDS:
        html = getattr(log, f"{name}_html")
        audit = _Audit()
        audit.feed(html)
        assert audit.problems == [], name
        assert "<script" not in html and "<iframe" not in html and "<img" not in html
        assert "&lt;script&gt;" in html  # kept as text to read


@pytest.mark.parametrize("viewer", ["author", "peer"])
def test_every_page_is_inert(client, hostile, viewer):
    circle, author, peer, log, draft = hostile
    client.force_login(author if viewer == "author" else peer)
    urls = [
        circle.get_absolute_url(),
        log.get_absolute_url(),
        reverse("dashboard"),
        reverse("circles:my_logs"),
    ]
    if viewer == "author":
        urls += [
            draft.get_absolute_url(),
            reverse("circles:log_edit", kwargs={"slug": circle.slug, "pk": log.pk}),
            reverse("circles:log_create", kwargs={"slug": circle.slug}) + f"?follows={log.pk}",
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())


def test_feed_and_log_page_show_the_names_and_tags_escaped(client, hostile):
    circle, author, peer, log, _ = hostile
    client.force_login(peer)
    feed = client.get(circle.get_absolute_url()).content.decode()
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;" in feed
    page = client.get(log.get_absolute_url()).content.decode()
    assert "Peer &lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;iframe src=x&gt;" in page  # a tag name
    assert 'href="javascript' not in page.lower()  # the [x](javascript:…) link is dropped


def test_hostile_response_posted_through_the_view_is_inert(client, hostile):
    circle, author, peer, log, _ = hostile
    client.force_login(peer)
    url = reverse("circles:response_create", kwargs={"slug": circle.slug, "pk": log.pk})
    client.post(url, {"kind": "question", "body": ALL})
    html = client.post(url, {"kind": "reflection", "body": ALL}, HTTP_HX_REQUEST="true")
    assert_inert(html.content.decode())
    client.force_login(author)
    assert_inert(client.get(log.get_absolute_url()).content.decode())


def test_hostile_log_posted_through_the_view_is_inert(client, hostile):
    circle, _, peer, _, _ = hostile
    client.force_login(peer)
    url = reverse("circles:log_create", kwargs={"slug": circle.slug})
    data = {name: ALL for name in LOG_TEXT_FIELDS}
    data.update(title=PAYLOADS[1], tags=", ".join(PAYLOADS), publish="1", next_step_due="")
    response = client.post(url, data)
    assert response.status_code == 302
    assert_inert(client.get(response["Location"]).content.decode())


def test_card_excerpt_is_plain_text(client, hostile):
    circle, _, peer, _, _ = hostile
    ActionLogFactory(circle=circle, title="Plain", situation="We tried **bold** _moves_ first.")
    client.force_login(peer)
    text = client.get(circle.get_absolute_url()).content.decode()
    assert "We tried bold moves first." in text
