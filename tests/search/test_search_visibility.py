"""For every persona of the access matrix, search finds exactly what ``visible_to`` shows:
a marker word planted in each hidden, draft, other-circle, left-circle and withdrawn object
is searched for, and found only by those the rules let see it."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.models import REPLY, ActionLog, LogState, MembershipState, Response
from commons.models import Lesson, LessonState
from search.selectors import search
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    LessonFactory,
    MembershipFactory,
    ResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "non_member",
    "pending",
    "member",
    "left",
    "other_facilitator",
    "facilitator",
    "author",
    "staff",
]


@pytest.fixture
def world():
    circle = CircleFactory(slug="ward")
    other = CircleFactory(slug="other")
    author = MembershipFactory(circle=circle).member
    member = MembershipFactory(circle=circle).member
    peer = MembershipFactory(circle=circle).member
    people = SimpleNamespace(
        non_member=UserFactory(),
        pending=MembershipFactory(
            circle=circle, state=MembershipState.PENDING, joined_at=None
        ).member,
        member=member,
        left=MembershipFactory(circle=circle, state=MembershipState.LEFT).member,
        other_facilitator=FacilitatorFactory(circle=other).member,
        facilitator=FacilitatorFactory(circle=circle).member,
        author=author,
        staff=UserFactory(is_staff=True),
    )
    shown = ActionLogFactory(circle=circle, author=author, title="zqshown log")
    hidden_response = ResponseFactory(
        log=shown, author=peer, body="zqhiddenresponse", is_hidden=True
    )
    planted = {
        "zqshown": shown,
        "zqdraft": ActionLogFactory(
            circle=circle, author=author, title="zqdraft", state=LogState.DRAFT, published_at=None
        ),  # fmt: skip
        "zqhiddenlog": ActionLogFactory(
            circle=circle, author=author, title="zqhiddenlog", is_hidden=True
        ),  # fmt: skip
        "zqother": ActionLogFactory(circle=other, title="zqother"),
        "zqresponse": ResponseFactory(log=shown, author=peer, body="zqresponse"),
        "zqhiddenresponse": hidden_response,
        "zqreplyunderhidden": ResponseFactory(
            log=shown, author=author, parent=hidden_response, kind=REPLY, body="zqreplyunderhidden"
        ),
        "zqotherresponse": ResponseFactory(
            log=ActionLogFactory(circle=other), body="zqotherresponse"
        ),
        "zqlisted": LessonFactory(source_log=shown, title="zqlisted"),
        "zqwithdrawn": LessonFactory(
            title="zqwithdrawn", state=LessonState.WITHDRAWN, withdrawn_at=timezone.now()
        ),
    }
    return people, planted


def may_see(user, item) -> bool:
    """The existing rules, asked directly."""
    if isinstance(item, ActionLog):
        return ActionLog.objects.visible_to(user).filter(pk=item.pk).exists()
    if isinstance(item, Response):
        return Response.objects.visible_to(user).filter(pk=item.pk).exists()
    assert isinstance(item, Lesson)
    return Lesson.objects.listed().filter(pk=item.pk).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_search_finds_a_planted_word_only_where_the_rules_show_it(world, persona):
    people, planted = world
    user = getattr(people, persona)
    for marker, item in planted.items():
        found = [hit.item for hit in search(user=user, text=marker).hits]
        expected = [item] if may_see(user, item) else []
        assert found == expected, (persona, marker)


def test_the_rules_hide_what_they_should_from_a_plain_member(world):
    people, planted = world
    hidden = ("zqdraft", "zqhiddenlog", "zqother", "zqhiddenresponse", "zqreplyunderhidden",
              "zqotherresponse", "zqwithdrawn")  # fmt: skip
    for marker in hidden:
        assert search(user=people.member, text=marker).count == 0, marker
    for persona in ("non_member", "pending", "left"):
        user = getattr(people, persona)
        assert search(user=user, text="zqshown").count == 0
        assert search(user=user, text="zqresponse").count == 0
        assert search(user=user, text="zqlisted").count == 1  # the commons is for everyone


def kind_of(item) -> str:
    return {Lesson: "lesson", ActionLog: "log", Response: "response"}[type(item)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_search_page_never_shows_a_hidden_marker(client, world, persona):
    people, planted = world
    user = getattr(people, persona)
    client.force_login(user)
    for marker, item in planted.items():
        page = client.get(reverse("search:search"), {"q": marker})
        assert page.status_code == 200
        body = page.content.decode()
        shown = f"hit-{kind_of(item)}-{item.pk}"
        assert (shown in body) == may_see(user, item), (persona, marker)


def test_an_author_who_left_still_finds_her_own_logs_but_not_what_the_circle_wrote(world):
    """The rules let an author read her own logs after she leaves their circle (and no
    longer what the circle wrote in response): search finds them there too."""
    people, planted = world
    people.author.memberships.update(state=MembershipState.LEFT)
    assert [hit.item for hit in search(user=people.author, text="zqshown").hits] == [
        planted["zqshown"]
    ]
    assert search(user=people.author, text="zqdraft").count == 1
    assert search(user=people.author, text="zqresponse").count == 0


def test_signed_out_visitors_are_sent_to_sign_in(client):
    page = client.get(reverse("search:search"), {"q": "anything"})
    assert page.status_code == 302
    assert reverse("account_login") in page["Location"]
