"""A search result's snippet reads as the rendered text: no Markdown marks (``**``, list
dashes, link brackets) and no markup, whatever was cut around the match."""

import pytest

from search.selectors import search
from tests.factories import ActionLogFactory, CircleFactory, MembershipFactory, ResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(circle=CircleFactory()).member


def snippet(member, text) -> str:
    [hit] = search(user=member, text=text).hits
    return str(hit.snippet)


def test_a_log_snippet_shows_bold_and_lists_as_words(member):
    circle = member.memberships.get().circle
    ActionLogFactory(
        circle=circle,
        title="Fasting before theatre",
        situation=(
            "Patients kept **nil by mouth** for too long.\n\n"
            "- _fasting_ from midnight\n- see [the policy](https://example.org/policy)"
        ),
    )

    shown = snippet(member, "mouth")

    assert "nil by <mark>mouth</mark>" in shown
    assert "fasting from midnight" in shown and "the policy" in shown
    for mark in ("**", "_fasting_", "- ", "](", "[the"):
        assert mark not in shown, (mark, shown)


def test_a_response_snippet_cut_inside_bold_leaves_no_half_mark(member):
    circle = member.memberships.get().circle
    log = ActionLogFactory(circle=circle)
    words = " ".join(f"word{i}" for i in range(60))
    ResponseFactory(log=log, body=f"**{words} zqneedle** and <script>alert(1)</script>")

    shown = snippet(member, "zqneedle")

    assert "<mark>zqneedle</mark>" in shown
    assert "*" not in shown
    assert "<script>" not in shown
    # How much follows the match is the backend's choice (PostgreSQL's ts_headline may stop
    # at it); what she typed as HTML, when shown, is shown as the text she typed.
    assert "script" not in shown or "&lt;script&gt;" in shown
