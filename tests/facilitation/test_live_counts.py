"""A decision taken in place (HTMX) answers with every part of the page it changes: the
queue's count in the facilitator's navigation and the circle's places, not only the list
the decision was taken in."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from circles.models import MembershipState
from tests.factories import MembershipFactory

HTMX = {"HX-Request": "true"}


class _TextOf(HTMLParser):
    """The text inside the element with a given id, and the ids named by hx-select-oob."""

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id = element_id
        self.depth = 0
        self.found = False
        self.text: list[str] = []
        self.oob_selected: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for selector in (attrs.get("hx-select-oob") or "").split(","):
            self.oob_selected.add(selector.strip().lstrip("#"))
        if self.depth:
            self.depth += 1
        elif attrs.get("id") == self.element_id:
            self.found = True
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def text_of(html: str, element_id: str) -> str | None:
    parser = _TextOf(element_id)
    parser.feed(html)
    return " ".join("".join(parser.text).split()) if parser.found else None


def oob_selected(html: str) -> set[str]:
    parser = _TextOf("")
    parser.feed(html)
    return parser.oob_selected - {""}


@pytest.fixture
def waiting(world):
    """The world's one open report, plus one request to join: two things wait."""
    world.circle.join_policy = "request"
    world.circle.entry_question = "What do you hope to try?"
    world.circle.save()
    return MembershipFactory(
        circle=world.circle, state=MembershipState.PENDING, joined_at=None, entry_answer="Huddles"
    )


def _queue(world):
    return reverse("facilitation:queue", args=[world.circle.slug])


def test_queue_page_counts_what_waits_and_takes_the_count_from_answers(client, world, waiting):
    client.force_login(world.facilitator)
    html = client.get(_queue(world)).content.decode()
    assert text_of(html, "queue-badge") == "2 waiting"
    assert "queue-badge" in oob_selected(html)


def test_hiding_in_the_queue_answers_with_the_new_count(client, world, waiting):
    client.force_login(world.facilitator)
    url = reverse("facilitation:response_hide", args=[world.circle.slug, world.response.pk])
    html = client.post(url, {"reason": "Unkind"}, headers=HTMX).content.decode()
    assert "Hidden." in text_of(html, "reports")
    assert text_of(html, "queue-badge") == "1 waiting"


def test_dismissing_the_last_report_answers_with_the_new_count(client, world):
    client.force_login(world.facilitator)
    url = reverse("facilitation:report_dismiss", args=[world.circle.slug, world.report.pk])
    html = client.post(url, headers=HTMX).content.decode()
    assert "Report dismissed." in text_of(html, "reports")
    assert text_of(html, "queue-badge") == ""


def test_admitting_answers_with_the_new_count_and_places(client, world, waiting):
    client.force_login(world.facilitator)
    page = client.get(world.circle.get_absolute_url()).content.decode()
    before = text_of(page, "circle-places")
    assert text_of(page, "queue-badge") == "2 waiting"
    assert {"queue-badge", "circle-places"} <= oob_selected(page)

    url = reverse("circles:admit", args=[world.circle.slug, waiting.pk])
    html = client.post(url, headers=HTMX).content.decode()
    assert "is now a member" in text_of(html, "requests")
    assert text_of(html, "queue-badge") == "1 waiting"
    taken = int(before.split()[0])
    assert text_of(html, "circle-places") == f"{taken + 1} of 20 taken"


def test_declining_answers_with_the_new_count(client, world, waiting):
    client.force_login(world.facilitator)
    url = reverse("circles:decline", args=[world.circle.slug, waiting.pk])
    html = client.post(url, {"reason": ""}, headers=HTMX).content.decode()
    assert "You declined" in text_of(html, "requests")
    assert text_of(html, "queue-badge") == "1 waiting"
