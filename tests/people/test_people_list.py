"""The people page in pages of 50: facilitators first, then by name; a name filter that
works as a plain GET form and, with HTMX, answers with the list alone; any page number
gives a page; the circle's count and its requests stay the circle's."""

import datetime as dt
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.models import MembershipState
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
)
from tests.people.conftest import person

pytestmark = pytest.mark.django_db

URL = reverse("circles:people", args=["big-circle"])


@pytest.fixture
def big():
    """A circle of 120: one facilitator, "Zoe Facilitator", and 119 members "Member 000"
    to "Member 118" (joined in no particular order), a request waiting, and someone who
    left."""
    circle = CircleFactory(name="Big circle", slug="big-circle", capacity=200)
    facilitator = FacilitatorFactory(circle=circle, member=person("Zoe Facilitator")).member
    names = [f"Member {i:03d}" for i in range(119)]
    random.Random(7).shuffle(names)
    members = {name: MembershipFactory(circle=circle, member=person(name)).member for name in names}
    MembershipFactory(circle=circle, member=person("Rita Request"), state=MembershipState.PENDING)
    MembershipFactory(circle=circle, member=person("Lee Left"), state=MembershipState.LEFT)
    return circle, facilitator, members


def _names(page: str) -> list[str]:
    """The names on the page's cards, in order."""
    return [
        card.split('class="person-name"><a href="')[1].split(">", 1)[1].split("<", 1)[0]
        for card in page.split('<li class="card person"')[1:]
    ]


def _get(client, user, data=None, **headers) -> str:
    client.force_login(user)
    response = client.get(URL, data or {}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_fifty_a_page_facilitators_first_then_by_name(client, big):
    circle, facilitator, members = big
    first = _get(client, members["Member 000"])
    assert _names(first) == ["Zoe Facilitator"] + [f"Member {i:03d}" for i in range(49)]
    assert '<nav class="pagination" aria-label="Pages of members">' in first
    assert "Page 1 of 3" in first and '<a href="?page=2">Next</a>' in first
    assert "Previous" not in first
    assert 'Members <span class="meta">(120)</span>' in first

    second = _get(client, members["Member 000"], {"page": "2"})
    assert _names(second) == [f"Member {i:03d}" for i in range(49, 99)]
    assert "Page 2 of 3" in second and '<a href="?page=1">Previous</a>' in second
    assert 'Members <span class="meta">(120)</span>' in second

    last = _get(client, members["Member 000"], {"page": "3"})
    assert _names(last) == [f"Member {i:03d}" for i in range(99, 119)]
    assert "Next</a>" not in last
    assert "Rita Request" not in first + second + last and "Lee Left" not in first + last


@pytest.mark.parametrize(
    "page, shown",
    [
        ("99", 3),
        ("-1", 3),
        ("0", 3),
        ("x", 1),
        ("", 1),
        ("1e400", 1),
        ("9" * 30, 3),
        ("9" * 5000, 1),
    ],
)
def test_any_page_number_shows_the_first_or_last_page(client, big, page, shown):
    """Out of range: the last page; not a number: the first."""
    text = _get(client, big[2]["Member 000"], {"page": page})
    assert f"Page {shown} of 3" in text
    assert len(_names(text)) == (20 if shown == 3 else 50)


def test_filter_by_name_any_case_keeps_the_count_and_the_pages_right(client, big):
    member = big[2]["Member 000"]
    page = _get(client, member, {"q": "  MEMBER 01 "})
    assert _names(page) == [f"Member {i:03d}" for i in range(10, 20)]
    assert "10 members match “MEMBER 01”." in page
    assert 'Members <span class="meta">(120)</span>' in page  # the circle's, not the filter's
    assert 'value="  MEMBER 01 "' in page  # the field keeps what was typed
    assert "Page 1 of" not in page  # one page: no page links

    many = _get(client, member, {"q": "member"})
    assert len(_names(many)) == 50 and "Page 1 of 3" in many
    assert '<a href="?q=member&amp;page=2">Next</a>' in many  # the filter is kept
    last = _get(client, member, {"q": "member", "page": "3"})
    assert _names(last) == [f"Member {i:03d}" for i in range(100, 119)]
    assert "119 members match “member”." in last

    one = _get(client, member, {"q": "zoe"})
    assert _names(one) == ["Zoe Facilitator"] and "1 member matches “zoe”." in one


def test_filter_matches_the_name_shown_and_treats_wildcards_as_text(client, big):
    """Without a display name, a member is shown (and found) by her email's local part."""
    circle = big[0]
    nameless = person("", email="j.doe_100%@example.org")
    MembershipFactory(circle=circle, member=nameless)
    member = big[2]["Member 000"]
    assert _names(_get(client, member, {"q": "doe_100%"})) == ["j.doe_100%"]
    assert _names(_get(client, member, {"q": "example.org"})) == []
    assert _names(_get(client, member, {"q": "Member_0"})) == []  # "_" is not a wildcard


def test_no_match_says_so(client, big):
    page = _get(client, big[2]["Member 000"], {"q": "Nobody <b>"})
    assert _names(page) == []
    assert "No member matches “Nobody &lt;b&gt;”." in page
    assert "<b>" not in page.split("<main")[1]
    assert 'Members <span class="meta">(120)</span>' in page


@pytest.mark.parametrize("q", ["x" * 10_000, "a\x00b", "Member 0" + "0" * 80])
def test_bad_filter_input_gets_an_answer_not_an_error(client, big, q):
    page = _get(client, big[2]["Member 000"], {"q": q})
    assert "Members" in page
    if "\x00" in q:  # refused on the form, the list unfiltered
        assert "Null characters are not allowed." in page and len(_names(page)) == 50
    else:
        assert "No member matches" in page and _names(page) == []


def test_htmx_gets_the_list_alone_with_the_status_out_of_band(client, big):
    member = big[2]["Member 000"]
    client.force_login(member)
    response = client.get(URL, {"q": "member 11"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page and "<h1" not in page and "<form" not in page
    assert _names(page) == [f"Member {i:03d}" for i in range(110, 119)]
    assert '<p id="people-status" class="meta" role="status" hx-swap-oob="innerHTML">' in page
    assert "9 members match “member 11”." in page
    assert "HX-Request" in response["Vary"]

    empty = client.get(URL, {"q": "nobody"}, headers={"HX-Request": "true"})
    assert "No member matches “nobody”." in empty.content.decode()

    restored = client.get(
        URL,
        {"q": "member 11"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restored.content.decode()  # htmx restoring its history needs the page


def test_the_form_works_without_javascript_and_htmx_enhances_it(client, big):
    page = _get(client, big[2]["Member 000"])
    form = page.split('<form method="get" action="/circles/big-circle/people/"')[1].split(
        "</form>"
    )[0]
    assert 'role="search"' in form and '<label for="id_q">Find a member by name</label>' in form
    assert 'type="search" name="q"' in form and 'id="id_q"' in form
    assert '<button type="submit">Find</button>' in form
    assert 'hx-get="/circles/big-circle/people/"' in form
    assert 'hx-trigger="input changed delay:300ms, search"' in form
    assert 'hx-target="#people-results"' in form and 'hx-push-url="true"' in form
    assert '<div id="people-results">' in page


def test_facilitators_see_the_requests_on_every_page_and_htmx_does_not_read_them(
    client, big, django_assert_num_queries
):
    circle, facilitator, _ = big
    for data in ({}, {"page": "3"}, {"q": "nobody"}):
        page = _get(client, facilitator, data)
        assert "Waiting to join" in page and "Rita Request" in page
    with django_assert_num_queries(7):  # no requests and no bell: the list alone
        client.get(URL, {"q": "member"}, headers={"HX-Request": "true"})


def test_activity_is_shown_for_members_on_later_pages(client, big):
    members = big[2]
    ActionLogFactory(circle=big[0], author=members["Member 105"])
    ActionLogFactory(
        circle=big[0],
        author=members["Member 106"],
        published_at=timezone.now() - dt.timedelta(days=20),
    )
    page = _get(client, members["Member 000"], {"page": "3"})
    card = page.split('<li class="card person"')
    assert "Active this week" in next(c for c in card if ">Member 105<" in c)
    assert "Active this month" in next(c for c in card if ">Member 106<" in c)
    assert "Active this" not in next(c for c in card if ">Member 107<" in c)


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("data", [{}, {"q": "member", "page": "2"}])
@pytest.mark.parametrize("who", ["Olive Outsider", "Lee Left"])
def test_a_non_member_gets_404_whatever_she_asks(client, big, htmx, data, who):
    outsider = person("Olive Outsider") if who == "Olive Outsider" else None
    client.force_login(outsider or big[0].memberships.get(state=MembershipState.LEFT).member)
    headers = {"HX-Request": "true"} if htmx else {}
    assert client.get(URL, data, headers=headers).status_code == 404
